"""XLSX / XLS reader (python-calamine): each non-empty sheet is a table (ODS: see ods.py).

The first non-empty row is the header. Values come out as text the way a person sees
them: integers without ".0", real dates as ISO text, text cells untouched (leading zeros
kept). Empty cells are NULL. Fully empty rows are skipped but keep their place in the
numbering, so `_row` + 1 is the row below the header where the row sits in the sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.readers.base import BadRow, ProgressCallback, RowItem, SourceTable


def read_spreadsheet(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """Yield one table per sheet that holds at least a header row."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except BaseException as exc:
        if not _library_fault(exc, CalamineError):
            raise
        raise InputError(f"cannot open the workbook ({type(exc).__name__})", path=path) from None
    # The workbook is parsed as a whole up front, so progress jumps to the end here.
    on_bytes(path.stat().st_size)
    try:
        for name in workbook.sheet_names:
            table = _guarded(path, name, partial(_sheet_table, workbook, name))
            if table is not None:
                table.rows = _guarded_rows(path, name, iter(table.rows), CalamineError)
                yield table
    finally:
        workbook.close()


def _library_fault(exc: BaseException, calamine_error: type) -> bool:
    # calamine's Rust panics arrive as pyo3's PanicException, a BaseException: a damaged
    # workbook, not a reason to stop the whole ingest with a traceback.
    return isinstance(exc, calamine_error | OSError | ValueError | UnicodeError) or (
        type(exc).__name__ == "PanicException"
    )


def _guarded(path: Path, sheet: str, read: Any) -> Any:
    from python_calamine import CalamineError

    try:
        return read()
    except BaseException as exc:
        if not _library_fault(exc, CalamineError):
            raise
        fault = f"cannot read the sheet ({type(exc).__name__})"
        raise InputError(fault, path=path, where=f"sheet {sheet!r}") from None


def _guarded_rows(
    path: Path, sheet: str, rows: Iterator[RowItem], error: type
) -> Iterator[RowItem]:
    number = 0
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except BaseException as exc:
            if not _library_fault(exc, error):
                raise
            fault = f"cannot read the sheet ({type(exc).__name__})"
            where = f"sheet {sheet!r}, after data row {number}"
            raise InputError(fault, path=path, where=where) from None
        number = item.number if isinstance(item, BadRow) else item[0]
        yield item


def _sheet_table(workbook: Any, name: str) -> SourceTable | None:
    return sheet_table(name, iter(workbook.get_sheet_by_name(name).iter_rows()))


def sheet_table(name: str, rows: Iterator[list[Any]]) -> SourceTable | None:
    """A sheet's rows (cells as `cell_text` takes them) as a table; None when empty."""
    for row in rows:
        if any(_is_value(cell) for cell in row):
            header = [cell_text(cell) or "" for cell in row]
            return SourceTable(name, _trim(header), _rows(rows, len(_trim(header))))
    return None


def _trim(header: list[str]) -> list[str]:
    # Trailing empty header cells are formatting leftovers unless data sits under them,
    # which the row check reports; keep at least one column.
    while len(header) > 1 and header[-1] == "":
        header.pop()
    return header


def _rows(rows: Iterator[list[Any]], width: int) -> Iterator[RowItem]:
    for number, row in enumerate(rows, start=1):
        values = [cell_text(cell) for cell in row]
        if all(v is None for v in values):
            continue
        extra = values[width:]
        if any(v is not None for v in extra):
            used = width + max(i for i, v in enumerate(extra) if v is not None) + 1
            raw = "\t".join("" if v is None else v for v in values)
            yield BadRow(number, f"{used} fields where the header has {width}", raw)
            continue
        values = values[:width] + [None] * (width - len(values))
        yield number, tuple(values)


def _is_value(cell: Any) -> bool:
    return cell_text(cell) is not None


def cell_text(cell: Any) -> str | None:
    """A cell's value as the text a person sees; None for an empty cell."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e16 else repr(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")  # calamine gives a date for date-only formats
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return str(cell)
