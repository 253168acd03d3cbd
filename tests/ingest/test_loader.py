"""The loader: store tables with lineage, catalog, quarantine, transactions, audit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

import vigie.ingest as ingest_module
from vigie.errors import InputError, UnsupportedFormatError
from vigie.ingest import ingest_files
from vigie.progress import Progress
from vigie.workspace import Workspace, table_names
from vigie.workspace.audit import read_entries


def _query(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    with ws.connect() as con:
        return con.execute(sql).fetchall()


def _snapshot(ws: Workspace) -> dict[str, list[str]]:
    with ws.connect() as con:
        names = [n for n in table_names(con) if n not in ("_runs", "_audit_head")]
        sql = 'SELECT CAST(COLUMNS(*) AS VARCHAR) FROM "{}"'
        return {n: sorted(repr(r) for r in con.execute(sql.format(n)).fetchall()) for n in names}


def test_csv_lands_with_original_columns_lineage_and_quarantine(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "Patients Océalab.csv"
    path.write_text("NIR;Nom;nom;;_row\n0123;Le Gall;x;;7\nbad\n", encoding="utf-8")
    report = ingest_files(workspace, [path]).as_dict()["files"][0]
    assert report["format"] == "csv"
    assert (report["rows_read"], report["rows_stored"], report["rows_quarantined"]) == (2, 1, 1)
    assert report["tables"] == [{"name": "patients_ocealab", "rows": 1}]
    assert [(r["header"], r["column"]) for r in report["columns_renamed"]] == [
        ("nom", "nom_2"),
        ("", "column_4"),
        ("_row", "_row_2"),
    ]
    digest = report["digest"]
    with workspace.connect() as con:
        described = con.execute("DESCRIBE patients_ocealab").fetchall()
        rows = con.execute("SELECT * FROM patients_ocealab").fetchall()
    assert [(d[0], d[1]) for d in described] == [
        ("NIR", "VARCHAR"),
        ("Nom", "VARCHAR"),
        ("nom_2", "VARCHAR"),
        ("column_4", "VARCHAR"),
        ("_row_2", "VARCHAR"),
        ("_source", "VARCHAR"),
        ("_row", "BIGINT"),
    ]
    assert rows == [("0123", "Le Gall", "x", None, "7", digest, 1)]
    assert _query(workspace, "SELECT * FROM _quarantine") == [
        (digest, "Patients Océalab", 2, "1 fields where the header has 5", "bad\n")
    ]
    files = _query(
        workspace,
        "SELECT digest, name, format, kind, rows_read, rows_stored, rows_quarantined FROM _files",
    )
    assert files == [(digest, path.name, "csv", "leak", 2, 1, 1)]
    tables = _query(workspace, "SELECT name, source_table, kind, rows, columns FROM _tables")
    assert tables[0][:4] == ("patients_ocealab", "Patients Océalab", "leak", 1)
    assert json.loads(tables[0][4]) == ["NIR", "Nom", "nom_2", "column_4", "_row_2"]


def test_workbook_tables_are_named_stem__sheet_and_clashes_get_a_suffix(
    workspace: Workspace, tmp_path: Path
) -> None:
    book = tmp_path / "Export.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    for sheet in ("Patients", "Examens 2019"):
        ws_ = wb.add_worksheet(sheet)
        ws_.write_row(0, 0, ["id"])
        ws_.write_row(1, 0, ["1"])
    wb.close()
    other = tmp_path / "other"
    other.mkdir()
    (other / "export.csv").write_text("a\n1\n2\n")
    (tmp_path / "export.csv").write_text("b\n3\n")
    report = ingest_files(workspace, [book, other / "export.csv", tmp_path / "export.csv"])
    names = [[t["name"] for t in f["tables"]] for f in report.as_dict()["files"]]
    assert names == [["export__patients", "export__examens_2019"], ["export"], ["export_2"]]


def test_reingest_is_a_no_op_and_says_skipped(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("x,y\n1,2\n3\n")
    first = ingest_files(workspace, [path]).as_dict()["files"][0]
    before = _snapshot(workspace)
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    again = ingest_files(workspace, [path, copy]).as_dict()["files"]
    assert [f["skipped"] for f in again] == [True, True]
    assert again[0]["tables"] == first["tables"]
    assert again[0]["rows_read"] == first["rows_read"] == 2
    assert _snapshot(workspace) == before


def test_missing_or_unsupported_argument_fails_before_anything_is_stored(
    workspace: Workspace, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("a\n1\n")
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    before = _snapshot(workspace)
    with pytest.raises(InputError, match=r"missing\.csv: no such file"):
        ingest_files(workspace, [good, tmp_path / "missing.csv"])
    with pytest.raises(InputError, match="is a directory"):
        ingest_files(workspace, [good, tmp_path])
    with pytest.raises(UnsupportedFormatError, match=r"scan\.pdf"):
        ingest_files(workspace, [good, pdf])
    assert _snapshot(workspace) == before
    assert [e["verb"] for e in read_entries(workspace.audit_path)] == ["init"]


def test_failure_mid_file_rolls_that_file_back_and_keeps_the_others(
    workspace: Workspace, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("a\n1\n")
    broken = tmp_path / "broken.json"
    # More elements than one insert batch, so rows are in the table when the fault comes.
    broken.write_text("[" + ",".join(f'{{"n": {i}}}' for i in range(60_000)) + ", oops]")
    with pytest.raises(InputError, match=r"broken.json: character \d+: malformed JSON"):
        ingest_files(workspace, [good, broken])
    with workspace.connect() as con:
        assert "good" in table_names(con)
        assert "broken" not in table_names(con)
        assert con.execute("SELECT name FROM _files").fetchall() == [("good.csv",)]
        assert con.execute("SELECT count(*) FROM _tables").fetchall() == [(1,)]
    entries = read_entries(workspace.audit_path)
    assert entries[-1]["verb"] == "ingest"
    assert entries[-1]["params"]["failed"] == "broken.json"
    assert workspace.verify_audit() == 2


class _InterruptingProgress(Progress):
    calls = 0

    def advance(self, amount: float = 1) -> None:
        _InterruptingProgress.calls += 1
        if _InterruptingProgress.calls == 3:
            raise KeyboardInterrupt
        super().advance(amount)


def test_keyboard_interrupt_mid_file_leaves_the_store_as_before(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_text("id,v\n" + "".join(f"{i},x\n" for i in range(400_000)))
    small = tmp_path / "small.csv"
    small.write_text("a\n1\n")
    ingest_files(workspace, [small])
    before = _snapshot(workspace)
    monkeypatch.setattr(ingest_module, "Progress", _InterruptingProgress)
    with pytest.raises(KeyboardInterrupt):
        ingest_files(workspace, [path])
    assert _snapshot(workspace) == before
    monkeypatch.setattr(ingest_module, "Progress", Progress)
    report = ingest_files(workspace, [path]).as_dict()["files"][0]
    assert (report["rows_stored"], report["skipped"]) == (400_000, False)


def test_one_audit_entry_per_command_without_values(workspace: Workspace, tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("nom\nSECRETNAME\n")
    b = tmp_path / "b.jsonl"
    b.write_text('{"nom": "OTHERSECRET"}\n')
    ingest_files(workspace, [a, b])
    entries = read_entries(workspace.audit_path)
    assert [e["verb"] for e in entries] == ["init", "ingest"]
    entry = entries[-1]
    assert [f["name"] for f in entry["params"]["files"]] == ["a.csv", "b.jsonl"]
    assert [f["format"] for f in entry["params"]["files"]] == ["csv", "jsonl"]
    assert entry["counts"]["rows_stored"] == 2
    assert "SECRET" not in workspace.audit_path.read_text()


def test_dump_style_reader_returning_to_a_table_appends_to_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "multi.json"
    path.write_text(json.dumps({"a": [{"x": "1"}], "b": [{"y": "2"}]}))
    report = ingest_files(workspace, [path]).as_dict()["files"][0]
    assert [t["name"] for t in report["tables"]] == ["multi__a", "multi__b"]
    assert _query(workspace, "SELECT x, _row FROM multi__a") == [("1", 1)]
