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

# calamine trusts the sizes a legacy XLS declares: a damaged one can make it ask for
# gigabytes, and Rust aborts the whole process when that fails (no exception to catch).
# So an XLS is read once in a child process with bounded memory first (fuzz finding).
PROBE_MEMORY = 2 * 1024**3  # address space, plus 40 times the file's size
PROBE_SECONDS = 300.0


def read_spreadsheet(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """Yield one table per sheet that holds at least a header row."""
    from python_calamine import CalamineError, CalamineWorkbook

    if path.suffix.lower() == ".xls" or _is_ole2(path):
        _probe_in_child(path)
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


def _is_ole2(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _probe_in_child(path: Path) -> None:
    """Read the workbook in a child process under a memory limit; a child killed (an
    abort on a failed allocation, the limit, a timeout) means a damaged workbook."""
    import resource
    import subprocess
    import sys

    limit = PROBE_MEMORY + 40 * path.stat().st_size

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    code = "import sys; from vigie.ingest.readers.spreadsheet import drain; drain(sys.argv[1])"
    try:
        child = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            preexec_fn=bounded,
            capture_output=True,
            timeout=PROBE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        fault = f"damaged workbook: the XLS reader did not finish in {PROBE_SECONDS:.0f} s"
        raise InputError(fault, path=path) from None
    if child.returncode < 0 or b"memory allocation of" in child.stderr:
        fault = "damaged workbook: it declares sizes it does not hold (the XLS reader gave up)"
        raise InputError(fault, path=path)
    # exit status 0 or a Python error: the read below meets the error as an exception


def drain(path: str) -> None:
    """Read every cell of every sheet (the child process of _probe_in_child)."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(path)
    for name in workbook.sheet_names:
        for _ in workbook.get_sheet_by_name(name).iter_rows():
            pass


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
