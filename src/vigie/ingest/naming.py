"""Store names: table names from file names, column names kept but made unique."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

LINEAGE = ("_source", "_row")
_NOT_NAME = re.compile(r"[^a-z0-9_]+")


def slug(text: str, default: str = "table") -> str:
    """Lowercase ASCII: accents dropped, other characters to '_', no leading '_'.

    No leading underscore, because names starting with '_' belong to vigie's catalog.
    """
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return _NOT_NAME.sub("_", plain).strip("_") or default


def unique_name(base: str, taken: Iterable[str]) -> str:
    """`base`, else `base_2`, `base_3`, ... (DuckDB names are case-insensitive)."""
    used = {t.lower() for t in taken}
    if base.lower() not in used:
        return base
    n = 2
    while f"{base}_{n}".lower() in used:
        n += 1
    return f"{base}_{n}"


@dataclass(frozen=True)
class Renamed:
    position: int  # 1-based column position in the source table
    original: str  # the header as the file has it (a column name, not a data value)
    stored: str


def column_names(header: list[str]) -> tuple[list[str], list[Renamed]]:
    """The header's names, with empty ones named `column_N` and clashes suffixed `_2`...

    Clashes are case-insensitive (DuckDB's rule) and include the lineage columns.
    """
    names: list[str] = []
    renamed: list[Renamed] = []
    taken = set(LINEAGE)
    suffix: dict[str, int] = {}  # next suffix per base: linear even for 100,000 clashes
    for position, original in enumerate(header, start=1):
        base = original if original.strip() else f"column_{position}"
        name = base
        if name.lower() in taken:
            n = suffix.get(base.lower(), 2)
            while f"{base}_{n}".lower() in taken:
                n += 1
            suffix[base.lower()] = n + 1
            name = f"{base}_{n}"
        taken.add(name.lower())
        names.append(name)
        if name != original:
            renamed.append(Renamed(position, original, name))
    return names, renamed
