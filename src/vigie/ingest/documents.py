"""Documents (PDF with a text layer, DOCX, e-mail, plain text) into the `documents` table.

One row per paragraph, with its lineage: `document_id`, `_source` (the file's SHA-256),
`_row` (its number in the file), `part`, `page`, `paragraph`. The text stays inside the
encrypted store; scan reads it from there. A page without a text layer (a scan) or an
attachment vigie does not read is a row too, with a `status` saying so and no text, and
the ingest report warns about it: nothing is left out silently.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from vigie.errors import InputError, UnsupportedFormatError
from vigie.ingest.readers.base import ProgressCallback, SourceTable
from vigie.ingest.readers.documents_base import NO_TEXT_LAYER, NOT_READ, TEXT, Block

if TYPE_CHECKING:
    import duckdb

    from vigie.ingest.formats import Detected
    from vigie.ingest.loader import FileLoad, TableLoad

log = logging.getLogger(__name__)

DOCUMENT_FORMATS = frozenset({"pdf", "docx", "eml", "txt"})
TABLE = "documents"
_DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    document_id VARCHAR, _source VARCHAR, _row BIGINT, path VARCHAR, kind VARCHAR,
    part VARCHAR, page INTEGER, paragraph INTEGER, status VARCHAR, detail VARCHAR,
    text VARCHAR)"""
_FIELDS = ("part", "page", "paragraph", "status", "detail", "text")


def _no_tables(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    raise InputError("a document goes to the documents table, not to a table of its own", path=path)


def _detected(kind: str, details: dict[str, Any] | None = None) -> Detected:
    from vigie.ingest.formats import Detected

    return Detected(kind, _no_tables, details or {})


def pdf_detected(path: Path) -> Detected:
    """A PDF that PDFium opens, or UnsupportedFormatError saying why not."""
    from vigie.ingest.readers.documents_pdf import PdfError, open_pdf

    try:
        open_pdf(path).close()
    except PdfError as exc:
        raise UnsupportedFormatError(
            f"unsupported format: a PDF document, but {exc}", path=path
        ) from None
    return _detected("pdf")


def docx_detected(path: Path) -> Detected:
    """A DOCX that python-docx opens, or UnsupportedFormatError."""
    from vigie.ingest.readers.documents_docx import DocxError, open_docx

    try:
        open_docx(path)
    except DocxError as exc:
        raise UnsupportedFormatError(
            f"unsupported format: a word-processing document, but {exc}", path=path
        ) from None
    return _detected("docx")


_HEADER = re.compile(r"([A-Za-z][A-Za-z0-9-]*):[ \t]")
_MAIL_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "received",
        "return-path",
        "delivered-to",
        "reply-to",
        "content-type",
        "x-mailer",
        "user-agent",
    }
)


def text_detected(text: str, suffix: str, encoding: str) -> Detected | None:
    """An e-mail, or a `.txt` of prose rather than a table; None for anything else."""
    if _looks_like_email(text, suffix):
        return _detected("eml")
    if suffix in (".txt", ".text") and not _looks_tabular(text):
        return _detected("txt", {"encoding": encoding})
    return None


def _looks_like_email(text: str, suffix: str) -> bool:
    """Header lines (`Name: value`, folded lines indented) up to the first blank line."""
    names: set[str] = set()
    for line in text.replace("\r\n", "\n").split("\n")[:500]:
        if not line.strip():
            break
        if line[0] in " \t" and names:
            continue
        match = _HEADER.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    known = names & _MAIL_HEADERS
    return len(known) >= 2 and ("from" in known or "received" in known or suffix == ".eml")


def _looks_tabular(text: str) -> bool:
    """Whether the first lines split into the same number (2+) of short-headed fields."""
    lines = [line for line in text.splitlines()[:31] if line.strip()][:30]
    if len(lines) < 2:
        return False
    sample = "\n".join(lines) + "\n"
    for delimiter in (";", "\t", "|", ","):
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
        counts = {len(r) for r in rows if r}
        if len(counts) == 1 and counts.pop() >= 2 and all(len(f) <= 40 for f in rows[0]):
            return True
    return False


