"""The store's catalog of ingested files and tables, and the quarantine."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb

_DDL = [
    """CREATE TABLE IF NOT EXISTS _files (
        digest VARCHAR, path VARCHAR, name VARCHAR, format VARCHAR, size BIGINT,
        kind VARCHAR, controller VARCHAR, rows_read BIGINT, rows_stored BIGINT,
        rows_quarantined BIGINT, ingested_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS _tables (
        name VARCHAR, digest VARCHAR, source_table VARCHAR, kind VARCHAR,
        controller VARCHAR, rows BIGINT, columns JSON)""",
    # Keys a file declares (SQL dumps): store names; ref_table NULL when the referenced
    # table is not in the file (ref_source then says which one it was).
    """CREATE TABLE IF NOT EXISTS _keys (
        name VARCHAR, digest VARCHAR, kind VARCHAR, columns JSON, ref_table VARCHAR,
        ref_columns JSON, constraint_name VARCHAR, ref_source VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS _quarantine (
        _source VARCHAR, source_table VARCHAR, _row BIGINT, reason VARCHAR, raw VARCHAR)""",
    """CREATE OR REPLACE VIEW _registries AS
        SELECT controller, name AS "table", rows FROM _tables WHERE kind = 'registry'""",
]


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the catalog tables if this store has none yet."""
    for ddl in _DDL:
        con.execute(ddl)


@dataclass(frozen=True)
class FileEntry:
    digest: str
    path: str
    name: str
    format: str
    size: int
    kind: str
    controller: str | None
    rows_read: int
    rows_stored: int
    rows_quarantined: int


_SAME = "digest = ? AND kind = ? AND controller IS NOT DISTINCT FROM ?"


def find_file(
    con: duckdb.DuckDBPyConnection, digest: str, kind: str, controller: str | None
) -> FileEntry | None:
    """The earlier ingest of these bytes in the same role (leak, or one controller's registry)."""
    rows = con.execute(
        "SELECT digest, path, name, format, size, kind, controller, rows_read, rows_stored, "
        f"rows_quarantined FROM _files WHERE {_SAME} LIMIT 1",
        [digest, kind, controller],
    ).fetchall()
    return FileEntry(*rows[0]) if rows else None


def file_tables(
    con: duckdb.DuckDBPyConnection, digest: str, kind: str, controller: str | None
) -> list[tuple[str, int]]:
    rows = con.execute(
        f"SELECT name, rows FROM _tables WHERE {_SAME} ORDER BY rowid",
        [digest, kind, controller],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def add_file(con: duckdb.DuckDBPyConnection, entry: FileEntry) -> None:
    con.execute(
        "INSERT INTO _files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
        [
            entry.digest,
            entry.path,
            entry.name,
            entry.format,
            entry.size,
            entry.kind,
            entry.controller,
            entry.rows_read,
            entry.rows_stored,
            entry.rows_quarantined,
        ],
    )


def add_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    digest: str,
    source_table: str,
    kind: str,
    controller: str | None,
    rows: int,
    columns: list[str],
) -> None:
    con.execute(
        "INSERT INTO _tables VALUES (?, ?, ?, ?, ?, ?, ?)",
        [name, digest, source_table, kind, controller, rows, json.dumps(columns)],
    )


@dataclass(frozen=True)
class KeyEntry:
    """A declared key in store names (see `_keys`)."""

    table: str
    kind: str  # primary | unique | foreign
    columns: list[str]
    ref_table: str | None = None
    ref_columns: list[str] | None = None
    constraint_name: str = ""
    ref_source: str = ""

    def as_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"kind": self.kind, "columns": self.columns}
        if self.kind == "foreign":
            doc["ref_table"] = self.ref_table
            doc["ref_columns"] = self.ref_columns
        return doc


def add_key(con: duckdb.DuckDBPyConnection, digest: str, key: KeyEntry) -> None:
    con.execute(
        "INSERT INTO _keys VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            key.table,
            digest,
            key.kind,
            json.dumps(key.columns),
            key.ref_table,
            None if key.ref_columns is None else json.dumps(key.ref_columns),
            key.constraint_name,
            key.ref_source,
        ],
    )


def file_keys(con: duckdb.DuckDBPyConnection, digest: str) -> list[KeyEntry]:
    """The keys a file declared, in the order they were stored."""
    rows = con.execute(
        "SELECT name, kind, columns, ref_table, ref_columns, constraint_name, ref_source "
        "FROM _keys WHERE digest = ? ORDER BY rowid",
        [digest],
    ).fetchall()
    return [
        KeyEntry(
            r[0],
            r[1],
            json.loads(r[2]),
            r[3],
            None if r[4] is None else json.loads(r[4]),
            r[5],
            r[6],
        )
        for r in rows
    ]


def as_dict(entry: FileEntry) -> dict[str, Any]:
    return {
        "path": entry.path,
        "digest": entry.digest,
        "format": entry.format,
        "rows_read": entry.rows_read,
        "rows_stored": entry.rows_stored,
        "rows_quarantined": entry.rows_quarantined,
    }
