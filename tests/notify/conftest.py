"""A small synthetic incident through every stage up to notify, built once per session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from vigie.workspace import Workspace

LETTER_DATE = date(2021, 3, 1)


@dataclass(frozen=True)
class Notified:
    workspace: Path
    truth: Path
    result: dict[str, Any]


@pytest.fixture(scope="session")
def notify_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("notify-keys")


@pytest.fixture
def notify_env(notify_keys: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tests on the shared workspace need its key directory."""
    monkeypatch.setenv("VIGIE_KEY_DIR", str(notify_keys))
    return notify_keys


@pytest.fixture(scope="session")
def notified(tmp_path_factory: pytest.TempPathFactory, notify_keys: Path) -> Notified:
    """synth (300 persons) -> ... -> assess -> notify, with letters in 3 batches."""
    from vigie.demo import run_demo
    from vigie.notify.run import NotifyOptions, notify_workspace

    root = tmp_path_factory.mktemp("notify")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(notify_keys))
        mp.delenv("VIGIE_KEY", raising=False)
        report = run_demo(root / "demo", persons=300, seed=7, until="report")
        ws = Workspace.open(report.workspace)
        options = NotifyOptions(batch_size=120, processes=2, letter_date=LETTER_DATE)
        result = notify_workspace(ws, options)
    return Notified(report.workspace, root / "demo" / "incident" / "truth", result)


@dataclass(frozen=True)
class RenderedVariants:
    """Every letter variant (letter_variants.py) and the text of each page as printed."""

    variants: list[Any]
    pages: list[str]


@pytest.fixture(scope="session")
def rendered_variants(tmp_path_factory: pytest.TempPathFactory) -> RenderedVariants:
    """Each variant rendered once through the real Typst path (~5 s for all of them)."""
    from tests.notify.letter_variants import letter_variants, render
    from tests.notify.pdftext import page_texts

    variants = letter_variants()
    pdf = render(variants, tmp_path_factory.mktemp("letter-variants"))
    return RenderedVariants(variants, page_texts(pdf, printed=True))
