"""Plumbing shared by the SQL-dump readers: a chunked byte stream and charset decoding.

Dumps are read in chunks and split into statements on bytes (quotes, `;` and comment
markers are ASCII in every charset we accept), then each statement is decoded with the
charset the dump declared at that point.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from vigie.ingest.readers.base import ProgressCallback

CHUNK = 1 << 20  # 1 MiB reads; a longer statement grows the buffer as needed


class ByteStream:
    """A file read in chunks; `buf[pos:]` is what is left, `line` the line number at `pos`."""

    def __init__(self, f: BinaryIO, on_bytes: ProgressCallback) -> None:
        self._f = f
        self._on_bytes = on_bytes
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.line = 1

    def fill(self) -> bool:
        """Read more bytes (dropping consumed ones); False once the file is exhausted."""
        if self.eof:
            return False
        # Read at least as much as is pending, so a long token costs linear time overall.
        data = self._f.read(max(CHUNK, len(self.buf) - self.pos))
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        if not data:
            self.eof = True
            return False
        self._on_bytes(len(data))
        return True

    def advance(self, end: int) -> None:
        """Consume up to `end`, counting lines."""
        self.line += self.buf.count(b"\n", self.pos, end)
        self.pos = end

    def take_line(self) -> bytes | None:
        """The next line without its newline, or None at end of file."""
        while True:
            i = self.buf.find(b"\n", self.pos)
            if i >= 0:
                out = self.buf[self.pos : i]
                self.pos = i + 1
                self.line += 1
                return out
            if not self.fill():
                if self.pos >= len(self.buf):
                    return None
                out = self.buf[self.pos :]
                self.pos = len(self.buf)
                return out


def _mysql_latin1_table() -> str:
    # MySQL's latin1 is cp1252 with its five holes mapped straight to the code point.
    chars = []
    for b in range(256):
        try:
            chars.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(b))
    return "".join(chars)


_LATIN1_TABLE = _mysql_latin1_table()
_LATIN1_ENCODE = codecs.charmap_build(_LATIN1_TABLE)


class Charset:
    """Decodes statement bytes; `name` is a Python codec or 'mysql-latin1'."""

    def __init__(self, name: str) -> None:
        self.name = name

    def decode(self, data: bytes) -> tuple[str, bool]:
        """Text and whether some bytes were not valid (kept as surrogate escapes)."""
        if self.name == "mysql-latin1":
            return codecs.charmap_decode(data, "strict", _LATIN1_TABLE)[0], False
        try:
            return data.decode(self.name), False
        except UnicodeDecodeError:
            return data.decode(self.name, "surrogateescape"), True

    def encode(self, text: str) -> bytes:
        """The original bytes of decoded text."""
        if self.name == "mysql-latin1":
            return codecs.charmap_encode(text, "strict", _LATIN1_ENCODE)[0]
        return text.encode(self.name, "surrogateescape")


_ALIASES = {
    "utf8": "utf-8",
    "utf8mb3": "utf-8",
    "utf8mb4": "utf-8",
    "unicode": "utf-8",
    "binary": "utf-8",
    "sqlascii": "utf-8",
    "latin1": "latin-1",
    "latin9": "iso8859-15",
    "latin2": "iso8859-2",
    "latin5": "iso8859-9",
    "latin7": "iso8859-13",
    "win1252": "cp1252",
    "win1250": "cp1250",
    "win1251": "cp1251",
    "koi8r": "koi8-r",
    "koi8u": "koi8-u",
    "greek": "iso8859-7",
    "hebrew": "iso8859-8",
}


def charset_for(name: str, mysql: bool) -> Charset | None:
    """The charset a dump names, or None when Python has no such codec."""
    key = name.strip().strip("'\"`").lower().replace("_", "").replace("-", "")
    if mysql and key == "latin1":
        return Charset("mysql-latin1")
    codec = _ALIASES.get(key, key)
    try:
        return Charset(codecs.lookup(codec).name)
    except LookupError:
        return None


def hex_or_text(data: bytes) -> str:
    """Binary data as UTF-8 text when it is valid UTF-8, else as hex text `0xABCD`."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + data.hex().upper()
