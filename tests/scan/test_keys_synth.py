"""Issue 13's key bar on synth: every declared and inclusion key of the relational shape
(precision and recall 1.0 against truth/keys.csv), nothing spurious on the flat shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigie.cli import main
from vigie.ingest import ingest_files
from vigie.scan.evaluate import ScanEvaluation, evaluate_scan
from vigie.scan.stage import ScanReport, run_scan
from vigie.synth import generate
from vigie.workspace import Workspace

PERSONS, SEED = 800, 29


def _scanned(
    root: Path, name: str, files: list[Path], truth: Path
) -> tuple[Workspace, ScanReport, ScanEvaluation]:
    ws = Workspace.create(root / name)
    ingest_files(ws, files)
    report = run_scan(ws)
    return ws, report, evaluate_scan(ws, truth)


@pytest.fixture(scope="module")
def scanned(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Workspace, ScanReport, ScanEvaluation]]:
    root = tmp_path_factory.mktemp("keys")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(root / "keys"))
        mp.delenv("VIGIE_KEY", raising=False)
        rel, flat = root / "synth" / "relational", root / "synth" / "flat"
        generate(rel, PERSONS, SEED, progress=False, shape="relational")
        generate(flat, PERSONS, SEED, progress=False)
        return {
            "sql": _scanned(root, "sql", [rel / "leak" / "sil_prod.sql"], rel / "truth"),
            "csv": _scanned(root, "csv", sorted((rel / "leak" / "csv").iterdir()), rel / "truth"),
            "flat": _scanned(root, "flat", sorted((flat / "leak").iterdir()), flat / "truth"),
        }


def test_dump_keys_are_the_declared_ones(scanned: dict) -> None:
    _, report, evaluation = scanned["sql"]
    keys = evaluation.keys
    assert keys is not None and keys.expected == 3
    assert (keys.precision, keys.recall) == (1.0, 1.0), keys.as_dict()
    assert {k["source"] for k in report.keys} == {"declared"}
    # Orphans are counted, not hidden: a purged patient, a deleted request.
    orphans = {k["column"]: k["orphans"] for k in report.keys}
    assert orphans["IPP"] >= 1 and orphans["ID_DEMANDE"] >= 1 and orphans["ID_LABO"] == 0


def test_csv_export_keys_are_found_by_inclusion(scanned: dict) -> None:
    _, report, evaluation = scanned["csv"]
    keys = evaluation.keys
    assert keys is not None and keys.expected == 3
    assert (keys.precision, keys.recall) == (1.0, 1.0), keys.as_dict()
    assert {k["source"] for k in report.keys} == {"inclusion"}
    assert all(0.95 <= k["coverage"] < 1.0 for k in report.keys if k["column"] != "ID_LABO")


def test_flat_shape_has_no_spurious_key(scanned: dict) -> None:
    """The flat tables hold no foreign key: the only relations are the lab codes (FINESS) of
    two exports found in the dump's `laboratoires` table, which are real references."""
    _, report, evaluation = scanned["flat"]
    assert evaluation.keys is None  # the flat truth has no keys.csv
    found = {(k["table"], k["column"], k["ref_table"], k["ref_column"]) for k in report.keys}
    assert found <= {
        ("export_sil__dossiers_patients", "CODE_LABO", "export_sil__laboratoires", "FINESS"),
        ("dossiers", "finess_labo", "export_sil__laboratoires", "FINESS"),
    }


def test_cli_prints_the_tree_and_set_removes_a_relation(
    scanned: dict, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, _, _ = scanned["csv"]
    monkeypatch.setenv("VIGIE_KEY_DIR", str(ws.path.parent / "keys"))
    with pytest.raises(SystemExit) as done:
        main(["scan", str(ws.path)])
    assert done.value.code == 0
    text = capsys.readouterr().out
    tree = text[text.index("relations between tables") :].splitlines()
    assert tree[1].strip() == "patients"
    assert tree[2].strip().startswith("└─ demandes.IPP -> IPP  (inclusion;")
    assert tree[3].strip().startswith("└─ resultats.ID_DEMANDE -> ID_DEMANDE")
    with pytest.raises(SystemExit) as done:
        main(["scan", str(ws.path), "--set", "demandes.ID_LABO=ref:none", "--json"])
    assert done.value.code == 0
    keys = json.loads(capsys.readouterr().out)["keys"]
    assert sorted(k["column"] for k in keys) == ["ID_DEMANDE", "IPP"]
