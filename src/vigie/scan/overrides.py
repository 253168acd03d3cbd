"""Column mappings set by people (`vigie scan WS --set TABLE.COLUMN=element`): they win."""

from __future__ import annotations

from dataclasses import replace

import duckdb

from vigie.errors import ConfigError
from vigie.scan.key_settings import is_key_setting
from vigie.scan.profile import ColumnProfile
from vigie.vocabulary import ELEMENTS
from vigie.workspace.store import column_names

NOT_PERSONAL = ("none", "null", "-")


def parse(settings: tuple[str, ...]) -> dict[str, str | None]:
    """`TABLE.COLUMN=element` strings -> {"TABLE.COLUMN": element or None}; all errors at once."""
    parsed: dict[str, str | None] = {}
    problems: list[str] = []
    for item in settings:
        if is_key_setting(item):
            continue  # a relation: key_settings.parse reads it
        target, sep, element = item.partition("=")
        if not sep or "." not in target:
            problems.append(f"'{item}': expected TABLE.COLUMN=element")
            continue
        element = element.strip()
        if element.lower() in NOT_PERSONAL:
            parsed[target] = None
        elif element in ELEMENTS:
            parsed[target] = element
        else:
            problems.append(f"'{element}' is not an element (see DESIGN.md vocabulary, or none)")
    if problems:
        raise ConfigError("--set: " + "; ".join(problems))
    return parsed


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS scan_overrides "
        "(table_name VARCHAR, column_name VARCHAR, element VARCHAR, set_at TIMESTAMPTZ)"
    )


def apply(
    con: duckdb.DuckDBPyConnection, settings: dict[str, str | None], tables: set[str]
) -> None:
    """Store the overrides; a table or column that does not exist is an error naming it."""
    problems = []
    for target, element in settings.items():
        table, column = _split(target, tables)
        if table is None:
            problems.append(f"{target}: no such table")
            continue
        if column not in column_names(con, table):
            problems.append(f"{target}: table {table} has no column {column!r}")
            continue
        con.execute(
            "DELETE FROM scan_overrides WHERE table_name = ? AND column_name = ?", [table, column]
        )
        con.execute("INSERT INTO scan_overrides VALUES (?, ?, ?, now())", [table, column, element])
    if problems:
        raise ConfigError("--set: " + "; ".join(problems))


def load(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str | None]:
    rows = con.execute("SELECT table_name, column_name, element FROM scan_overrides").fetchall()
    return {(r[0], r[1]): r[2] for r in rows}


def overridden(profile: ColumnProfile, element: str | None) -> ColumnProfile:
    detected = profile.element or "not personal"
    return replace(
        profile,
        element=element,
        confidence=1.0,
        evidence=f"set by a person (detection said {detected}: {profile.evidence})",
    )


def _split(target: str, tables: set[str]) -> tuple[str | None, str]:
    # Table names never hold dots; column names may: split at the first dot.
    table, _, column = target.partition(".")
    return (table if table in tables else None), column
