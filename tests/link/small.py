"""Small, clean leaks for linkage edge cases (test support).

A clean leak holds each person once: rows are taken from a synth incident's registries
(one patient index row per person), so nothing in it is to be deduplicated.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tests.link.incident import run_real_scan_or_truth
from vigie.ingest import ingest_files
from vigie.registry import add_registry
from vigie.workspace import Workspace


def clean_rows(synth_dir: Path, count: int) -> tuple[list[str], list[dict[str, str]]]:
    """The header and `count` registry rows of distinct persons (first seen first)."""
    seen: set[str] = set()
    picked: dict[tuple[str, int], str] = {}
    with (synth_dir / "truth" / "registry_links.csv").open(encoding="utf-8") as fh:
        for link in csv.DictReader(fh):
            if link["person_id"] not in seen and len(seen) < count:
                seen.add(link["person_id"])
                picked[(link["registry_file"], int(link["row"]))] = link["person_id"]
    header: list[str] = []
    rows = []
    for file in sorted({f for f, _ in picked}):
        with (synth_dir / file).open(encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            rows += [r for i, r in enumerate(reader, start=1) if (file, i) in picked]
    return header, rows


def write_leak(
    path: Path, header: list[str], rows: list[dict[str, str]], empty: tuple[str, ...] = ()
) -> Path:
    """A CSV of `rows`, with the columns named in `empty` left blank in every row."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=header)
        out.writeheader()
        for row in rows:
            out.writerow({k: ("" if k in empty else v) for k, v in row.items()})
    return path


def small_workspace(root: Path, leak: Path, registry: Path | None = None) -> Workspace:
    """init -> ingest `leak` -> (registry add) -> scan."""
    ws = Workspace.create(root / "ws")
    ingest_files(ws, [leak])
    if registry is not None:
        add_registry(ws, "Laboratoire témoin", registry)
    run_real_scan_or_truth(ws, None)
    return ws
