"""The bundle: every issued code verifies from it alone, and it holds no personal value."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.portal.conftest import Portal, genuine_code
from vigie.portal import load_bundle

PERSONAL_COLUMNS = ("NOM_NAISSANCE", "NOM_USAGE", "PRENOMS", "DATE_NAISSANCE", "NIR",
                    "ADRESSE", "TELEPHONE", "EMAIL")  # fmt: skip


def _personal_values(incident: Path) -> set[str]:
    values: set[str] = set()
    for path in (incident / "registries").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                values.update((row.get(c) or "").strip() for c in PERSONAL_COLUMNS)
    with (incident / "truth" / "persons.csv").open(encoding="utf-8", newline="") as f:
        values.update(row["birth_date"] for row in csv.DictReader(f))
    values.discard("")
    return values


def test_bundle_holds_no_personal_value_of_the_incident(built: Portal) -> None:
    values = _personal_values(built.incident)
    assert len(values) > 300  # the ground truth was read
    text = "\n".join(p.read_bytes().decode("utf-8") for p in sorted(built.bundle.iterdir()))
    low = text.lower()
    found = []
    for value in values:
        # A short value (a three-letter surname) is looked for as a whole word only.
        pattern = re.escape(value.lower())
        short = len(value) < 6
        if re.search(rf"(?<![\w-]){pattern}(?![\w-])", low) if short else value.lower() in low:
            found.append(value)
        digits = re.sub(r"\D", "", value)  # a NIR or phone written without spaces
        if len(digits) >= 9 and digits in text:
            found.append(value)
    assert found == []


def test_code_printed_on_a_letter_verifies_from_the_bundle_alone(built: Portal) -> None:
    bundle = load_bundle(built.bundle)
    code = genuine_code(built.letters)
    letter = bundle.verify(code)
    assert letter is not None
    assert letter.reference.startswith("L01-")
    assert letter.issuer.contact.endswith("@example.org")
    assert bundle.verify(code.lower().replace("-", "")) == letter  # typed loosely
    assert bundle.verify(code.replace("0", "O")) == letter


@pytest.mark.parametrize(
    "typed",
    ["0000-0000-0000", "", "x" * 10_000, "' OR 1=1 --", "<script>alert(1)</script>",
     "١٢٣٤-٥٦٧٨-٩٠١٢", "ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ", "\x00\ud800"],
)  # fmt: skip
def test_anything_else_is_not_genuine(built: Portal, typed: str) -> None:
    assert load_bundle(built.bundle).verify(typed) is None


def test_rebuild_after_reissue_keeps_old_codes_and_adds_new(built: Portal, portal_env: Path,
                                                            tmp_path: Path) -> None:  # fmt: skip
    from vigie.notify.run import NotifyOptions, notify_workspace
    from vigie.portal import build_bundle
    from vigie.workspace import Workspace

    ws = Workspace.open(built.workspace)
    old = genuine_code(built.letters)
    result = notify_workspace(ws, NotifyOptions(processes=1, reissue=True))
    build_bundle(ws, tmp_path / "again")
    bundle = load_bundle(tmp_path / "again")
    new = genuine_code(Path(result["out"]))
    assert new != old
    assert bundle.verify(old) is not None
    found = bundle.verify(new)
    assert found is not None and found.reference.startswith("L02-")
    assert len(bundle.codes) == 2 * len(load_bundle(built.bundle).codes)
