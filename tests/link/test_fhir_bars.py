"""Issue 13's bars on `synth --shape fhir` at 20,000 persons: NDJSON bulk files through
ingest, scan and link, against the truth.

One session-scoped run (synth, ingest of the six NDJSON files, the 28 registries, scan,
link): about a minute of CPU. VIGIE_FHIR_PERSONS sets another size for a quicker look;
the bars are the issue's at 20,000.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vigie.ingest import ingest_files
from vigie.link.pipeline import LinkOptions, run_link
from vigie.registry import add_registry
from vigie.scan.evaluate import evaluate_scan
from vigie.scan.stage import run_scan
from vigie.synth import generate
from vigie.vocabulary import category
from vigie.workspace import Workspace

PERSONS = int(os.environ.get("VIGIE_FHIR_PERSONS", "20000"))


@dataclass
class Run:
    out: Path
    scan: dict[str, Any]
    link: dict[str, Any]
    exposure: dict[str, tuple[int, int, int]]  # element -> (both, told, truly exposed)


def per_person_exposure(ws: Workspace, truth: Path) -> dict[str, tuple[int, int, int]]:
    """Each true person against the predicted person holding most of their leak rows:
    per element, (persons told and truly exposed, persons told, persons truly exposed)."""
    with ws.connect() as con:
        con.execute(
            "CREATE TEMP TABLE fhir_truth AS SELECT t.name AS tbl, CAST(lk.row AS BIGINT) AS _row,"
            " lk.person_id, lk.elements FROM read_csv(?, all_varchar = true) lk "
            "JOIN _files f ON f.kind = 'leak' AND f.name = parse_filename(lk.file) "
            'JOIN _tables t ON t.digest = f.digest AND t.source_table = lk."table"',
            [str(truth / "leak_rows.csv")],
        )
        rows = con.execute("""
            WITH pred AS (
                SELECT t.person_id, p.person_id AS cluster FROM fhir_truth t
                JOIN person_records p ON p."table" = t.tbl AND p._row = t._row),
            main AS (
                SELECT person_id, arg_max(cluster, n) AS cluster FROM (
                    SELECT person_id, cluster, count(*) AS n FROM pred GROUP BY 1, 2)
                GROUP BY 1),
            want AS (
                SELECT DISTINCT person_id, unnest(string_split(elements, '|')) AS element
                FROM fhir_truth WHERE elements <> ''),
            got AS (
                SELECT DISTINCT m.person_id, e.element FROM main m
                JOIN person_exposure e ON e.person_id = m.cluster),
            both_ AS (
                SELECT coalesce(w.element, g.element) AS element,
                    w.person_id IS NOT NULL AS wanted, g.person_id IS NOT NULL AS told
                FROM want w FULL JOIN got g USING (person_id, element))
            SELECT element, count(*) FILTER (WHERE wanted AND told),
                count(*) FILTER (WHERE told), count(*) FILTER (WHERE wanted)
            FROM both_ GROUP BY 1""").fetchall()
    return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}


@pytest.fixture(scope="session")
def fhir_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("fhir_bars")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(root / "keys"))
        mp.delenv("VIGIE_KEY", raising=False)
        out = root / "synth"
        generate(out, PERSONS, 2021, progress=False, shape="fhir")
        ws = Workspace.create(root / "ws")
        ingest_files(ws, sorted((out / "leak" / "fhir").glob("*.ndjson")))
        with (out / "registries" / "controllers.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                add_registry(ws, row["controller"], out / "registries" / row["file"])
        run_scan(ws)
        scan = evaluate_scan(ws, out / "truth").as_dict()
        link = run_link(ws, LinkOptions(evaluate=out / "truth"))
        return Run(out, scan, link, per_person_exposure(ws, out / "truth"))


def _truth_rows(run: Run) -> list[dict[str, str]]:
    with (run.out / "truth" / "leak_rows.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_persons_found_within_half_a_percent(fhir_run: Run) -> None:
    people = {r["person_id"] for r in _truth_rows(fhir_run)}
    assert len(people) == PERSONS
    assert abs(fhir_run.link["persons"] - PERSONS) <= 0.005 * PERSONS


def test_cluster_f1(fhir_run: Run) -> None:
    assert fhir_run.link["evaluation"]["cluster"]["f1"] >= 0.995
    assert fhir_run.link["evaluation"]["pairwise_leak"]["precision"] >= 0.999


def test_health_exposure_per_person(fhir_run: Run) -> None:
    """Every health element, all of them reachable only through references: no Patient
    resource holds one (results, notes, conditions and blood groups name their Patient)."""
    rows = _truth_rows(fhir_run)
    on_patients = {
        e for r in rows if r["table"] == "Patient" for e in r["elements"].split("|") if e
    }
    health = {e: v for e, v in fhir_run.exposure.items() if category(e) == "health"}
    assert set(health) >= {"health.hiv", "health.result", "health.blood_group",
                           "health.diagnosis", "health.pregnancy", "care.exam"}  # fmt: skip
    assert not on_patients & set(health)
    for element, (both, told, wanted) in sorted(health.items()):
        assert both >= 0.99 * told, f"{element}: precision {both / told:.4f}"
        assert both >= 0.99 * wanted, f"{element}: recall {both / wanted:.4f}"


def test_identity_and_identifiers_exposed_per_person(fhir_run: Run) -> None:
    for element in ("national_id.ins", "national_id.nir", "contact.phone", "contact.email",
                    "provider.prescriber", "identity.birth_name"):  # fmt: skip
        both, told, wanted = fhir_run.exposure[element]
        assert wanted > 0 and both >= 0.99 * told and both >= 0.99 * wanted, element


def test_scan_reads_every_column_and_key(fhir_run: Run) -> None:
    scan = fhir_run.scan
    assert scan["columns"]["errors"] == []
    assert scan["keys"]["precision"] == scan["keys"]["recall"] == 1.0
    assert scan["keys"]["expected"] >= 9  # subject, basedOn, performer, result[k]...
    for element, score in scan["elements"].items():
        assert score["precision"] >= 0.999 and score["recall"] >= 0.999, element


def test_rows_reach_their_person_through_references(fhir_run: Run) -> None:
    rows = _truth_rows(fhir_run)
    children = [r for r in rows if r["table"] != "Patient"]
    link = fhir_run.link
    assert link["records_through_keys"] + link["orphans"] == len(children)
    assert link["orphans"] >= sum(r["orphan"] == "True" for r in children) > 0
