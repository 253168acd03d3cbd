"""Ingest: leak files (CSV/TSV, XLSX/ODS, JSON, Parquet, SQL dumps) into the store.

Documents (PDF, DOCX, e-mail, plain text) go to one `documents` table instead, a row
per paragraph (see vigie.ingest.documents).

Each source table becomes a store table of VARCHAR columns under their original names,
plus lineage (`_source` = the file's SHA-256, `_row` = the reader's row number). Rows a
reader cannot parse go to `_quarantine`. Each file is loaded in its own transaction;
a file already ingested (same digest) is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import InputError, StoreError
from vigie.ingest import catalog
from vigie.ingest.documents import DOCUMENT_FORMATS, load_document, stored_tables
from vigie.ingest.formats import Detected, detect
from vigie.ingest.loader import FileLoad, TableLoad, file_digest, load_file
from vigie.ingest.naming import slug
from vigie.progress import Progress
from vigie.workspace import Workspace, transaction

__all__ = ["FileLoad", "IngestReport", "ingest_files"]


@dataclass
class IngestReport:
    files: list[FileLoad]

    def as_dict(self) -> dict[str, Any]:
        """The `ingest --json` document (DESIGN.md); extra keys may be added, never removed."""
        return {"files": [_file_dict(f) for f in self.files]}


def _file_dict(load: FileLoad) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "path": str(load.path),
        "digest": load.digest,
        "format": load.format,
        "rows_read": load.rows_read,
        "rows_stored": load.rows_stored,
        "rows_quarantined": load.rows_quarantined,
        "skipped": load.skipped,
        "tables": [_table_dict(t) for t in load.tables],
    }
    if load.controller is not None:
        doc["controller"] = load.controller
    doc.update(load.details)
    renamed = [
        {"table": t.name, "position": r.position, "header": r.original, "column": r.stored}
        for t in load.tables
        for r in t.renamed
    ]
    if renamed:
        doc["columns_renamed"] = renamed
    return doc


def _table_dict(table: TableLoad) -> dict[str, Any]:
    """A table of `ingest --json`; `keys` only when the file declares some (SQL dumps)."""
    doc: dict[str, Any] = {"name": table.name, "rows": table.rows}
    if table.keys:
        doc["keys"] = [k.as_dict() for k in table.keys]
    return doc


def ingest_files(
    ws: Workspace, paths: Sequence[Path], *, kind: str = "leak", controller: str | None = None
) -> IngestReport:
    """Ingest `paths` into the workspace store; one audit entry for the whole command.

    Every path is checked and its format detected before anything is stored. A failure
    in one file rolls that file back and stops; files already done stay.
    """
    return _ingest(ws, [(Path(p), controller) for p in paths], kind, controller, {})


def ingest_registries(
    ws: Workspace, entries: Sequence[tuple[str, Path]], *, index: Path | None = None
) -> IngestReport:
    """Load several controllers' registries, (controller, path) each, with the store
    opened once (28 labs: one open instead of 28); one audit entry for the command."""
    extra = {"index": index.name} if index is not None else {}
    return _ingest(ws, [(Path(p), c) for c, p in entries], "registry", None, extra)


def _ingest(
    ws: Workspace,
    items: Sequence[tuple[Path, str | None]],
    kind: str,
    controller: str | None,
    extra: dict[str, Any],
) -> IngestReport:
    started = time.monotonic()
    plan = [(path, _checked(path, kind), owner) for path, owner in items]
    done: list[FileLoad] = []
    with ws.connect() as con:
        with transaction(con):
            catalog.ensure(con)
        try:
            for path, detected, owner in plan:
                done.append(_guarded(con, path, detected, kind, owner))
        except BaseException as exc:
            if any(not f.skipped for f in done):
                failed = {**extra, "failed": path.name, "error": type(exc).__name__}
                _record(ws, con, done, kind, controller, started, failed)
            raise
        _record(ws, con, done, kind, controller, started, extra)
    return IngestReport(done)


def _checked(path: Path, kind: str) -> Detected:
    if not path.exists():
        raise InputError("no such file", path=path)
    if path.is_dir():
        raise InputError("is a directory; give the files inside it", path=path)
    detected = detect(path)
    if kind != "leak" and detected.format in DOCUMENT_FORMATS:
        raise InputError(
            f"a {detected.format} document cannot be a registry; give a table", path=path
        )
    return detected


def _guarded(
    con: Any, path: Path, detected: Detected, kind: str, controller: str | None
) -> FileLoad:
    """_one_file, with system and engine failures turned into one-line errors."""
    try:
        return _one_file(con, path, detected, kind, controller)
    except OSError as exc:  # the file vanished or a disk failed mid-read
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path=path) from None
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"{path}: the store refused the data: {first}") from None


def _one_file(
    con: Any, path: Path, detected: Detected, kind: str, controller: str | None
) -> FileLoad:
    digest = file_digest(path)
    load = FileLoad(path, digest, detected.format, kind, controller, dict(detected.details))
    known = catalog.find_file(con, digest, kind, controller)
    if known is not None:
        load.skipped = True
        load.format = known.format
        load.rows_stored, load.rows_quarantined = known.rows_stored, known.rows_quarantined
        load.tables = [
            TableLoad(n, "", [], [], rows)
            for n, rows in catalog.file_tables(con, digest, kind, controller)
        ] or (stored_tables(load) if load.format in DOCUMENT_FORMATS else [])
        keys = catalog.file_keys(con, digest)
        for table in load.tables:
            table.keys = [k for k in keys if k.table == table.name]
        return load
    base = slug(path.stem) if kind == "leak" else f"registry__{slug(controller or 'unknown')}"
    size = path.stat().st_size
    progress = Progress(f"ingest {path.name}", total=size, unit="bytes")
    with progress, transaction(con):
        if detected.format in DOCUMENT_FORMATS:
            load_document(con, load, progress.advance, size)
        else:
            load_file(con, load, detected, base, progress.advance, size)
    return load


def _record(
    ws: Workspace,
    con: Any,
    done: list[FileLoad],
    kind: str,
    controller: str | None,
    started: float,
    extra: dict[str, Any],
) -> None:
    params: dict[str, Any] = {
        "files": [
            {"name": f.path.name, "digest": f.digest, "format": f.format, "skipped": f.skipped}
            | ({"controller": f.controller} if controller is None and f.controller else {})
            for f in done
        ],
        **extra,
    }
    if controller is not None:
        params["controller"] = controller
    counts = {
        "files": len(done),
        "skipped": sum(f.skipped for f in done),
        "rows_read": sum(f.rows_read for f in done if not f.skipped),
        "rows_stored": sum(f.rows_stored for f in done if not f.skipped),
        "rows_quarantined": sum(f.rows_quarantined for f in done if not f.skipped),
        "tables": sum(len(f.tables) for f in done if not f.skipped),
    }
    verb = "ingest" if kind == "leak" else "registry add"
    ws.record(verb, params, counts, started=started, con=con)
