"""Registries: a controller's patient index, loaded like a leak file but kept apart.

Store tables are named `registry__<controller>` (suffixed `_2`, ... for a controller's
further files); the `_registries` view lists controller, table and row count.
"""

from __future__ import annotations

from pathlib import Path

from vigie.errors import InputError
from vigie.ingest import IngestReport, ingest_files
from vigie.workspace import Workspace, table_exists


def add_registry(ws: Workspace, controller: str, path: Path) -> IngestReport:
    """Load `path` as the registry of `controller`; the same file again is a no-op."""
    controller = controller.strip()
    if not controller:
        raise InputError("the controller name is empty (--controller NAME)")
    return ingest_files(ws, [Path(path)], kind="registry", controller=controller)


def list_registries(ws: Workspace) -> list[tuple[str, str, int]]:
    """(controller, table, rows) for every registry table in the store."""
    with ws.connect() as con:
        if not table_exists(con, "_registries"):
            return []
        rows = con.execute(
            'SELECT controller, "table", rows FROM _registries ORDER BY controller, "table"'
        ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]
