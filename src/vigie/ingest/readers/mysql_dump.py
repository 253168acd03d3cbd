"""Reader for MySQL / MariaDB `mysqldump` output (plain SQL).

Streams: the file is read in chunks and split into statements on bytes, so memory is
bounded by the longest statement (mysqldump writes ~1 MB INSERT lines). CREATE TABLE gives
column names, INSERT / REPLACE statements give rows; everything else (SET, LOCK, views,
triggers and routines under DELIMITER) is skipped. `SET NAMES` and `character_set_client`
decide how statement bytes are decoded (MySQL's latin1 is cp1252).

Values are returned as the file holds them: strings unescaped, numbers as their literal
text, NULL as None. Binary data (a `_binary` introducer, a hex literal `0x..`/`X'..'`, or a
string whose bytes are not valid in the dump's charset) is decoded as UTF-8 when valid,
else kept as hex text `0xABCD` (uppercase). A bit literal `b'0101'` becomes its decimal
value ('5').
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from vigie.ingest.readers.base import ProgressCallback, SourceTable
from vigie.ingest.readers.sql_lexing import ByteStream, Charset, charset_for
from vigie.ingest.readers.sql_tables import Batch, Statement, TableAssembler, group_tables
from vigie.ingest.readers.sql_values import MysqlValues

# A line starting like one of these ends a statement that lacks its `;` and an unterminated
# string (mysqldump escapes newlines inside strings, so a real value never holds one).
_KW = rb"(?:INSERT[ \t]+(?:IGNORE[ \t]+)?INTO|REPLACE[ \t]+INTO|LOCK[ \t]+TABLES|UNLOCK[ \t]+TABLES|DROP[ \t]+TABLE|CREATE[ \t]+TABLE)\b"  # noqa: E501
_NL = rb"\n(?!" + _KW + rb")"
_STR_PREFIX = {
    q: re.compile(q + rb"(?:[^" + q + rb"\\\n]++|\\.|" + _NL + rb")*+", re.S) for q in (b"'", b'"')
}
_STR_PREFIX[b"`"] = re.compile(rb"`[^`\n]*+")
_DELIMITER = re.compile(rb"[ \t]*DELIMITER[ \t]+(\S+)[^\n]*(?:\n|\Z)", re.I)
_WS = re.compile(rb"[ \t\r\n]*")
_VERSIONED = re.compile(rb"/\*![0-9]{0,6}")
_MYSQL_HEAD = re.compile(
    rb"(?:--[^\n]*(?:MySQL|MariaDB) dump|/\*!40\d{3} SET"
    rb"|^\s*(?:INSERT|REPLACE|CREATE TABLE|LOCK TABLES)[^\n]*`)",
    re.M,
)
_MAGIC_PG = (b"PostgreSQL database dump", b"COPY ", b"pg_catalog")


def _prefix_end(quote: bytes, buf: bytes, pos: int) -> int:
    """Where a string starting at pos stops being a string (its prefix always matches)."""
    m = _STR_PREFIX[quote].match(buf, pos)
    return m.end() if m else pos + 1


def _run_pattern(delim: bytes) -> re.Pattern[bytes]:
    stops = set(b"'\"`#/*-\\\n") | {delim[0]}
    cls = b"".join(re.escape(bytes([c])) for c in sorted(stops))
    nl = _NL if delim == b";" else rb"\n"
    strings = b"|".join(
        q + rb"(?:[^" + q + rb"\\\n]++|\\.|" + nl + rb")*+" + q for q in (b"'", b'"')
    )
    return re.compile(rb"(?:[^" + cls + rb"]++|" + strings + rb"|`[^`\n]*+`|" + nl + rb")*+", re.S)


class _Splitter:
    """Splits a mysqldump stream into statements (bytes, comments dropped)."""

    def __init__(self, stream: ByteStream) -> None:
        self.s = stream
        self.delim = b";"
        self.run = _run_pattern(b";")

    def _need(self, n: int) -> bool:
        """Make sure n bytes are buffered after pos (unless at end of file)."""
        while len(self.s.buf) - self.s.pos < n:
            if not self.s.fill():
                return False
        return True

    def statements(self) -> Iterator[Statement]:
        s = self.s
        while True:
            parts: list[bytes] = []
            line = 0
            versioned = 0
            error = None
            while True:
                buf, p = s.buf, s.pos
                if not line:  # between statements: whitespace, then maybe a DELIMITER line
                    p = _WS.match(buf, p).end()  # type: ignore[union-attr]
                    s.advance(p)
                    if p >= len(buf):
                        if s.fill():
                            continue
                        break
                    if buf[p : p + 1] in (b"D", b"d") and self._delimiter_line():
                        continue
                e = self.run.match(buf, p).end()  # type: ignore[union-attr]
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
                if buf.startswith(self.delim, p):
                    s.advance(p + len(self.delim))
                    break
                if c == b"\n":  # a new statement begins on the next line
                    if line:
                        break
                    s.advance(p + 1)
                    continue
                skipped = self._comment(c)
                if skipped is None:
                    continue  # needed more data
                if skipped:
                    parts.append(b"\n" * skipped.count(b"\n") or b" ")
                    if skipped.startswith(b"/*!"):
                        versioned += 1
                        line = line or s.line
                    continue
                if s.buf is not buf:
                    continue  # _comment read more: rescan from here
                if c == b"*" and versioned and buf.startswith(b"*/", p):
                    versioned -= 1
                    s.advance(p + 2)
                    parts.append(b" ")
                    continue
                if c in (b"'", b'"', b"`"):
                    end = _prefix_end(c, buf, p)
                    if end >= len(buf) - 1 and s.fill():
                        continue
                    error = "unterminated string" if c != b"`" else "unterminated identifier"
                    if not line:
                        line = s.line
                    parts.append(buf[p:end])
                    s.advance(end)
                    break
                parts.append(c)  # a lone '-', '/', '*', '\' or delimiter byte
                s.advance(p + 1)
            text = b"".join(parts)
            if line and text.strip():
                yield Statement(line, text, error)
            elif s.eof and s.pos >= len(s.buf):
                return

    def _delimiter_line(self) -> bool:
        s = self.s
        self._need(64)
        m = _DELIMITER.match(s.buf, s.pos)
        if not m:
            return False
        while not s.buf.endswith(b"\n", 0, m.end()) and not s.eof:
            s.fill()
            m = _DELIMITER.match(s.buf, s.pos)
            if not m:
                return False
        self.delim = m.group(1)
        self.run = _run_pattern(self.delim)
        s.advance(m.end())
        return True

    def _comment(self, c: bytes) -> bytes | None:
        """Consume a comment at pos and return it; b'' when none starts here."""
        s = self.s
        self._need(3)
        buf, p = s.buf, s.pos
        if c == b"#" or (buf.startswith(b"--", p) and buf[p + 2 : p + 3] in b" \t\r\n"):
            end = buf.find(b"\n", p)
            if end < 0:
                if s.fill():
                    return None
                end = len(s.buf)
            s.advance(end)
            return b" "
        if buf.startswith(b"/*", p):
            m = _VERSIONED.match(buf, p)
            if m and (m.end() < len(buf) or s.eof):
                s.advance(m.end())
                return b"/*!"
            end = buf.find(b"*/", p + 2)
            if end < 0:
                if s.fill():
                    return None
                end = len(s.buf) - 2
            text = s.buf[p : end + 2]
            s.advance(end + 2)
            return text
        return b""


_SET_NAMES = re.compile(r"SET\s+(?:NAMES|CHARACTER\s+SET|CHARSET)\s+'?([A-Za-z0-9_]+)", re.I)
_SET_CLIENT = re.compile(r"character_set_client\s*=\s*(@?@?[A-Za-z0-9_]+)", re.I)
_SAVE_CLIENT = re.compile(r"(@[A-Za-z0-9_]+)\s*=\s*@@character_set_client", re.I)
_SQL_MODE = re.compile(r"SQL_MODE\s*=\s*'([^']*)'", re.I)


class _Session:
    """The client-side state that changes how statements read: charset and ANSI quotes."""

    def __init__(self) -> None:
        self.charset = Charset("utf-8")
        self.saved: dict[str, Charset] = {}
        self.ansi = False

    def apply_set(self, text: str) -> None:
        m = _SET_NAMES.search(text)
        if m:
            self.charset = charset_for(m.group(1), mysql=True) or self.charset
        for m in _SAVE_CLIENT.finditer(text):
            self.saved[m.group(1).lower()] = self.charset
        for m in _SET_CLIENT.finditer(text):
            value = m.group(1)
            if value.startswith("@"):
                self.charset = self.saved.get(value.lower(), self.charset)
            else:
                self.charset = charset_for(value, mysql=True) or self.charset
        m = _SQL_MODE.search(text)
        if m:
            self.ansi = "ANSI" in m.group(1).upper()


def looks_like_mysql_dump(head: bytes) -> bool:
    """True when the first 64 KiB look like mysqldump / MariaDB dump output."""
    if head.startswith(b"PGDMP") or any(marker in head for marker in _MAGIC_PG):
        return False
    return bool(_MYSQL_HEAD.search(head))


def read_mysql_dump(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """Stream the tables of a mysqldump file (see the module docstring for value rules).

    Consume each table's rows before asking for the next table: moving on skips the rest.
    """
    with path.open("rb") as f:
        yield from group_tables(_batches(ByteStream(f, on_bytes)))


def _batches(stream: ByteStream) -> Iterator[Batch]:
    session = _Session()
    tables = TableAssembler(MysqlValues())
    for stmt in _Splitter(stream).statements():
        text, dirty = session.charset.decode(stmt.raw)
        if stmt.error is None and text.lstrip()[:3].upper() == "SET":
            session.apply_set(text)
            continue
        yield from tables.feed(stmt, text, dirty, session.charset, session.ansi)
    yield from tables.finish()
