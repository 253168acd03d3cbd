"""Per-record exposure: which elements each leaked row actually holds.

A structured element is exposed by a row when its column holds a value (not NULL, blank
or a placeholder). A value that fails validation in a column classified as, say, NIR
still exposes it: a NIR with one mistyped digit, or a provisional number, still identifies
the person. Free-text columns expose what their spans expose (see docs/health-lexicon.md).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from vigie.progress import Progress
from vigie.scan.profile import ColumnProfile
from vigie.scan.sampling import present
from vigie.scan.text import find_spans_batch
from vigie.workspace.store import quote_ident

FREE_TEXT = "text.free"
_BATCH = 20_000

_DDL = [
    "CREATE OR REPLACE TABLE scan_exposure (table_name VARCHAR, _row BIGINT, element VARCHAR)",
    """CREATE OR REPLACE TABLE scan_spans (
        table_name VARCHAR, column_name VARCHAR, _row BIGINT, start_pos INTEGER,
        end_pos INTEGER, element VARCHAR, rule VARCHAR, negated BOOLEAN, exposes BOOLEAN)""",
]


def record_exposure(con: duckdb.DuckDBPyConnection, profiles: list[ColumnProfile]) -> int:
    """Rebuild scan_exposure and scan_spans; return the number of leak rows covered."""
    for ddl in _DDL:
        con.execute(ddl)
    personal = [p for p in profiles if p.element]
    for p in personal:
        if p.element == FREE_TEXT:
            continue
        con.execute(
            f"INSERT INTO scan_exposure SELECT ?, _row, ? FROM {quote_ident(p.table)} "
            f"WHERE {present(p.column)}",
            [p.table, p.element],
        )
    for p in personal:
        if p.element == FREE_TEXT:
            _scan_free_text(con, p.table, p.column)
    # Two columns of one element (street + complement) expose it once per row.
    con.execute(
        "CREATE OR REPLACE TABLE scan_exposure AS SELECT DISTINCT * FROM scan_exposure "
        "ORDER BY table_name, _row, element"
    )
    tables = sorted({p.table for p in personal})
    total = 0
    for table in tables:
        total += con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchall()[0][0]
    return int(total)


def _scan_free_text(con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
    notes = con.execute(
        f"SELECT _row, {quote_ident(column)} FROM {quote_ident(table)} "
        f"WHERE {present(column)} ORDER BY _row"
    ).fetchall()
    with Progress(f"scan: free text {table}.{column}", total=len(notes), unit="notes") as bar:
        for start in range(0, len(notes), _BATCH):
            chunk = notes[start : start + _BATCH]
            spans_per_note = find_spans_batch(text for _, text in chunk)
            columns: dict[str, list[object]] = {k: [] for k in _SPAN_FIELDS}
            for (row, _), spans in zip(chunk, spans_per_note, strict=True):
                for s in spans:
                    values = (
                        table,
                        column,
                        row,
                        s.start,
                        s.end,
                        s.element,
                        s.rule,
                        s.negated,
                        s.exposes,
                    )
                    for key, value in zip(_SPAN_FIELDS, values, strict=True):
                        columns[key].append(value)
            con.register("_scan_spans_batch", pa.table(columns))
            con.execute("INSERT INTO scan_spans SELECT * FROM _scan_spans_batch")
            con.unregister("_scan_spans_batch")
            bar.advance(len(chunk))
    con.execute(
        "INSERT INTO scan_exposure SELECT DISTINCT table_name, _row, element FROM scan_spans "
        "WHERE table_name = ? AND column_name = ? AND exposes",
        [table, column],
    )


_SPAN_FIELDS = (
    "table_name",
    "column_name",
    "_row",
    "start_pos",
    "end_pos",
    "element",
    "rule",
    "negated",
    "exposes",
)
