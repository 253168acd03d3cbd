"""JSON (an array of objects, or an object holding arrays of objects) and JSON lines.

Columns are the union of the objects' keys in order of first appearance, so each file is
read twice: once for the keys, once for the rows; neither pass holds the file in memory.
Strings stay as they are, numbers keep their text, true/false as such, nested values
become JSON text, null stays NULL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.readers.base import BadRow, ProgressCallback, RowItem, SourceTable

_CHUNK = 1 << 20
_INT_DIGITS = 4000  # Python refuses int() of more than 4,300 digits


def _integer(text: str) -> int | Decimal:
    """A JSON integer; one too long for int() kept whole as a Decimal."""
    return int(text) if len(text) <= _INT_DIGITS else Decimal(text)


def _nested(value: Any) -> Any:
    """A Decimal inside an array or object: a number when a float holds it, else its digits."""
    return float(value) if abs(value.adjusted()) < 300 else str(value)


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=_integer)


def value_text(value: Any) -> str | None:
    """A JSON value as stored text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=_nested)


def _columns_of(objects: Iterator[Any]) -> dict[str, None]:
    keys: dict[str, None] = {}
    for obj in objects:
        if isinstance(obj, dict):
            for key in obj:
                keys.setdefault(key, None)
    return keys


# --- JSON lines ---------------------------------------------------------------------


def read_json_lines(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """Yield the file's one table; a line that is not a JSON object becomes a BadRow."""
    columns = list(_columns_of(obj for _, obj, _ in _lines(path, None)))
    if not columns:
        raise InputError("no JSON object with at least one key in the file", path=path)
    yield SourceTable(path.stem, columns, _line_rows(path, on_bytes, columns))


def _lines(path: Path, on_bytes: ProgressCallback | None) -> Iterator[tuple[int, Any, str]]:
    """(line number, parsed value or a BadRow reason, raw line) for each non-blank line."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if on_bytes is not None:
                on_bytes(len(line))
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield number, _Bad("bytes that are not valid utf-8"), _escaped(line)
                continue
            try:
                yield number, _DECODER.decode(text), text
            except json.JSONDecodeError as exc:
                yield number, _Bad(f"not valid JSON ({exc.msg}, column {exc.colno})"), text
            except RecursionError:
                yield number, _Bad("JSON nested deeper than vigie reads"), text


class _Bad(str):
    """A parse failure's reason (a distinct type, so it cannot pass for a value)."""


def _escaped(line: bytes) -> str:
    return line.decode("utf-8", "backslashreplace")


def _line_rows(path: Path, on_bytes: ProgressCallback, columns: list[str]) -> Iterator[RowItem]:
    for number, obj, raw in _lines(path, on_bytes):
        if isinstance(obj, _Bad):
            yield BadRow(number, str(obj), raw.rstrip("\r\n"))
        elif not isinstance(obj, dict):
            yield BadRow(number, "not a JSON object", raw.rstrip("\r\n"))
        else:
            yield number, tuple(value_text(obj.get(c)) for c in columns)


# --- JSON document ------------------------------------------------------------------


def read_json(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """Yield one table per array of objects: the top-level array, or an object's arrays."""
    tables: dict[str, dict[str, None]] = {}
    for name, elements in _arrays(JsonStream(path, None), path.stem):
        tables.setdefault(name, {}).update(_columns_of(elements))
    if not tables or not any(tables.values()):
        raise InputError("no array of JSON objects in the file", path=path)
    for name, elements in _arrays(JsonStream(path, on_bytes), path.stem):
        columns = list(tables[name])
        yield SourceTable(name, columns, _element_rows(elements, columns))


def _element_rows(elements: Iterator[Any], columns: list[str]) -> Iterator[RowItem]:
    for number, obj in enumerate(elements, start=1):
        if isinstance(obj, dict):
            yield number, tuple(value_text(obj.get(c)) for c in columns)
        else:
            yield BadRow(number, "not a JSON object", value_text(obj) or "null")


def _arrays(stream: JsonStream, stem: str) -> Iterator[tuple[str, Iterator[Any]]]:
    """The arrays of objects in the document, each with its lazily parsed elements."""
    first = stream.peek()
    if first == "[":
        yield stem, stream.elements()
    elif first == "{":
        stream.expect("{")
        while stream.peek() != "}":
            key = stream.value()
            stream.expect(":")
            if stream.peek() == "[":
                elements = stream.elements()
                yield str(key), elements
                for _ in elements:  # drain what the consumer left
                    pass
            else:
                stream.value()
            if stream.peek() == ",":
                stream.expect(",")
        stream.expect("}")
    else:
        stream.fail("the document is neither an array nor an object")
    stream.close()


class JsonStream:
    """Incremental JSON over a file: raw_decode one value at a time from a sliding buffer."""

    def __init__(
        self,
        path: Path,
        on_bytes: ProgressCallback | None,
        decoder: json.JSONDecoder = _DECODER,
    ) -> None:
        self.path = path
        self.decoder = decoder
        self.handle = open(path, encoding="utf-8-sig")  # noqa: SIM115 - closed by close()
        self.on_bytes = on_bytes
        self.buf = ""
        self.pos = 0
        self.consumed = 0  # characters dropped from the buffer's front
        self.eof = False

    def close(self) -> None:
        self.handle.close()

    def _fill(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.handle.read(_CHUNK)
        except UnicodeDecodeError:
            self.fail("bytes that are not valid utf-8")
        if self.on_bytes is not None:
            self.on_bytes(len(chunk))  # characters: close enough to bytes for progress
        if not chunk:
            self.eof = True
            return False
        self.consumed += self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or not self._fill():
                return self.buf[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                self.fail("malformed JSON value")
            except RecursionError:
                self.fail("JSON nested deeper than vigie reads")
            if end < len(self.buf) or not self._fill():  # a number may go on in the next chunk
                self.pos = end
                return value

    def elements(self) -> Iterator[Any]:
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                self.pos -= 1
                self.fail("expected ',' or ']' between array elements")

    def fail(self, fault: str) -> Any:
        offset = self.consumed + self.pos
        raise InputError(fault, path=self.path, where=f"character {offset + 1}")
