"""ingest, registry add and export through the real command line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.cli.runner import assert_one_line_error, vigie


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "ws"
    assert vigie("init", str(path)).code == 0
    return path


def test_ingest_json_contract_then_export(ws: Path, tmp_path: Path) -> None:
    leak = tmp_path / "patients.csv"
    leak.write_text("nir;nom\n0123;Lefèvre\n0456\n", encoding="utf-8")
    run = vigie("ingest", str(ws), str(leak), "--json")
    assert run.code == 0, run.stderr
    [entry] = run.json()["files"]
    assert set(entry) >= {
        "path",
        "digest",
        "format",
        "rows_read",
        "rows_stored",
        "rows_quarantined",
        "skipped",
        "tables",
    }
    assert (entry["format"], entry["rows_read"], entry["rows_stored"]) == ("csv", 2, 1)
    assert (entry["rows_quarantined"], entry["skipped"]) == (1, False)
    assert entry["tables"] == [{"name": "patients", "rows": 1}]
    assert len(entry["digest"]) == 64

    again = vigie("ingest", str(ws), str(leak))
    assert again.code == 0
    assert "already ingested: skipped" in again.stdout

    out = tmp_path / "p.csv"
    run = vigie("export", str(ws), "patients", "--format", "csv", "--output", str(out), "--json")
    assert run.code == 0, run.stderr
    assert run.json()["rows"] == 1
    assert "personal data" in run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().splitlines()[1].startswith("0123,Lefèvre,")
    listing = vigie("export", str(ws), "--list", "--json").json()["tables"]
    assert {"name": "patients", "rows": 1} in listing


def test_registry_add_cli(ws: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.jsonl"
    index.write_text(json.dumps({"nir": "1", "nom": "A"}) + "\n")
    run = vigie("registry", "add", str(ws), "--controller", "Océalab", str(index), "--json")
    assert run.code == 0, run.stderr
    doc = run.json()
    assert doc["controller"] == "Océalab"
    assert doc["files"][0]["tables"] == [{"name": "registry__ocealab", "rows": 1}]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["ingest", "{ws}", "{tmp}/missing.csv"], "missing.csv: no such file"),
        (["ingest", "{ws}", "{tmp}/dump.pgc"], "pg_restore"),
        (["export", "{ws}", "nope", "--output", "{tmp}/x.csv"], "no table 'nope'"),
        (["export", "{ws}", "nope", "--output", "{tmp}/x.xyz"], "give --format"),
        (["export", "{ws}"], "give a TABLE and --output"),
    ],
)
def test_errors_are_one_line_without_traceback(
    ws: Path, tmp_path: Path, args: list[str], says: str
) -> None:
    (tmp_path / "dump.pgc").write_bytes(b"PGDMP\x01\x0e\x00")
    run = vigie(*[a.format(ws=ws, tmp=tmp_path) for a in args])
    assert_one_line_error(run)
    assert says in run.stderr
