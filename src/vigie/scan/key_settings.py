"""Relations set by people: `vigie scan WS --set TABLE.COLUMN=ref:TABLE.COLUMN` (or `ref:none`).

They win over declared and discovered keys, are kept in the workspace (`scan_key_settings`)
and apply to every later scan; `ref:none` removes whatever relation the column had.
"""

from __future__ import annotations

import duckdb

from vigie.errors import ConfigError
from vigie.workspace.store import column_names

PREFIX = "ref:"
Ref = tuple[str, str] | None  # (table, column) referenced, None = no relation


def is_key_setting(item: str) -> bool:
    return item.partition("=")[2].strip().lower().startswith(PREFIX)


def parse(settings: tuple[str, ...]) -> dict[str, str | None]:
    """`T.C=ref:T2.C2` / `T.C=ref:none` -> {"T.C": "T2.C2" or None}; all errors at once."""
    parsed: dict[str, str | None] = {}
    problems = []
    for item in settings:
        if not is_key_setting(item):
            continue
        target, _, value = item.partition("=")
        ref = value.strip()[len(PREFIX) :].strip()
        if "." not in target:
            problems.append(f"'{item}': expected TABLE.COLUMN=ref:TABLE.COLUMN")
        elif ref.lower() in ("none", "null", "-"):
            parsed[target] = None
        elif "." not in ref:
            problems.append(f"'{item}': expected ref:TABLE.COLUMN or ref:none")
        else:
            parsed[target] = ref
    if problems:
        raise ConfigError("--set: " + "; ".join(problems))
    return parsed


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS scan_key_settings (table_name VARCHAR, column_name VARCHAR, "
        "ref_table VARCHAR, ref_column VARCHAR, set_at TIMESTAMPTZ)"
    )


def apply(
    con: duckdb.DuckDBPyConnection, settings: dict[str, str | None], tables: set[str]
) -> None:
    """Store the settings; a table or column that does not exist is an error naming it."""
    problems = []
    rows = []
    for target, ref in settings.items():
        where = _split(con, target, tables)
        there = _split(con, ref, tables) if ref is not None else None
        if isinstance(where, str):
            problems.append(where)
        elif isinstance(there, str):
            problems.append(there)
        else:
            rows.append((*where, *(there or (None, None))))
    if problems:
        raise ConfigError("--set: " + "; ".join(problems))
    for table, column, ref_table, ref_column in rows:
        con.execute(
            "DELETE FROM scan_key_settings WHERE table_name = ? AND column_name = ?",
            [table, column],
        )
        con.execute(
            "INSERT INTO scan_key_settings VALUES (?, ?, ?, ?, now())",
            [table, column, ref_table, ref_column],
        )


def load(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], Ref]:
    rows = con.execute(
        "SELECT table_name, column_name, ref_table, ref_column FROM scan_key_settings"
    ).fetchall()
    return {(r[0], r[1]): (r[2], r[3]) if r[2] is not None else None for r in rows}


def _split(con: duckdb.DuckDBPyConnection, target: str, tables: set[str]) -> tuple[str, str] | str:
    """(table, column), or the problem. Table names never hold dots; column names may."""
    table, _, column = target.partition(".")
    if table not in tables:
        return f"{target}: no such leak table"
    if column not in column_names(con, table):
        return f"{target}: table {table} has no column {column!r}"
    return table, column
