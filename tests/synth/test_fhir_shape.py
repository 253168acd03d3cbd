"""`--shape fhir`: the relational rows as FHIR resources; the truth says what the files hold."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from vigie.ingest import ingest_files
from vigie.synth import generate
from vigie.workspace import Workspace

from ._util import read_csv

TYPES = ("Condition", "DiagnosticReport", "Observation", "Organization", "Patient",
         "ServiceRequest")  # fmt: skip


def _resources(root: Path, rtype: str) -> list[dict]:
    path = root / "leak" / "fhir" / f"{rtype}.ndjson"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_ndjson_file_per_type_with_the_relational_rows(fhir: Path, relational: Path) -> None:
    folder = fhir / "leak" / "fhir"
    assert sorted(p.name for p in folder.iterdir()) == [f"{t}.ndjson" for t in TYPES]
    rel = Counter(r["table"] for r in read_csv(relational / "truth" / "leak_rows.csv")
                  if r["file"] == "sil_prod.sql")  # fmt: skip
    got = {t: _resources(fhir, t) for t in TYPES}
    assert len(got["Patient"]) == rel["patients"]
    assert len(got["ServiceRequest"]) == len(got["DiagnosticReport"]) == rel["demandes"]
    blood = [o for o in got["Observation"] if o["code"]["coding"][0]["code"] == "882-1"]
    assert len(got["Observation"]) - len(blood) == rel["resultats"]
    assert len(got["Organization"]) == 28
    assert all(r["resourceType"] == t for t in TYPES for r in got[t])
    # The same persons, registries and incident as the relational shape.
    for name in ("registries/controllers.csv", "incident.yaml", "truth/registry_links.csv"):
        assert (fhir / name).read_bytes() == (relational / name).read_bytes()


def test_identifiers_say_ins_or_nir_by_type(fhir: Path) -> None:
    rows = {r["row"]: r for r in read_csv(fhir / "truth" / "leak_rows.csv")
            if r["table"] == "Patient"}  # fmt: skip
    kinds = Counter()
    for i, patient in enumerate(_resources(fhir, "Patient"), start=1):
        ids = patient["identifier"]
        assert ids[0]["type"]["coding"][0]["code"] == "PI"
        if len(ids) > 1:
            code = ids[1]["type"]["coding"][0]["code"]
            element = {"INS-NIR": "national_id.ins", "NH": "national_id.nir"}[code]
            assert element in rows[str(i)]["elements"].split("|")
            kinds[code] += 1
    assert kinds["INS-NIR"] > kinds["NH"] > 0


def test_every_resource_names_its_patient_and_orphans_are_flagged(fhir: Path) -> None:
    patients = {p["id"]: i for i, p in enumerate(_resources(fhir, "Patient"), start=1)}
    truth = [r for r in read_csv(fhir / "truth" / "leak_rows.csv") if r["table"] != "Patient"]
    by_table: dict[str, list[dict]] = {}
    for r in truth:
        by_table.setdefault(r["table"], []).append(r)
    for rtype, rows in by_table.items():
        for resource, row in zip(_resources(fhir, rtype), rows, strict=True):
            target = resource["subject"]["reference"].removeprefix("Patient/")
            if row["orphan"] == "True":
                assert target not in patients and row["parent_row"] == ""
            else:
                assert patients[target] == int(row["parent_row"])
    assert sum(r["orphan"] == "True" for r in truth) > 0


def test_truth_columns_are_the_columns_ingest_stores(fhir: Path, workspace: Workspace) -> None:
    """The writer builds JSON from paths, the reader flattens it back: both must agree."""
    files = sorted((fhir / "leak" / "fhir").glob("*.ndjson"))
    report = ingest_files(workspace, files).as_dict()
    assert all(f["rows_quarantined"] == 0 for f in report["files"])
    truth = read_csv(fhir / "truth" / "columns.csv")
    with workspace.connect() as con:
        for rtype in TYPES:
            stored = json.loads(
                con.execute(
                    "SELECT columns FROM _tables WHERE source_table = ?", [rtype]
                ).fetchall()[0][0]
            )
            expected = [r["column"] for r in truth if r["table"] == rtype]
            assert sorted(stored) == sorted(expected), rtype


def test_same_seed_same_bytes(tmp_path: Path, fhir: Path) -> None:
    again = tmp_path / "again"
    generate(again, 2000, 11, progress=False, shape="fhir")
    for path in sorted((fhir / "leak" / "fhir").iterdir()):
        assert (again / "leak" / "fhir" / path.name).read_bytes() == path.read_bytes()
    assert (again / "truth" / "leak_rows.csv").read_bytes() == (
        fhir / "truth" / "leak_rows.csv"
    ).read_bytes()
