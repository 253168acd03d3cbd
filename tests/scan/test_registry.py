"""Every registered recognizer has its own test module and a docs entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.scan import all_recognizers, get
from vigie.scan.masking import mask_text

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "recognizers.md").read_text(encoding="utf-8")
NAMES = [r.name for r in all_recognizers()]


@pytest.mark.parametrize("name", NAMES)
def test_recognizer_has_a_test_module(name: str) -> None:
    assert (Path(__file__).parent / "recognizers" / f"test_{name}.py").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_recognizer_has_a_docs_entry(name: str) -> None:
    assert f"### `{name}`" in DOCS


def test_names_are_unique_and_lookup_works() -> None:
    assert len(set(NAMES)) == len(NAMES)
    assert all(get(n).name == n for n in NAMES)


@pytest.mark.parametrize("rec", all_recognizers(), ids=NAMES)
def test_recognizer_declares_what_evidence_needs(rec: object) -> None:
    from vigie.scan.recognizers.base import Recognizer

    assert isinstance(rec, Recognizer)
    assert rec.noun and rec.description and rec.header_hints
    assert all(h == h.upper() and " " not in h for h in rec.header_hints)
    assert rec.element is not None or not rec.personal
    assert mask_text("x")  # masks exist for every kind (checked in test_masking)