def read_blocks(kind: str, path: Path) -> Iterator[Block]:
    """The blocks of one document file, by its detected kind."""
    if kind == "pdf":
        from vigie.ingest.readers.documents_pdf import read_pdf

        return read_pdf(path)
    if kind == "docx":
        from vigie.ingest.readers.documents_docx import read_docx

        return read_docx(path)
    if kind == "eml":
        from vigie.ingest.readers.documents_eml import read_eml

        return read_eml(path)
    from vigie.ingest.readers.documents_base import text_blocks
    from vigie.ingest.readers.documents_text import decode_text

    text, _ = decode_text(path.read_bytes())
    return iter(text_blocks(text, "text"))


def _name_block(path: Path) -> list[Block]:
    # A file name often names the patient ("CR_DUPONT_Jean.pdf"): it is scanned too.
    name = re.sub(r"[_.\-]+", " ", path.stem).strip()
    return [Block("file name", 0, name)] if any(c.isalpha() for c in name) else []


def load_document(
    con: duckdb.DuckDBPyConnection, load: FileLoad, on_bytes: ProgressCallback, size: int
) -> None:
    """Store one document's blocks and its catalog entry; the caller holds the transaction."""
    from vigie.ingest.loader import TableLoad, record_file

    con.execute(_DDL)
    blocks = [*_name_block(load.path), *_guarded_read(load)]
    document_id = "doc-" + load.digest[:12]
    columns: dict[str, list[Any]] = {f: [getattr(b, f) for b in blocks] for f in _FIELDS}
    n = len(blocks)
    batch = pa.table(
        {
            "document_id": pa.array([document_id] * n, pa.string()),
            "_source": pa.array([load.digest] * n, pa.string()),
            "_row": pa.array(range(1, n + 1), pa.int64()),
            "path": pa.array([str(load.path.resolve())] * n, pa.string()),
            "kind": pa.array([load.format] * n, pa.string()),
            **{f: pa.array(columns[f], _TYPES[f]) for f in _FIELDS},
        }
    )
    con.from_arrow(batch).insert_into(TABLE)
    load.rows_stored = n
    load.tables = [TableLoad(TABLE, load.path.name, [], [], n)]
    load.details.update(_summary(load, blocks))
    on_bytes(size)
    record_file(con, load, size)


_TYPES = {
    "part": pa.string(),
    "page": pa.int32(),
    "paragraph": pa.int32(),
    "status": pa.string(),
    "detail": pa.string(),
    "text": pa.string(),
}


def _guarded_read(load: FileLoad) -> list[Block]:
    from vigie.ingest.readers.documents_docx import DocxError
    from vigie.ingest.readers.documents_pdf import PdfError

    try:
        return list(read_blocks(load.format, load.path))
    except (PdfError, DocxError) as exc:
        raise InputError(f"cannot read the {load.format.upper()}: {exc}", path=load.path) from None


def _summary(load: FileLoad, blocks: list[Block]) -> dict[str, Any]:
    pages = {(b.part, b.page) for b in blocks if b.page is not None}
    scans = sum(1 for b in blocks if b.status == NO_TEXT_LAYER)
    not_read = Counter(b.detail for b in blocks if b.status == NOT_READ)
    attachments = {b.part.split(" ")[1] for b in blocks if b.part.startswith("attachment ")}
    warnings: list[str] = []
    if scans:
        noun = "page" if scans == 1 else "pages"
        warnings.append(f"{scans} {noun} without a text layer: not scanned; OCR them first")
    if not_read:
        total = sum(not_read.values())
        kinds = ", ".join(sorted(not_read))
        noun = "attachment" if total == 1 else "attachments"
        warnings.append(f"{total} {noun} not read ({kinds}): not scanned")
    for warning in warnings:
        log.warning("%s: %s", load.path.name, warning)
    doc: dict[str, Any] = {
        "document": {
            "pages": len(pages),
            "paragraphs": sum(1 for b in blocks if b.status == TEXT),
            "pages_without_text_layer": scans,
            "attachments": len(attachments),
            "attachments_not_read": sum(not_read.values()),
        }
    }
    if warnings:
        doc["warnings"] = warnings
    return doc


def stored_tables(load: FileLoad) -> list[TableLoad]:
    """The report's table list for a document ingested before (it has no `_tables` row)."""
    from vigie.ingest.loader import TableLoad

    return [TableLoad(TABLE, load.path.name, [], [], load.rows_stored)]
