"""Free-text detection on ingested documents: `document_spans` and `document_exposure`.

Each stored paragraph (`documents.status = 'text'`) goes through the same detection as
free-text columns (vigie.scan.text). A span keeps its document lineage (document, row,
part, page, paragraph, offsets in the stored text); a document exposes the elements of
its exposing spans. Pages without a text layer and attachments that were not read are
counted and reported as not scanned, never passed over in silence.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import pyarrow as pa

from vigie.progress import Progress
from vigie.scan.text import find_spans_batch
from vigie.workspace import table_exists

log = logging.getLogger(__name__)

_BATCH = 5_000
_DDL = [
    """CREATE OR REPLACE TABLE document_spans (
        document_id VARCHAR, _row BIGINT, part VARCHAR, page INTEGER, paragraph INTEGER,
        start_pos INTEGER, end_pos INTEGER, element VARCHAR, rule VARCHAR, negated BOOLEAN,
        exposes BOOLEAN)""",
    "CREATE OR REPLACE TABLE document_exposure (document_id VARCHAR, element VARCHAR)",
]
_LINEAGE = ("document_id", "_row", "part", "page", "paragraph")
_SPAN = ("start_pos", "end_pos", "element", "rule", "negated", "exposes")
_TYPES = [pa.string(), pa.int64(), pa.string(), pa.int32(), pa.int32(), pa.int32(),
          pa.int32(), pa.string(), pa.string(), pa.bool_(), pa.bool_()]  # fmt: skip


def scan_documents(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild document_spans and document_exposure; return the documents scanned.

    The caller holds the transaction. With no documents ingested the two tables are
    created empty, so later stages can rely on them.
    """
    for ddl in _DDL:
        con.execute(ddl)
    if not table_exists(con, "documents"):
        return 0
    rows = con.execute(
        "SELECT document_id, _row, part, page, paragraph, text FROM documents "
        "WHERE status = 'text' AND trim(coalesce(text, '')) <> '' "
        "ORDER BY document_id, _row"
    ).fetchall()
    with Progress("scan: documents", total=len(rows), unit="paragraphs") as bar:
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start : start + _BATCH]
            _store_spans(con, chunk)
            bar.advance(len(chunk))
    con.execute(
        "INSERT INTO document_exposure SELECT DISTINCT document_id, element "
        "FROM document_spans WHERE exposes ORDER BY document_id, element"
    )
    _warn_not_scanned(con)
    return len({r[0] for r in rows})


def _store_spans(con: duckdb.DuckDBPyConnection, chunk: list[tuple[Any, ...]]) -> None:
    names = [*_LINEAGE, *_SPAN]
    columns: list[list[Any]] = [[] for _ in names]
    for row, spans in zip(chunk, find_spans_batch(r[5] for r in chunk), strict=True):
        for s in spans:
            values = (*row[:5], s.start, s.end, s.element, s.rule, s.negated, s.exposes)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
    if not columns[0]:
        return
    arrays = [pa.array(c, t) for c, t in zip(columns, _TYPES, strict=True)]
    con.from_arrow(pa.Table.from_arrays(arrays, names=names)).insert_into("document_spans")


def not_scanned(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Pages without a text layer and attachments not read, each as a count."""
    if not table_exists(con, "documents"):
        return {"pages_without_text_layer": 0, "attachments_not_read": 0}
    found = dict(
        con.execute(
            "SELECT status, count(*) FROM documents WHERE status <> 'text' GROUP BY status"
        ).fetchall()
    )
    return {
        "pages_without_text_layer": int(found.get("no_text_layer", 0)),
        "attachments_not_read": int(found.get("not_read", 0)),
    }


def _warn_not_scanned(con: duckdb.DuckDBPyConnection) -> None:
    counts = not_scanned(con)
    if counts["pages_without_text_layer"]:
        log.warning(
            "%d document pages without a text layer: not scanned; OCR them first",
            counts["pages_without_text_layer"],
        )
    if counts["attachments_not_read"]:
        log.warning(
            "%d e-mail attachments not read (not text, PDF or DOCX): not scanned",
            counts["attachments_not_read"],
        )


def document_summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """For the scan report: documents, paragraphs, what was not scanned, elements."""
    if not table_exists(con, "documents"):
        return {"documents": 0, "paragraphs": 0, "elements": {}, **not_scanned(con)}
    documents, paragraphs = con.execute(
        "SELECT count(DISTINCT document_id), count(*) FILTER (WHERE status = 'text') FROM documents"
    ).fetchall()[0]
    elements: dict[str, int] = {}
    if table_exists(con, "document_exposure"):
        elements = dict(
            con.execute(
                "SELECT element, count(*) FROM document_exposure GROUP BY element ORDER BY element"
            ).fetchall()
        )
    return {
        "documents": int(documents),
        "paragraphs": int(paragraphs),
        "elements": elements,
        **not_scanned(con),
    }
