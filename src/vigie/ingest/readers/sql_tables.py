"""Turns SQL-dump statements into source tables: names, columns, numbered rows.

Shared by the MySQL and PostgreSQL readers. Each INSERT (or COPY block) becomes a `Batch`;
consecutive batches of one table are joined into one `SourceTable` whose rows stream.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from vigie.ingest.readers.base import BadRow, DeclaredKey, RowItem, SourceTable, Values
from vigie.ingest.readers.sql_keys import alter_table_keys, create_table_keys
from vigie.ingest.readers.sql_lexing import Charset
from vigie.ingest.readers.sql_names import ID, IDENT, ITEM, QN, split_name, unquote
from vigie.ingest.readers.sql_values import ValuesParser, fix_binary

_INSERT = re.compile(
    r"\s*(?:INSERT(?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE))*(?:\s+INTO)?"
    r"|REPLACE(?:\s+(?:LOW_PRIORITY|DELAYED))*(?:\s+INTO)?)\s+(" + QN + r")\s*"
    r"(\(\s*" + ID + r"(?:\s*,\s*" + ID + r")*\s*\))?\s*VALUES?\s*",
    re.I,
)
_CREATE = re.compile(
    r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMPORARY\s+|TEMP\s+|UNLOGGED\s+)?"
    r"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(" + QN + r")\s*\(",
    re.I,
)
_DROP = re.compile(
    r"\s*(?:DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?|CREATE\s+(?:OR\s+REPLACE\s+)?.*?\bVIEW\s+)"
    r"(" + QN + r")",
    re.I | re.S,
)
_USE = re.compile(r"\s*USE\s+(" + ID + r")", re.I)
_NOT_COLUMN = {
    "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE", "LIKE", "KEY",
    "INDEX", "FULLTEXT", "SPATIAL", "PERIOD",
}  # fmt: skip
_SKIPPED = re.compile(
    r"\s*(?:SET|LOCK|UNLOCK|DROP|CREATE|ALTER|USE|START|COMMIT|BEGIN|END|ROLLBACK|SELECT|GRANT|"
    r"REVOKE|FLUSH|COMMENT|SAVEPOINT|RELEASE|TRUNCATE|DELETE|UPDATE|ANALYZE|OPTIMIZE|\\connect|"
    r"REFRESH|SECURITY|REASSIGN|COPY)\b",
    re.I,
)


@dataclass
class Statement:
    line: int  # line where it starts
    raw: bytes
    error: str | None = None  # set when the splitter could not find its end cleanly


@dataclass
class Batch:
    name: str
    columns: list[str]
    rows: list[RowItem] = field(default_factory=list)
    keys: list[DeclaredKey] = field(default_factory=list)  # the table's, shared by its batches


def column_names(text: str, start: int) -> list[str]:
    """Column names of a CREATE TABLE body starting just after its '('."""
    cols: list[str] = []
    depth, first = 0, True
    for m in ITEM.finditer(text, start):
        tok = m.group(0)
        if tok == "(":
            depth += 1
        elif tok == ")":
            if depth == 0:
                break
            depth -= 1
        elif tok == "," and depth == 0:
            first = True
        elif first and tok.strip():
            first = False
            word = tok.split()[0] if tok[0] not in "`\"'" else tok
            if tok[0] in '`"':
                cols.append(unquote(tok))
            elif word.upper() not in _NOT_COLUMN:
                cols.append(word)
    return cols


class TableAssembler:
    """Names tables, remembers their columns and numbers their rows across statements."""

    def __init__(self, values: ValuesParser, default_schema: str = "") -> None:
        self.values = values
        self.schema = default_schema
        self.columns: dict[tuple[str, str], list[str]] = {}
        self.schemas: dict[str, set[str]] = {}
        self.owner: dict[str, str] = {}
        self.counters: dict[tuple[str, str], int] = {}
        self.last: tuple[str, str] | None = None
        # One list per table, shared with every batch of it: keys declared after the rows
        # (pg_dump's ALTER TABLE ... ADD CONSTRAINT) still reach the reader's consumer.
        self.keys: dict[tuple[str, str], list[DeclaredKey]] = {}

    def batch(self, key: tuple[str, str], columns: list[str], rows: list[RowItem]) -> Batch:
        return Batch(self.name(key), columns, rows, self.keys.setdefault(key, []))

    def key(self, qn: str) -> tuple[str, str]:
        schema, name = split_name(qn)
        return (schema if schema is not None else self.schema, name)

    def name(self, key: tuple[str, str]) -> str:
        """Unqualified unless another schema holds a table of the same name."""
        schema, name = key
        owner = self.owner.setdefault(name, schema)
        if owner == schema and len(self.schemas.get(name, {schema}) | {schema}) == 1:
            return name
        return f"{schema}.{name}" if schema else name

    def number(self, key: tuple[str, str]) -> int:
        n = self.counters.get(key, 0) + 1
        self.counters[key] = n
        self.last = key
        return n

    def feed(
        self, stmt: Statement, text: str, dirty: bool, charset: Charset, ansi: bool = False
    ) -> Iterator[Batch]:
        """Batches produced by one statement (none for statements without data)."""
        where = f"line {stmt.line}"
        m = _INSERT.match(text)
        if stmt.error:
            key = self.key(m.group(1)) if m else self.last
            yield self._bad(key, f"{where}: {stmt.error}", text)
            return
        if m:
            yield self._insert(stmt, m, text, dirty, charset, ansi)
            return
        m = _CREATE.match(text)
        if m:
            key = self.key(m.group(1))
            self.columns[key] = column_names(text, m.end())
            self.keys.setdefault(key, [])[:] = create_table_keys(text, m.end())
            self.schemas.setdefault(key[1], set()).add(key[0])
            return
        altered = alter_table_keys(text)
        if altered is not None:
            self.keys.setdefault(self.key(altered[0]), []).extend(altered[1])
            return
        m = _DROP.match(text)
        if m:
            key = self.key(m.group(1))
            if key not in self.counters:
                self.columns.pop(key, None)
            return
        m = _USE.match(text)
        if m:
            self.schema = unquote(m.group(1))
            return
        if not _SKIPPED.match(text):
            yield self._bad(self.last, f"{where}: unrecognised statement", text)

    def _bad(self, key: tuple[str, str] | None, reason: str, raw: str) -> Batch:
        key = key or (self.schema, "_unparsed")
        cols = self.columns.get(key, [])
        return self.batch(key, cols, [BadRow(self.number(key), reason, raw)])

    def _insert(
        self,
        stmt: Statement,
        m: re.Match[str],
        text: str,
        dirty: bool,
        charset: Charset,
        ansi: bool,
    ) -> Batch:
        key = self.key(m.group(1))
        listed = [unquote(c) for c in IDENT.findall(m.group(2))] if m.group(2) else None
        cols = listed or self.columns.get(key)
        ctx: dict[str, object] = {"charset": charset, "ansi": ansi}
        parsed = self.values.parse_rows(text, m.end(), len(cols) if cols else None, ctx)
        if cols is None:
            width = next((len(v) for v, _, _, _ in parsed if v is not None), 0)
            cols = [f"column_{i}" for i in range(1, width + 1)]
            self.columns[key] = cols
        rows: list[RowItem] = []
        width = len(cols)
        for values, fault, start, end in parsed:
            number = self.number(key)
            if fault is not None:
                line = stmt.line + text.count("\n", 0, start)
                rows.append(BadRow(number, f"line {line}: {fault}", text[start:end]))
            elif values is not None and len(values) != width:
                line = stmt.line + text.count("\n", 0, start)
                reason = f"line {line}: row has {len(values)} values, table has {width} columns"
                rows.append(BadRow(number, reason, text[start:end]))
            elif values is not None:
                rows.append((number, fix_binary(values, charset) if dirty else values))
        self.last = key
        return self.batch(key, cols, rows)

    def finish(self) -> Iterator[Batch]:
        """Empty batches for tables created but never filled, so they still appear."""
        for key, cols in self.columns.items():
            if key not in self.counters and key[1] != "_unparsed":
                yield self.batch(key, cols, [])


def group_tables(batches: Iterable[Batch]) -> Iterator[SourceTable]:
    """Join consecutive batches of one table into streaming source tables."""
    for (name, cols), run in itertools.groupby(batches, key=lambda b: (b.name, tuple(b.columns))):
        yield _joined(name, list(cols), run)


def _joined(name: str, columns: list[str], run: Iterator[Batch]) -> SourceTable:
    """One table from its batches, read lazily; its keys are the list every batch shares."""
    first = next(run)
    rows = itertools.chain(first.rows, itertools.chain.from_iterable(b.rows for b in run))
    return SourceTable(name=name, columns=columns, rows=rows, keys=first.keys)


def as_values(values: Iterable[str | None]) -> Values:
    return tuple(values)
