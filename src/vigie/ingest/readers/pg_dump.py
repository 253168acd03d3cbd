"""Reader for PostgreSQL `pg_dump` plain-format output.

Handles COPY ... FROM stdin blocks (text format: tab separated, \\N for NULL, backslash
escapes), INSERT statements (--inserts, --column-inserts, --rows-per-insert) with standard
'' strings, E'' escape strings and dollar quotes, quoted and schema-qualified names, and
`SET client_encoding` for decoding. Table names are unqualified unless two schemas hold a
table of the same name (then `schema.table`). The custom format (`-Fc`, magic b"PGDMP")
is not read: convert it with pg_restore first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from vigie.ingest.readers.base import BadRow, ProgressCallback, RowItem, SourceTable
from vigie.ingest.readers.sql_lexing import ByteStream, Charset, charset_for
from vigie.ingest.readers.sql_names import split_name, unquote
from vigie.ingest.readers.sql_tables import Batch, Statement, TableAssembler, group_tables
from vigie.ingest.readers.sql_values import PgValues, pg_unescape

PG_CUSTOM_MAGIC = b"PGDMP"
_BATCH_ROWS = 5000  # a COPY batch ends at this many rows or bytes, which bounds memory
_BATCH_BYTES = 1 << 20

_RUN = re.compile(
    rb"""(?:[^'"$;\-/eE]++|[eE]'(?:[^'\\]++|\\.)*+'|'[^']*+'|"[^"]*+"|[eE](?!')|-(?!-)|/(?!\*))*+""",
    re.S,
)
_STR_PREFIX = {
    b"'": re.compile(rb"'[^']*+"),
    b'"': re.compile(rb'"[^"]*+'),
    b"e": re.compile(rb"[eE]'(?:[^'\\]++|\\.)*+"),
}
_DOLLAR = re.compile(rb"\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$")
_NESTED = re.compile(rb"/\*|\*/")
_COPY = re.compile(
    r"\s*COPY\s+((?:\"(?:[^\"]|\"\")+\"|[\w$]+)(?:\s*\.\s*(?:\"(?:[^\"]|\"\")+\"|[\w$]+))?)\s*"
    r"(?:\(([^)]*)\))?\s*FROM\s+stdin\b(.*)",
    re.I | re.S,
)
_COLUMN = re.compile(r"\"(?:[^\"]|\"\")+\"|[^\s,]+")
_ENCODING = re.compile(r"\s*SET\s+client_encoding\s*(?:=|TO)\s*'([^']+)'", re.I)
_HEAD = re.compile(rb"PostgreSQL database dump|^COPY [^\n]+ FROM stdin;|^SET client_encoding", re.M)


def looks_like_pg_dump(head: bytes) -> bool:
    """True for pg_dump plain SQL; False for the custom format (see pg_custom_format_hint)."""
    if head.startswith(PG_CUSTOM_MAGIC):
        return False
    return bool(_HEAD.search(head))


def pg_custom_format_hint() -> str:
    return "a pg_dump custom-format archive: convert it with `pg_restore -f dump.sql FILE`"


class _Splitter:
    """Splits pg_dump SQL into statements; the reader reads COPY data from the same stream."""

    def __init__(self, stream: ByteStream) -> None:
        self.s = stream

    def _need(self, n: int) -> None:
        while len(self.s.buf) - self.s.pos < n and self.s.fill():
            pass

    def next(self) -> Statement | None:
        s = self.s
        parts: list[bytes] = []
        line = 0
        while True:
            buf, p = s.buf, s.pos
            if not line:
                q = len(buf) - len(buf[p:].lstrip())
                s.advance(q)
                p = q
                if buf[p : p + 1] == b"\\":  # a psql meta-command (\connect, \restrict): one line
                    if self._skip_line():
                        continue
                    break
            e = _RUN.match(buf, p).end()  # type: ignore[union-attr]
            if e > p:
                line = line or s.line
                parts.append(buf[p:e])
                s.advance(e)
                p = e
            if p >= len(buf):
                if s.fill():
                    continue
                break
            c = buf[p : p + 1]
            if c == b";":
                s.advance(p + 1)
                break
            self._need(2)
            if s.buf is not buf:
                continue  # read more: rescan from here
            error = self._special(parts)
            if error == "more":
                continue
            if error:
                return Statement(line or s.line, b"".join(parts), error)
            line = line or (s.line if parts and b"".join(parts).strip() else 0)
        text = b"".join(parts)
        if text.strip():
            return Statement(line, text)
        return None if s.eof and s.pos >= len(s.buf) else self.next()

    def _skip_line(self) -> bool:
        s = self.s
        while (end := s.buf.find(b"\n", s.pos)) < 0:
            if not s.fill():
                s.advance(len(s.buf))
                return False
        s.advance(end + 1)
        return True

    def _rest(self, parts: list[bytes], error: str) -> str:
        # An unterminated token runs to the end of the file: consume it, or the next call
        # would find the same token at the same place forever.
        parts.append(self.s.buf[self.s.pos :])
        self.s.advance(len(self.s.buf))
        return error

    def _special(self, parts: list[bytes]) -> str | None:
        """Consume a comment, dollar quote or quoted token at pos; 'more' = read more first."""
        s = self.s
        buf, p = s.buf, s.pos
        if buf.startswith(b"--", p):
            end = buf.find(b"\n", p)
            if end < 0 and s.fill():
                return "more"
            s.advance(end if end >= 0 else len(s.buf))
            parts.append(b" ")
            return None
        if buf.startswith(b"/*", p):
            depth, i = 0, p
            for mark in _NESTED.finditer(buf, p):
                depth += 1 if mark.group(0) == b"/*" else -1
                i = mark.end()
                if depth == 0:
                    s.advance(i)
                    parts.append(b" ")
                    return None
            return "more" if s.fill() else self._rest(parts, "unterminated comment")
        m = _DOLLAR.match(buf, p)
        if m:
            end = buf.find(m.group(0), m.end())
            if end < 0:
                return (
                    "more" if s.fill() else self._rest(parts, "unterminated dollar-quoted string")
                )
            parts.append(buf[p : end + len(m.group(0))])
            s.advance(end + len(m.group(0)))
            return None
        c = buf[p : p + 1]
        key = b"e" if c in (b"e", b"E") else c
        if key in _STR_PREFIX:
            m = _STR_PREFIX[key].match(buf, p)
            if m and m.end() >= len(buf) - 1 and s.fill():
                return "more"
            parts.append(buf[p:])
            s.advance(len(buf))
            return "unterminated string"
        parts.append(c)  # a lone '$'
        s.advance(p + 1)
        return None


def read_pg_dump(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """Stream the tables of a pg_dump plain file.

    Consume each table's rows before asking for the next table: moving on skips the rest.
    """
    with path.open("rb") as f:
        yield from group_tables(_batches(ByteStream(f, on_bytes)))


def _batches(stream: ByteStream) -> Iterator[Batch]:
    charset = Charset("utf-8")
    tables = TableAssembler(PgValues(), default_schema="public")
    splitter = _Splitter(stream)
    while True:
        stmt = splitter.next()
        if stmt is None:
            break
        text, dirty = charset.decode(stmt.raw)
        m = _ENCODING.match(text)
        if m:
            charset = charset_for(m.group(1), mysql=False) or charset
            continue
        m = _COPY.match(text) if stmt.error is None else None
        if m:
            yield from _copy_batches(stream, tables, m, charset, stmt.line)
            continue
        yield from tables.feed(stmt, text, dirty, charset)
    yield from tables.finish()


def _copy_batches(
    stream: ByteStream, tables: TableAssembler, m: re.Match[str], charset: Charset, line: int
) -> Iterator[Batch]:
    """Rows of one COPY ... FROM stdin block, up to its `\\.` line."""
    schema, name = split_name(m.group(1))
    key = (schema or "public", name)
    cols = [unquote(c) for c in _COLUMN.findall(m.group(2))] if m.group(2) else None
    cols = cols or tables.columns.get(key) or []
    binary = bool(re.search(r"\b(?:BINARY|CSV)\b", m.group(3), re.I))
    stream.take_line()  # the rest of the COPY line
    width = len(cols)
    rows: list[RowItem] = []
    size = 0
    while True:
        raw = stream.take_line()
        if raw is None or raw == b"\\." or raw == b"\\.\r":
            break
        number = tables.number(key)
        text, _ = charset.decode(raw)
        where = f"line {stream.line - 1}"
        fields = text.split("\t")
        if binary:
            rows.append(
                BadRow(number, f"{where}: COPY in CSV or binary format is not supported", text)
            )
        elif len(fields) != width:
            reason = f"{where}: row has {len(fields)} values, table has {width} columns"
            rows.append(BadRow(number, reason, text))
        elif "\\" in text:
            rows.append((number, tuple(_copy_field(v, charset) for v in fields)))
        else:
            rows.append((number, tuple(fields)))
        size += len(raw)
        if len(rows) >= _BATCH_ROWS or size >= _BATCH_BYTES:
            yield tables.batch(key, cols, rows)
            rows, size = [], 0
    tables.last = key
    if rows or key not in tables.counters:
        tables.counters.setdefault(key, 0)
        yield tables.batch(key, cols, rows)


def _copy_field(v: str, charset: Charset) -> str | None:
    if v == "\\N":
        return None
    return pg_unescape(v, charset, copy=True) if "\\" in v else v
