"""A declared foreign key to a table of another file (FHIR bulk exports: a file per type)."""

from __future__ import annotations

import json
from pathlib import Path

from vigie.ingest import ingest_files
from vigie.scan.stage import run_scan
from vigie.workspace import Workspace

TO_PATIENT = "subject.resolve().ofType(Patient).id"


def _ndjson(path: Path, resources: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in resources) + "\n", encoding="utf-8")
    return path


def _patients(ids: range) -> list[dict]:
    return [{"resourceType": "Patient", "id": f"p{i}", "gender": "female"} for i in ids]


def _observations(ids: range) -> list[dict]:
    return [
        {"resourceType": "Observation", "id": f"o{i}", "subject": {"reference": f"Patient/p{i}"}}
        for i in ids
    ]


def test_key_to_another_file_resolves_by_type_to_the_table_holding_its_values(
    tmp_path: Path, workspace: Workspace
) -> None:
    obs = _ndjson(tmp_path / "bulk" / "Observation.ndjson", _observations(range(10, 30)))
    report = ingest_files(workspace, [obs]).as_dict()["files"][0]
    [key] = [k for k in report["tables"][0]["keys"] if k["kind"] == "foreign"]
    assert key == {"kind": "foreign", "columns": [TO_PATIENT], "ref_table": None,
                   "ref_columns": None, "ref_source": "Patient"}  # fmt: skip
    # Two Patient files: an older export holding other ids, and the one the ids are in.
    old = _ndjson(tmp_path / "old" / "Patient.ndjson", _patients(range(100, 130)))
    new = _ndjson(tmp_path / "bulk" / "Patient.ndjson", _patients(range(0, 29)))
    ingest_files(workspace, [old, new])
    relations = run_scan(workspace).keys
    assert [(r["table"], r["column"], r["ref_table"], r["ref_column"], r["source"],
             r["orphans"]) for r in relations] == [
        ("observation", TO_PATIENT, "patient_2", "id", "declared", 1)
    ]  # fmt: skip


def test_no_table_of_that_name_no_relation(tmp_path: Path, workspace: Workspace) -> None:
    obs = _ndjson(tmp_path / "Observation.ndjson", _observations(range(3)))
    ingest_files(workspace, [obs])
    assert run_scan(workspace).keys == []
