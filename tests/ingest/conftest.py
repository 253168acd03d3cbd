"""Ingest test helpers; the workspace fixture and key isolation come from tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vigie.ingest.readers.base import BadRow, SourceTable


def collect(tables: Iterator[SourceTable]) -> list[tuple[str, list[str], list[Any]]]:
    """Drain a reader: (name, columns, rows) per table, rows as tuples or BadRows."""
    out = []
    for table in tables:
        rows: list[Any] = [r if isinstance(r, BadRow) else (r[0], tuple(r[1])) for r in table.rows]
        out.append((table.name, list(table.columns), rows))
    return out


def noop(_: int) -> None:
    """A progress callback that ignores progress."""
