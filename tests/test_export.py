"""export: any stored table, values exactly, NULL distinct from "", file 0600."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from vigie.errors import InputError
from vigie.export import csv_field, export_table, list_tables
from vigie.ingest import ingest_files
from vigie.workspace import Workspace

CSV_IN = 'id,nom,note\n001,"Lefèvre","a ""b""\r\nc"\n002,,""\n'


@pytest.fixture
def loaded(workspace: Workspace, tmp_path: Path) -> Workspace:
    path = tmp_path / "patients.csv"
    path.write_text(CSV_IN, encoding="utf-8", newline="")
    ingest_files(workspace, [path])
    return workspace


def test_csv_export_keeps_values_nulls_and_lineage(loaded: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    done = export_table(loaded, "patients", "csv", out)
    assert done.rows == 2
    assert done.columns == ["id", "nom", "note", "_source", "_row"]
    lines = out.read_bytes().decode().split("\n")
    assert lines[0] == "id,nom,note,_source,_row"
    assert lines[1].startswith('001,Lefèvre,"a ""b""\r')
    assert lines[2] == 'c",' + lines[2].split(",")[1] + ",1"
    assert lines[3].startswith('002,,"",') and lines[3].endswith(",2")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_jsonl_and_parquet_exports(loaded: Workspace, tmp_path: Path) -> None:
    export_table(loaded, "patients", "jsonl", tmp_path / "o.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert rows[0]["note"] == 'a "b"\r\nc'
    assert (rows[1]["nom"], rows[1]["note"], rows[1]["_row"]) == (None, "", 2)
    export_table(loaded, "patients", "parquet", tmp_path / "o.parquet")
    table = pq.read_table(tmp_path / "o.parquet")
    assert table.column("id").to_pylist() == ["001", "002"]
    assert table.column("nom").to_pylist() == ["Lefèvre", None]
    assert stat.S_IMODE((tmp_path / "o.parquet").stat().st_mode) == 0o600


def test_catalog_and_quarantine_tables_export_too(loaded: Workspace, tmp_path: Path) -> None:
    done = export_table(loaded, "_files", "jsonl", tmp_path / "files.jsonl")
    assert done.rows == 1
    assert json.loads((tmp_path / "files.jsonl").read_text())["name"] == "patients.csv"
    assert export_table(loaded, "_quarantine", "csv", tmp_path / "q.csv").rows == 0


def test_unknown_table_lists_the_tables(loaded: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no table 'nope' in the store; tables: .*patients"):
        export_table(loaded, "nope", "csv", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_existing_output_is_not_replaced_without_overwrite(
    loaded: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "o.csv"
    out.write_text("keep")
    with pytest.raises(InputError, match="already exists"):
        export_table(loaded, "patients", "csv", out)
    assert out.read_text() == "keep"
    export_table(loaded, "patients", "csv", out, overwrite=True)
    assert out.read_text().startswith("id,")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_list_tables_counts_rows(loaded: Workspace) -> None:
    tables = dict(list_tables(loaded))
    assert tables["patients"] == 2
    assert tables["_files"] == 1


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (None, ""),
        ("", '""'),
        ("a", "a"),
        ("a,b", '"a,b"'),
        ('q"', '"q"""'),
        ("\r", '"\r"'),
        ("007", "007"),
        (" x ", " x "),
    ],
)
def test_csv_field(value: str | None, field: str) -> None:
    assert csv_field(value) == field


def test_export_is_recorded_in_the_audit_log(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    leak = tmp_path / "leak.csv"
    leak.write_text("NOM;CP\nDUPONT;35000\n", encoding="utf-8")
    ingest_files(ws, [leak])
    export_table(ws, "leak", "csv", tmp_path / "out.csv")
    last = ws.audit_path.read_text().splitlines()[-1]
    assert '"verb": "export"' in last and "DUPONT" not in last
    assert ws.verify_audit() == 3
