"""Per-record exposure: which elements each leaked row actually holds.

A structured element is exposed by a row when its column holds a value (not NULL, blank
or a placeholder). A value that fails validation in a column classified as, say, NIR
still exposes it: a NIR with one mistyped digit, or a provisional number, still identifies
the person. Free-text columns expose what their spans expose (see docs/health-lexicon.md).

Structured columns stay in SQL (one INSERT ... SELECT per column). Free text is detected
once per distinct note, over worker processes (parallel_text.py), and the spans are joined
back to every row holding that note inside DuckDB.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import duckdb
import pyarrow as pa

from vigie.progress import Progress
from vigie.scan.parallel_text import SpanRow, detect_notes
from vigie.scan.profile import ColumnProfile
from vigie.scan.sampling import present
from vigie.workspace.store import quote_ident

FREE_TEXT = "text.free"
# Leak rows per exposure statement (see _insert_exposure).
EXPOSURE_BATCH_ROWS = 250_000

_DDL = [
    "CREATE OR REPLACE TABLE scan_exposure (table_name VARCHAR, _row BIGINT, element VARCHAR)",
    """CREATE OR REPLACE TABLE scan_spans (
        table_name VARCHAR, column_name VARCHAR, _row BIGINT, start_pos INTEGER,
        end_pos INTEGER, element VARCHAR, rule VARCHAR, negated BOOLEAN, exposes BOOLEAN)""",
]
_SPAN_FIELDS = ("start_pos", "end_pos", "element", "rule", "negated", "exposes")
_SPAN_TYPES = (pa.int32(), pa.int32(), pa.string(), pa.string(), pa.bool_(), pa.bool_())


def record_exposure(
    con: duckdb.DuckDBPyConnection,
    profiles: list[ColumnProfile],
    workers: int | None = None,
    by_row: dict[tuple[str, str], str] | None = None,
) -> int:
    """Rebuild scan_exposure and scan_spans; return the number of leak rows covered.

    ``workers``: processes for free-text detection (None: VIGIE_SCAN_WORKERS or the cores).
    ``by_row``: (table, column) -> SQL giving each row's element (a FHIR identifier by its
    system, fhir_paths.py); such a column exposes that element in each row, not its own.
    """
    by_row = by_row or {}
    for ddl in _DDL:
        con.execute(ddl)
    personal = [p for p in profiles if p.element]
    _scan_free_text(con, [(p.table, p.column) for p in personal if p.element == FREE_TEXT], workers)
    tables = sorted({p.table for p in personal})
    batches = {t: _row_batches(con, t) for t in tables}
    total = sum(count for table in batches.values() for _, count in table)
    with Progress("scan: exposure", total=total, unit="rows") as bar:
        for table in tables:
            structured: dict[str, list[str]] = defaultdict(list)
            per_row = {c: sql for (t, c), sql in by_row.items() if t == table}
            for p in personal:
                if (
                    p.table == table
                    and p.element not in (None, FREE_TEXT)
                    and p.column not in per_row
                ):
                    structured[str(p.element)].append(p.column)
            _insert_exposure(con, table, batches[table], structured, per_row, bar.advance)
    return int(total)


def _row_batches(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[int, int]]:
    """(batch, rows) of `table`, batch = _row // EXPOSURE_BATCH_ROWS, in order."""
    rows = con.execute(
        f"SELECT _row // {EXPOSURE_BATCH_ROWS} AS batch, count(*) FROM {quote_ident(table)} "
        "GROUP BY batch ORDER BY batch"
    ).fetchall()
    return [(int(b), int(n)) for b, n in rows]


