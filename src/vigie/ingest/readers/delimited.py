"""CSV / TSV reader: encoding, delimiter and quoting detected, rows streamed.

Conventions (the same as DuckDB's and PostgreSQL's CSV): an empty unquoted field is NULL,
a quoted empty field ("") is the empty string. A record whose field count differs from
the header's, or that holds bytes the encoding cannot decode, becomes a BadRow.
Blank lines are skipped and use no row number (except in a one-column file, where a
blank line is a NULL value).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vigie.errors import InputError
from vigie.ingest.readers.base import BadRow, ProgressCallback, RowItem, SourceTable
from vigie.ingest.readers.encoding import SAMPLE_BYTES, TextEncoding, detect_encoding

DELIMITERS = (",", ";", "\t", "|")
FIELD_LIMIT = 64 << 20  # a runaway quote stops here instead of eating the whole file
_SNIFF_RECORDS = 200
_UNDECODABLE = re.compile("[\udc80-\udcff]")

csv.field_size_limit(FIELD_LIMIT)


@dataclass(frozen=True)
class Dialect:
    encoding: TextEncoding
    delimiter: str


def sniff(path: Path) -> Dialect:
    """Detect encoding and delimiter from the first MiB of the file."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)
    text = sample.decode(encoding.name, errors="replace")
    return Dialect(encoding, sniff_delimiter(text))


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most consistent field count."""
    if "\n" in text:
        text = text[: text.rfind("\n") + 1]  # drop a record cut by the sample's end
    best: tuple[float, int, int] = (0.0, 1, 0)
    chosen = ","
    for rank, delimiter in enumerate(DELIMITERS):
        counts = _field_counts(text, delimiter)
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        if modal < 2:
            continue
        score = (counts.count(modal) / len(counts), modal, -rank)
        if score > best:
            best, chosen = score, delimiter
    return chosen


def _field_counts(text: str, delimiter: str) -> list[int]:
    counts: list[int] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if record:
                counts.append(len(record))
            if len(counts) >= _SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return counts


def read_delimited(
    path: Path, on_bytes: ProgressCallback, dialect: Dialect | None = None
) -> Iterator[SourceTable]:
    """Yield the file's one table; its rows stream from disk."""
    dialect = dialect or sniff(path)
    handle = open(path, "rb")  # noqa: SIM115 - closed when the row stream ends
    raw = _Counting(handle, on_bytes)
    text = io.TextIOWrapper(
        io.BufferedReader(raw, 1 << 20),
        encoding=dialect.encoding.name,
        errors="surrogateescape",
        newline="",
    )
    records = _Records(text, dialect, path)
    try:
        header = records.header()
    except BaseException:
        text.close()
        raise
    if header is None:
        text.close()
        raise InputError("the file holds no header row", path=path)
    yield SourceTable(path.stem, header, records.rows(len(header)))


class _Records:
    """csv.reader over the text, remembering each record's raw lines for quarantine."""

    def __init__(self, text: io.TextIOWrapper, dialect: Dialect, path: Path) -> None:
        self.text = text
        self.path = path
        self.line = 0
        self.dialect = dialect
        self.pending: list[str] = []
        self.undecodable = False
        self.exhausted = False
        self.reader = csv.reader(
            self._lines(), delimiter=dialect.delimiter, quotechar='"', doublequote=True
        )

    def _lines(self) -> Iterator[str]:
        for line in self.text:
            self.line += 1
            if _UNDECODABLE.search(line):
                self.undecodable = True
            self.pending.append(line)
            yield line
        # csv only asks past the last line when a quote is still open: that record is cut.
        self.exhausted = True

    def _next(self) -> list[str] | BadRow | None:
        """The next record ([] for a blank line); None at the end. BadRows numbered later."""
        self.pending.clear()
        self.undecodable = False
        try:
            return next(self.reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            return BadRow(0, f"unreadable CSV record ({exc})", self._raw())
        except UnicodeDecodeError:
            # surrogateescape cannot carry every fault of a UTF-16/32 text (a cut code unit)
            fault = f"bytes that are not valid {self.dialect.encoding.name}"
            raise InputError(fault, path=self.path, where=f"line {self.line + 1}") from None

    def header(self) -> list[str] | None:
        record: list[str] | BadRow | None = []
        while record == []:
            record = self._next()
        if record is None:
            return None
        if isinstance(record, BadRow) or self.undecodable:
            raise InputError("the header row cannot be read", path=self.path, where="line 1")
        return record

    def rows(self, width: int) -> Iterator[RowItem]:
        number = 0
        try:
            while (record := self._next()) is not None:
                if record == []:
                    if width != 1:
                        continue  # a blank line between records
                    record = [""]  # in a one-column file a blank line is a NULL
                number += 1
                yield self._item(number, record, width)
        finally:
            self.text.close()

    def _item(self, number: int, record: list[str] | BadRow, width: int) -> RowItem:
        if isinstance(record, BadRow):
            return BadRow(number, record.reason, record.raw)
        if self.exhausted and record:
            reason = "a quoted field is not closed before the end of the file"
            return BadRow(number, reason, self._raw())
        if self.undecodable:
            reason = f"bytes that are not valid {self.dialect.encoding.label}"
            return BadRow(number, reason, self._raw())
        if len(record) != width:
            reason = f"{len(record)} fields where the header has {width}"
            return BadRow(number, reason, self._raw())
        if "" in record:
            return number, self._with_nulls(record)
        return number, tuple(record)

    def _with_nulls(self, record: list[str]) -> tuple[str | None, ...]:
        raw = "".join(self.pending)
        if '"' not in raw:
            return tuple(None if v == "" else v for v in record)
        quoted = quoted_fields(raw, self.dialect.delimiter)
        return tuple(
            None if v == "" and not (i < len(quoted) and quoted[i]) else v
            for i, v in enumerate(record)
        )

    def _raw(self) -> str:
        # Undecodable bytes are shown as \xNN escapes so the raw text stays valid text.
        enc = self.dialect.encoding.name
        raw = "".join(self.pending)
        try:
            return raw.encode(enc, "surrogateescape").decode(enc, "backslashreplace")
        except UnicodeError:
            # UTF-16 cannot carry escaped bytes back (surrogates are its own code units)
            return raw.encode("utf-8", "backslashreplace").decode("utf-8")


def quoted_fields(raw: str, delimiter: str) -> list[bool]:
    """For each field of one raw record, whether it was quoted (csv cannot tell us)."""
    flags: list[bool] = []
    i, n = 0, len(raw)
    while True:
        quoted = i < n and raw[i] == '"'
        flags.append(quoted)
        if quoted:
            i += 1
            while i < n:
                if raw[i] == '"':
                    if i + 1 < n and raw[i + 1] == '"':
                        i += 2
                        continue
                    break
                i += 1
        while i < n and raw[i] != delimiter and raw[i] not in "\r\n":
            i += 1
        if i >= n or raw[i] != delimiter:
            return flags
        i += 1


class _Counting(io.RawIOBase):
    """A raw binary stream that reports the bytes read, for the progress bar."""

    def __init__(self, handle: io.BufferedReader, on_bytes: ProgressCallback) -> None:
        self.handle = handle
        self.on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = self.handle.readinto(buffer)
        if count:
            self.on_bytes(count)
        return count or 0

    def close(self) -> None:
        self.handle.close()
        super().close()
