"""The relational synth at 20,000 persons, built once per session: one synth, two
workspaces (the dump with its declared keys, the CSV export whose keys scan must find),
each ingested with two unrelated tables (hostile.py), registries added, scanned, linked.

About a minute and a half of CPU for both on a quiet 2-core machine (synth 7 s, then per
form: ingest, registries, scan, link); every test of the folder shares it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.relational import hostile
from vigie.ingest import ingest_files
from vigie.link.pipeline import LinkOptions, run_link
from vigie.registry import add_registry
from vigie.scan.evaluate import ScanEvaluation, evaluate_scan
from vigie.scan.stage import ScanReport, run_scan
from vigie.synth import generate
from vigie.synth.relational import CSV_DIR, SQL_FILE
from vigie.workspace import Workspace

PERSONS, SEED = 20_000, 2021


@dataclass
class Lis:
    """One form of the leak, scanned and linked."""

    form: str  # "sql" or "csv"
    ws: Workspace
    synth: Path
    keys: Path  # VIGIE_KEY_DIR of this workspace
    patients: str  # the store name of the patients table
    scan: ScanReport
    scan_evaluation: ScanEvaluation
    link: dict[str, Any]


@pytest.fixture(scope="session")
def lis_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lis") / "synth"
    generate(out, PERSONS, SEED, progress=False, shape="relational")
    hostile.write(out / "hostile", seed=SEED)
    return out


def _build(root: Path, synth: Path, form: str) -> Lis:
    keys = root / "keys"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(keys))
        mp.delenv("VIGIE_KEY", raising=False)
        ws = Workspace.create(root / "ws")
        leak = synth / "leak"
        files = [leak / SQL_FILE] if form == "sql" else sorted((leak / CSV_DIR).iterdir())
        ingest_files(ws, [*files, *sorted((synth / "hostile").iterdir())])
        with (synth / "registries" / "controllers.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                add_registry(ws, row["controller"], synth / "registries" / row["file"])
        report = run_scan(ws)
        evaluation = evaluate_scan(ws, synth / "truth")
        result = run_link(ws, LinkOptions(evaluate=synth / "truth"))
    patients = "sil_prod__patients" if form == "sql" else "patients"
    return Lis(form, ws, synth, keys, patients, report, evaluation, result)


@pytest.fixture(scope="session")
def lis_sql(tmp_path_factory: pytest.TempPathFactory, lis_synth: Path) -> Lis:
    return _build(tmp_path_factory.mktemp("lis-sql"), lis_synth, "sql")


@pytest.fixture(scope="session")
def lis_csv(tmp_path_factory: pytest.TempPathFactory, lis_synth: Path) -> Lis:
    return _build(tmp_path_factory.mktemp("lis-csv"), lis_synth, "csv")


@pytest.fixture(params=["sql", "csv"])
def lis(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Lis:
    """Each form in turn, with its key directory set so tests may open the store."""
    built: Lis = request.getfixturevalue(f"lis_{request.param}")
    monkeypatch.setenv("VIGIE_KEY_DIR", str(built.keys))
    return built
