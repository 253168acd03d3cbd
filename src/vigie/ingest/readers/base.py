"""The contract every leak-file reader follows.

A reader turns one file into a stream of source tables. A table's rows stream too, so a
multi-GB file never needs its size in memory. Each item of `SourceTable.rows` is either
a `(number, values)` tuple — `number` the 1-based data-row number of that row within its
table in that file (it becomes `_row`), `values` one text-or-None per column, exactly as
the file holds them (NULL stays None, '00123' stays '00123') — or a `BadRow` when the row
cannot be parsed (it goes to quarantine with its reason and raw text; it still uses up a
row number, so read = stored + quarantined).

A dump may return to a table it already started (rows of A, then B, then A again): the
reader yields a second `SourceTable` with the same name whose numbers continue.

SQL-dump readers also report the keys a table declares (`SourceTable.keys`: PRIMARY KEY,
UNIQUE, FOREIGN KEY ... REFERENCES). pg_dump declares them after all the data (`ALTER
TABLE ... ADD CONSTRAINT`), so the list keeps filling while the reader runs: read it once
the reader is exhausted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

Values = tuple[str | None, ...]


@dataclass(frozen=True)
class BadRow:
    number: int
    reason: str  # says what is wrong, never quotes a value (it may be personal data)
    raw: str  # the raw text, kept only inside the encrypted store


RowItem = tuple[int, Values] | BadRow


@dataclass(frozen=True)
class DeclaredKey:
    """A key a dump declares for a table, in the file's own names."""

    kind: str  # primary | unique | foreign
    columns: tuple[str, ...]
    ref_table: str = ""  # foreign: the referenced table, unqualified
    ref_schema: str = ""  # foreign: its schema or database when the file names one
    ref_columns: tuple[str, ...] = ()  # foreign: empty = the referenced table's primary key
    name: str = ""  # the constraint's name, when it has one


@dataclass
class SourceTable:
    name: str  # the table's name inside the file (a SQL table) or the file's stem
    columns: list[str]
    rows: Iterable[RowItem]
    keys: list[DeclaredKey] = field(default_factory=list)  # complete once the reader ends


ProgressCallback = Callable[[int], None]  # called with bytes consumed since the last call


class Reader(Protocol):
    def __call__(self, path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]: ...
