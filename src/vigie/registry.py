"""Registries: a controller's patient index, loaded like a leak file but kept apart.

Store tables are named `registry__<controller>` (suffixed `_2`, ... for a controller's
further files); the `_registries` view lists controller, table and row count.
"""

from __future__ import annotations

import csv
from pathlib import Path

from vigie.errors import InputError
from vigie.ingest import IngestReport, ingest_files, ingest_registries
from vigie.workspace import Workspace, table_exists

INDEX_COLUMNS = ("controller", "file")  # and optionally finess, departement


def add_registry(ws: Workspace, controller: str, path: Path) -> IngestReport:
    """Load `path` as the registry of `controller`; the same file again is a no-op."""
    controller = controller.strip()
    if not controller:
        raise InputError("the controller name is empty (--controller NAME)")
    return ingest_files(ws, [Path(path)], kind="registry", controller=controller)


def read_index(index: Path) -> list[tuple[str, Path]]:
    """(controller, file) of each line of an index CSV (columns controller, file and
    optionally finess); files are relative to the index's folder. Every line is checked
    before anything is loaded: one bad line stops the command with its line number."""
    index = Path(index)
    if not index.is_file():
        raise InputError("no such index file", path=index)
    try:
        with index.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in INDEX_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"line 1: the index lacks the column(s) {', '.join(missing)}",
                                 path=index)  # fmt: skip
            entries = []
            for line, row in enumerate(reader, 2):
                controller = (row.get("controller") or "").strip()
                name = (row.get("file") or "").strip()
                if not controller or not name:
                    raise InputError(f"line {line}: empty controller or file", path=index)
                path = index.parent / name
                if not path.is_file():
                    raise InputError(f"line {line}: no such file {name!r} beside the index",
                                     path=index)  # fmt: skip
                entries.append((controller, path))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text (save the index as UTF-8 CSV)", path=index) from None
    if not entries:
        raise InputError("the index lists no registry", path=index)
    return entries


def add_registries(ws: Workspace, index: Path) -> IngestReport:
    """Load every registry an index lists, the store opened once for all."""
    return ingest_registries(ws, read_index(index), index=Path(index))


def list_registries(ws: Workspace) -> list[tuple[str, str, int]]:
    """(controller, table, rows) for every registry table in the store."""
    with ws.connect() as con:
        if not table_exists(con, "_registries"):
            return []
        rows = con.execute(
            'SELECT controller, "table", rows FROM _registries ORDER BY controller, "table"'
        ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]