def _scan_free_text(
    con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]], workers: int | None
) -> None:
    """Spans of every free-text column: distinct notes detected once, joined back to rows."""
    if not columns:
        return
    # Lab notes repeat ("RAS", "tube hémolysé"), across tables too: each distinct text is
    # detected once, and one pool of workers serves every column.
    distinct = " UNION ".join(
        f"SELECT CAST({quote_ident(c)} AS VARCHAR) FROM {quote_ident(t)} WHERE {present(c)}"
        for t, c in columns
    )
    notes: list[str] = [r[0] for r in con.execute(distinct).fetchall()]
    with Progress("scan: free text", total=len(notes), unit="distinct notes") as bar:
        found = detect_notes(notes, workers, bar.advance)
    con.register("_scan_notes", pa.table({"note_id": range(len(notes)), "note": notes}))
    con.register("_scan_note_spans", _spans_table(found))
    try:
        for table, column in columns:
            _insert_spans(con, table, column)
    finally:
        con.unregister("_scan_notes")
        con.unregister("_scan_note_spans")


def _insert_spans(con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
    # Same order as detecting row by row: by row, then by span (start, end, element).
    con.execute(
        "INSERT INTO scan_spans SELECT ?, ?, t._row, s.start_pos, s.end_pos, s.element, "
        f"s.rule, s.negated, s.exposes FROM {quote_ident(table)} t "
        f"JOIN _scan_notes n ON CAST(t.{quote_ident(column)} AS VARCHAR) = n.note "
        "JOIN _scan_note_spans s USING (note_id) "
        "ORDER BY t._row, s.start_pos, s.end_pos, s.element, s.rule",
        [table, column],
    )


def _insert_exposure(
    con: duckdb.DuckDBPyConnection,
    table: str,
    batches: list[tuple[int, int]],
    structured: dict[str, list[str]],
    per_row: dict[str, str] | None = None,
    advance: Callable[[float], None] | None = None,
) -> None:
    """Each row's elements once, in (_row, element) order.

    Two columns of one element (street + complement) expose it once per row, and so does
    a note repeating a structured element. One statement per batch of EXPOSURE_BATCH_ROWS
    row numbers (_row_batches): the DISTINCT and the sort of a whole table (90 M element
    rows at 5,000,000 persons) outgrew scan's memory limit, one batch's stay within it at
    any size, and batches inserted in order keep the table in (_row, element) order.
    """
    elements = sorted(structured)
    for batch, count in batches:
        low = batch * EXPOSURE_BATCH_ROWS
        rows = f"_row BETWEEN {low} AND {low + EXPOSURE_BATCH_ROWS - 1}"
        parts = [
            f"SELECT _row, ? AS element FROM {quote_ident(table)} "
            f"WHERE {rows} AND ({' OR '.join(present(c) for c in structured[e])})"
            for e in elements
        ]
        parts += [
            f"SELECT _row, {sql} AS element FROM {quote_ident(table)} "
            f"WHERE {rows} AND {present(column)}"
            for column, sql in sorted((per_row or {}).items())
        ]
        # Free-text elements of the row, from the spans just stored.
        parts.append(
            f"SELECT _row, element FROM scan_spans WHERE table_name = ? AND exposes AND {rows}"
        )
        con.execute(
            f"INSERT INTO scan_exposure SELECT DISTINCT ?, _row, element FROM "
            f"({' UNION ALL '.join(parts)}) WHERE element IS NOT NULL ORDER BY _row, element",
            [table, *elements, table],
        )
        if advance:
            advance(count)


def _spans_table(found: Sequence[list[SpanRow]]) -> pa.Table:
    """One Arrow row per span, keyed by the note's position in the distinct list."""
    ids: list[int] = []
    columns: list[list[object]] = [[] for _ in _SPAN_FIELDS]
    for note_id, spans in enumerate(found):
        for span in spans:
            ids.append(note_id)
            for values, value in zip(columns, span, strict=True):
                values.append(value)
    arrays = [pa.array(ids, pa.int64())]
    arrays += [pa.array(v, t) for v, t in zip(columns, _SPAN_TYPES, strict=True)]
    return pa.table(arrays, names=["note_id", *_SPAN_FIELDS])
