"""Load one file's source tables into the store, in batches, inside one transaction."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from vigie.errors import InputError
from vigie.ingest import catalog
from vigie.ingest.formats import Detected
from vigie.ingest.naming import Renamed, column_names, slug, unique_name
from vigie.ingest.readers.base import (
    BadRow,
    DeclaredKey,
    ProgressCallback,
    RowItem,
    SourceTable,
)
from vigie.workspace import quote_ident, table_names

log = logging.getLogger(__name__)
BATCH_ROWS = 10_000
BATCH_CELLS = 400_000  # wide tables get shorter batches, so memory stays bounded
# DuckDB keeps a transaction's new rows cached up to its memory limit; a file is one
# transaction, so without a limit a large file would sit in memory until COMMIT. Each
# column being written pins a few blocks, so the limit grows with the table's width.
# A cell past this is no patient's value (a 50 MB "name" is a damaged or hostile file):
# its row goes to quarantine with the start of its text, the rest of the file is stored.
MAX_CELL_BYTES = 4 << 20
RAW_KEPT = 1_000  # characters of such a row kept in _quarantine
MAX_COLUMNS = 16_384  # Excel's limit; MySQL stops at 4,096 and PostgreSQL at 1,600
MAX_COLUMN_NAME = 1_000  # characters; longer is a damaged file, not a header
MEMORY_BASE_MB = 32
MEMORY_PER_COLUMN_MB = 1


@dataclass
class TableLoad:
    name: str  # store table
    source_table: str
    columns: list[str]
    renamed: list[Renamed]
    rows: int = 0
    source_columns: list[str] = field(default_factory=list)  # as the file names them
    declared: list[DeclaredKey] = field(default_factory=list)  # from the reader, file names
    keys: list[catalog.KeyEntry] = field(default_factory=list)  # resolved to store names


@dataclass
class FileLoad:
    """What one file put in the store (or found there already, when skipped)."""

    path: Path
    digest: str
    format: str
    kind: str
    controller: str | None
    details: dict[str, Any] = field(default_factory=dict)
    tables: list[TableLoad] = field(default_factory=list)
    rows_stored: int = 0
    rows_quarantined: int = 0
    skipped: bool = False

    @property
    def rows_read(self) -> int:
        return self.rows_stored + self.rows_quarantined


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes: its identity in the store (`_source`)."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


class _Loader:
    def __init__(self, con: duckdb.DuckDBPyConnection, load: FileLoad, base: str) -> None:
        self.con = con
        self.load = load
        self.base = base
        self.by_source: dict[str, TableLoad] = {}
        self.taken = set(table_names(con))
        self.memory_mb = 0
        # Hand freed memory back to the system between batches, not at 128 MB (default).
        con.execute("SET allocator_flush_threshold = '8MB'")
        # One writer thread: appends gain nothing from more, and each thread caches memory.
        con.execute("SET threads = 1")

    def table_for(self, source: SourceTable) -> TableLoad:
        known = self.by_source.get(source.name)
        if known is not None:
            if len(source.columns) != len(known.columns):
                raise InputError(
                    f"table {source.name!r} comes back with {len(source.columns)} columns "
                    f"where it first had {len(known.columns)}",
                    path=self.load.path,
                )
            return known
        if len(source.columns) > MAX_COLUMNS:
            raise InputError(
                f"{len(source.columns):,} columns (over {MAX_COLUMNS:,}, a spreadsheet's "
                "limit): not a table vigie stores",
                path=self.load.path,
                where=f"table {source.name[:60]!r}",
            )
        longest = max((len(c) for c in source.columns), default=0)
        if longest > MAX_COLUMN_NAME:
            raise InputError(
                f"a column name of {longest:,} characters in the header (over "
                f"{MAX_COLUMN_NAME:,}): not a table header (a file with no line breaks?)",
                path=self.load.path,
                where=f"table {source.name[:60]!r}",
            )
        name = unique_name(f"{self.base}__{slug(source.name)}", self.taken)
        self.taken.add(name)
        columns, renamed = column_names(list(source.columns))
        self._memory_for(len(columns) + 2)
        ddl = ", ".join(f"{quote_ident(c)} VARCHAR" for c in columns)
        self.con.execute(f"CREATE TABLE {quote_ident(name)} ({ddl}, _source VARCHAR, _row BIGINT)")
        table = TableLoad(name, source.name, columns, renamed, 0, list(source.columns))
        table.declared = source.keys  # the reader may add to it until it ends
        self.by_source[source.name] = table
        self.load.tables.append(table)
        return table

    def _memory_for(self, width: int) -> None:
        limit = MEMORY_BASE_MB + MEMORY_PER_COLUMN_MB * width
        if limit > self.memory_mb:
            self.con.execute(f"SET memory_limit = '{limit}MB'")
            self.memory_mb = limit

    def copy_rows(self, table: TableLoad, rows: Iterable[RowItem]) -> None:
        width = len(table.columns)
        limit = max(1_000, min(BATCH_ROWS, BATCH_CELLS // max(width, 1)))
        good: list[tuple[Any, ...]] = []
        bad: list[BadRow] = []
        for item in rows:
            if isinstance(item, BadRow):
                bad.append(item)
                if len(bad) >= limit:
                    self._quarantine(table, bad)
            elif len(item[1]) != width:
                reason = f"{len(item[1])} fields where the header has {width}"
                raw = "\t".join("" if v is None else v for v in item[1])
                bad.append(BadRow(item[0], reason, raw))
            else:
                good.append(item)
                if len(good) >= limit:
                    self._insert(table, good)
        self._insert(table, good)
        self._quarantine(table, bad)

    def _insert(self, table: TableLoad, good: list[tuple[Any, ...]]) -> None:
        if not good:
            return
        numbers = [number for number, _ in good]
        columns = list(zip(*(values for _, values in good), strict=True)) if table.columns else []
        arrays = [pa.array(col, type=pa.string()) for col in columns]
        if any(_longest(a) > MAX_CELL_BYTES for a in arrays):  # vectorised: costs nothing
            self._quarantine(table, _oversized(table, good))
            good[:] = [g for g in good if not _too_long(g[1])]
            if not good:
                return
            self._insert(table, good)
            return
        arrays.append(pa.array([self.load.digest] * len(good), type=pa.string()))
        arrays.append(pa.array(numbers, type=pa.int64()))
        self._append(table.name, pa.Table.from_arrays(arrays, names=[*table.columns, *_LIN]))
        table.rows += len(good)
        self.load.rows_stored += len(good)
        good.clear()

    def _quarantine(self, table: TableLoad, bad: list[BadRow]) -> None:
        if not bad:
            return
        batch = pa.table(
            {
                "_source": pa.array([self.load.digest] * len(bad), type=pa.string()),
                "source_table": pa.array([table.source_table] * len(bad), type=pa.string()),
                "_row": pa.array([b.number for b in bad], type=pa.int64()),
                "reason": pa.array([b.reason for b in bad], type=pa.string()),
                "raw": pa.array([b.raw for b in bad], type=pa.string()),
            }
        )
        self._append("_quarantine", batch)
        self.load.rows_quarantined += len(bad)
        bad.clear()

    def _append(self, name: str, batch: pa.Table) -> None:
        # from_arrow, not register(): a registered table stays alive until the transaction
        # ends, so a large file would pile up every batch in memory.
        self.con.from_arrow(batch).insert_into(quote_ident(name))

    def finish(self, size: int) -> None:
        """A single-table file keeps the plain base name; then write the catalog rows."""
        load = self.load
        if len(load.tables) == 1:
            table = load.tables[0]
            plain = unique_name(self.base, self.taken - {table.name})
            if plain != table.name:
                self.con.execute(
                    f"ALTER TABLE {quote_ident(table.name)} RENAME TO {quote_ident(plain)}"
                )
                table.name = plain
        for table in load.tables:
            table.keys = [k for d in table.declared if (k := self._resolve(table, d))]
            for key in table.keys:
                catalog.add_key(self.con, load.digest, key)
        for table in load.tables:
            catalog.add_table(
                self.con,
                table.name,
                load.digest,
                table.source_table,
                load.kind,
                load.controller,
                table.rows,
                table.columns,
            )
        record_file(self.con, load, size)

    def _resolve(self, table: TableLoad, key: DeclaredKey) -> catalog.KeyEntry | None:
        """A declared key in store names; None when it names a column the table lacks."""
        columns = _store_columns(table, key.columns)
        if columns is None:
            log.info("a key of %s names a column it does not have; ignored", table.name)
            return None
        if key.kind != "foreign":
            return catalog.KeyEntry(table.name, key.kind, columns, constraint_name=key.name)
        source = f"{key.ref_schema}.{key.ref_table}" if key.ref_schema else key.ref_table
        ref = self.by_source.get(source) or self.by_source.get(key.ref_table)
        ref_columns: list[str] | None = None
        if ref is not None:
            wanted = key.ref_columns or next(
                (d.columns for d in ref.declared if d.kind == "primary"), ()
            )
            ref_columns = _store_columns(ref, wanted) if wanted else None
        return catalog.KeyEntry(
            table.name,
            "foreign",
            columns,
            ref.name if ref is not None and ref_columns else None,
            ref_columns,
            key.name,
            source,
        )


def _store_columns(table: TableLoad, names: tuple[str, ...]) -> list[str] | None:
    """Store names of columns the file names (a renamed header keeps its position)."""
    try:
        return [table.columns[table.source_columns.index(n)] for n in names]
    except ValueError:
        return None


_LIN = ("_source", "_row")


def load_file(
    con: duckdb.DuckDBPyConnection,
    load: FileLoad,
    detected: Detected,
    base: str,
    on_bytes: ProgressCallback,
    size: int,
) -> None:
    """Read the file with its reader and store every table; the caller holds the transaction."""
    loader = _Loader(con, load, base)
    for source in detected.read(load.path, on_bytes):
        table = loader.table_for(source)
        loader.copy_rows(table, source.rows)
    loader.finish(size)


def record_file(con: duckdb.DuckDBPyConnection, load: FileLoad, size: int) -> None:
    """The `_files` catalog entry of a loaded file (tables and documents alike)."""
    catalog.add_file(
        con,
        catalog.FileEntry(
            load.digest,
            str(load.path.resolve()),
            load.path.name,
            load.format,
            size,
            load.kind,
            load.controller,
            load.rows_read,
            load.rows_stored,
            load.rows_quarantined,
        ),
    )


def _longest(array: pa.Array) -> int:
    import pyarrow.compute as pc

    longest = pc.max(pc.binary_length(array)).as_py()
    return int(longest or 0)


def _too_long(values: tuple[Any, ...]) -> bool:
    return any(v is not None and len(v) > MAX_CELL_BYTES // 4 and len(v.encode()) > MAX_CELL_BYTES
               for v in values)  # fmt: skip


def _oversized(table: TableLoad, good: list[tuple[Any, ...]]) -> list[BadRow]:
    bad = []
    for number, values in good:
        if _too_long(values):
            column, size = max(((c, len(v.encode())) for c, v in zip(table.columns, values,
                                strict=True) if v is not None), key=lambda cs: cs[1])  # fmt: skip
            reason = (f"a value of {size / (1 << 20):.0f} MiB in column {column!r} (over "
                      f"{MAX_CELL_BYTES >> 20} MiB): not a value vigie stores")  # fmt: skip
            raw = "\t".join("" if v is None else v[:RAW_KEPT] for v in values)[:RAW_KEPT]
            bad.append(BadRow(number, reason, raw))
    return bad
