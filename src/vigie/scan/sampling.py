"""Reading what profiling needs from the store: a row-aligned sample and the totals."""

from __future__ import annotations

import duckdb

from vigie.workspace.store import column_names, quote_ident

SAMPLE_ROWS = 10_000
LINEAGE = ("_source", "_row")
# Placeholders lab exports write for "nothing": a cell holding one of them exposes nothing.
EMPTY_MARKERS = ("", "NULL", "N/A", "NA", "-", "?", "NC", "INCONNU")


def present(column: str) -> str:
    """SQL predicate: the column holds a value (not NULL, blank or a placeholder)."""
    markers = ", ".join(f"'{m}'" for m in EMPTY_MARKERS)
    return f"(upper(trim({quote_ident(column)})) NOT IN ({markers}))"


def data_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [c for c in column_names(con, table) if c not in LINEAGE]


def column_totals(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> dict[str, int]:
    """Non-empty values per column, over the whole table (one pass)."""
    if not columns:
        return {}
    counts = ", ".join(f"count(*) FILTER (WHERE {present(c)})" for c in columns)
    row = con.execute(f"SELECT {counts} FROM {quote_ident(table)}").fetchall()[0]
    return {c: int(n) for c, n in zip(columns, row, strict=True)}


def row_sample(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], size: int = SAMPLE_ROWS
) -> dict[str, list[str | None]]:
    """A reproducible, row-aligned sample (row i of each list comes from the same row)."""
    if not columns:
        return {}
    cols = ", ".join(quote_ident(c) for c in columns)
    rows = con.execute(
        f"SELECT {cols} FROM {quote_ident(table)} "
        f"USING SAMPLE reservoir({int(size)} ROWS) REPEATABLE (42)"
    ).fetchall()
    return {c: [r[i] for r in rows] for i, c in enumerate(columns)}
