"""CSV cells safe to open in a spreadsheet (OWASP's CSV injection rule).

A cell starting with `=`, `+`, `-` or `@` is run by Excel, LibreOffice and Google Sheets
as a formula (`=HYPERLINK(...)`, `=cmd|...`), and one starting with a tab or a carriage
return can hide such a start. Every CSV vigie writes for people to open (per-controller
packages, print manifests, not-sent and SMS lists, portal answers) passes its cells
through `safe_cell`: such a cell gets a leading apostrophe, which spreadsheets show as
text and do not print. Numbers and phone numbers (`+33 6 12 34 56 78`, `-12.5`) are left
as they are: made only of digits, spaces and `+-.()/`, they cannot call anything.
`vigie export` stays byte-exact unless asked (`--spreadsheet-safe`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_OR_PHONE = re.compile(r"[+-]?[0-9][0-9 .()/-]*")


def safe_cell(value: Any) -> Any:
    """`value`, with a leading apostrophe when a spreadsheet would run it as a formula."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _NUMBER_OR_PHONE.fullmatch(value):
        return value
    return "'" + value


def csv_bytes(header: Iterable[str] | None, rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 CSV (a header row unless None) whose every cell is safe in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header is not None:
        writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")
