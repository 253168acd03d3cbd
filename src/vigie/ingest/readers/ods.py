"""ODS reader: content.xml streamed with expat, text cells kept exactly.

python-calamine drops the ODS markup that stands for characters (`<text:tab/>`,
`<text:s text:c="3"/>`, `<text:line-break/>`, a second `<text:p>`), so "Colonne⇥décalée"
would be stored as "Colonnedécalée". Here a string cell is rebuilt from that markup, and
number, date, time and boolean cells are typed from their `office:*-value` attribute the
way calamine types them, so ODS and XLSX give the same text for the same sheet.
Repeated empty rows and columns (a sheet's tail is often "1,048,000 empty rows") are
counted, never expanded.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, iterparse

from vigie.errors import InputError
from vigie.ingest.readers.base import ProgressCallback, SourceTable

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# LibreOffice's own sheet bounds; a file claiming more is damaged or hostile.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
_DURATION = re.compile(r"PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S")


def read_ods(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """Yield one table per sheet that holds at least a header row."""
    from vigie.ingest.readers.spreadsheet import sheet_table

    try:
        archive = zipfile.ZipFile(path)
        stream = archive.open("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError) as exc:
        raise InputError(f"cannot open the workbook ({type(exc).__name__})", path=path) from None
    on_bytes(path.stat().st_size)
    events = iterparse(stream, events=("start", "end"))
    try:
        for name, rows in _sheets(path, events):
            table = sheet_table(name, rows)
            if table is not None:
                yield table
            for _ in rows:  # a sheet the caller left unread: move the parser past it
                pass
    except ParseError as exc:
        raise InputError(f"damaged content.xml ({exc})", path=path) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise InputError(f"damaged archive ({type(exc).__name__})", path=path) from None
    finally:
        stream.close()
        archive.close()


def _sheets(path: Path, events: Iterator[tuple[str, Element]]) -> Iterator[tuple[str, Any]]:
    for event, elem in events:
        if event == "start" and elem.tag == _TABLE + "table":
            name = elem.get(_TABLE + "name") or "Sheet"
            yield name, _rows(path, elem, events)


def _rows(path: Path, table: Element, events: Iterator[tuple[str, Element]]) -> Iterator[list[Any]]:
    sheet = table.get(_TABLE + "name") or "Sheet"
    row: list[Any] = []
    pending_empty = 0  # empty cells not yet appended: only a later value makes them real
    depth = 0  # cells inside a cell (a nested table) belong to that cell's text
    emitted = 0
    for event, elem in events:
        tag = elem.tag
        if tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            depth += 1 if event == "start" else -1
            if event == "end" and depth == 0:
                count = _repeat(elem, "number-columns-repeated")
                value = _cell_value(elem)
                if value is None:
                    pending_empty += count
                else:
                    if len(row) + pending_empty + count > MAX_COLUMNS:
                        where = f"sheet {sheet!r}, row {emitted + 1}"
                        raise InputError(f"more than {MAX_COLUMNS} columns", path=path, where=where)
                    row.extend([None] * pending_empty + [value] * count)
                    pending_empty = 0
                elem.clear()
        elif event == "end" and tag == _TABLE + "table-row" and depth == 0:
            count = _repeat(elem, "number-rows-repeated")
            if emitted + (count if row else 1) > MAX_ROWS:
                raise InputError(f"more than {MAX_ROWS} rows", path=path, where=f"sheet {sheet!r}")
            for _ in range(count if row else 1):
                yield list(row)
            emitted += count if row else 1
            row, pending_empty = [], 0
            table.clear()  # drop the rows read so far: memory stays one row deep
        elif event == "end" and tag == _TABLE + "table" and depth == 0:
            elem.clear()
            return


def _repeat(elem: Element, attribute: str) -> int:
    raw = elem.get(_TABLE + attribute, "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ROWS else 1


def _cell_value(cell: Element) -> Any:
    kind = cell.get(_OFFICE + "value-type")
    typed = _typed(cell, kind) if kind not in (None, "string") else None
    if typed is not None:
        return typed
    text = cell.get(_OFFICE + "string-value")
    if text is None:
        paragraphs = [_text(p) for p in cell if p.tag in (_TEXT + "p", _TEXT + "h")]
        text = "\n".join(paragraphs)
    return text or None


def _typed(cell: Element, kind: str | None) -> Any:
    try:
        if kind in ("float", "percentage", "currency"):
            return float(cell.get(_OFFICE + "value", ""))
        if kind == "boolean":
            return cell.get(_OFFICE + "boolean-value", "").lower() == "true"
        if kind == "date":
            raw = cell.get(_OFFICE + "date-value", "")
            return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
        if kind == "time":
            match = _DURATION.fullmatch(cell.get(_OFFICE + "time-value", ""))
            if match:
                h, m, s = int(match[1]), int(match[2]), float(match[3])
                return dt.time(h, m, int(s), round((s % 1) * 1e6))
    except ValueError:
        pass  # a value LibreOffice would not write: keep the text the cell shows
    return None


def _text(elem: Element) -> str:
    """The characters an ODS text element stands for, markup included."""
    parts = [elem.text or ""]
    for child in elem:
        tag = child.tag
        if tag == _TEXT + "s":
            raw = child.get(_TEXT + "c", "1")
            parts.append(" " * (min(int(raw), MAX_COLUMNS) if raw.isdigit() else 1))
        elif tag == _TEXT + "tab":
            parts.append("\t")
        elif tag == _TEXT + "line-break":
            parts.append("\n")
        elif tag != _OFFICE + "annotation":  # a comment is not the cell's text
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
