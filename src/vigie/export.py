"""Export any store table to CSV, JSON lines or Parquet, values exactly as stored.

CSV convention (the one ingest reads back): NULL is an empty unquoted field, the empty
string is a quoted empty field (""); fields holding the delimiter, a quote, CR or LF are
quoted with doubled quotes. UTF-8 without BOM, LF line ends between records.
The output is created 0600, written beside its final place and moved there at the end.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import duckdb

from vigie.errors import InputError
from vigie.spreadsheet import csv_bytes
from vigie.workspace import Workspace, quote_ident, table_names

FORMATS = ("csv", "jsonl", "parquet")
BATCH_ROWS = 50_000
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')
_JSON_NATIVE = {
    "VARCHAR",
    "BIGINT",
    "INTEGER",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "USMALLINT",
    "UTINYINT",
    "DOUBLE",
    "FLOAT",
    "BOOLEAN",
}


@dataclass(frozen=True)
class Exported:
    table: str
    format: str
    path: Path
    rows: int
    columns: list[str]


def list_tables(ws: Workspace) -> list[tuple[str, int]]:
    """Every table and view in the store with its row count."""
    with ws.connect(read_only=True) as con:
        return [(name, _count(con, name)) for name in table_names(con)]


def export_table(
    ws: Workspace,
    table: str,
    fmt: str,
    output: Path,
    *,
    overwrite: bool = False,
    spreadsheet_safe: bool = False,
) -> Exported:
    """Write `table` to `output` in `fmt`; refuses to replace a file unless `overwrite`.
    `spreadsheet_safe` (CSV): no cell runs as a formula (vigie.spreadsheet); else exact."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    output = Path(output)
    if output.is_dir():
        raise InputError("is a directory; give a file name", path=output)
    if output.exists() and not overwrite:
        raise InputError("already exists; choose another name or use --force", path=output)
    if not output.parent.is_dir():
        raise InputError("the folder to write into does not exist", path=output.parent)
    with ws.connect() as con:
        name = _resolve(con, table)
        columns = _columns(con, name)
        writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
        if fmt == "csv" and spreadsheet_safe:
            writer = _write_safe_csv

        def account(rows: int) -> None:
            # Personal data leaving the encrypted store is accounted for before the file
            # appears: a run killed in between leaves an entry, never an unaudited file.
            ws.record(
                "export",
                {"table": name, "format": fmt, "output": str(output), "safe": spreadsheet_safe},
                {"rows": rows},
                con=con,
            )

        rows = _write_private(
            output, lambda handle: writer(con, name, columns, handle), before_place=account
        )
    return Exported(name, fmt, output, rows, [c for c, _ in columns])


def _resolve(con: duckdb.DuckDBPyConnection, table: str) -> str:
    names = table_names(con)
    if table in names:
        return table
    folded = [n for n in names if n.lower() == table.lower()]
    if folded:
        return folded[0]
    raise InputError(f"no table {table!r} in the store; tables: {', '.join(names) or 'none'}")


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {quote_ident(name)}").fetchall()
    return [(r[0], str(r[1])) for r in rows]


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchall()[0][0])


def _write_private(output: Path, write: Any, before_place: Any = None) -> int:
    """Write through a 0600 temporary file beside `output`, then move it into place
    (`before_place(rows)` runs just before the move)."""
    for stale in output.parent.glob(f".{output.name}.*.partial"):
        stale.unlink(missing_ok=True)  # left by an export killed mid-way (personal data)
    partial = output.with_name(f".{output.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask, and if a stale partial was there
        with os.fdopen(fd, "wb") as handle:
            rows: int = write(handle)
        if before_place is not None:
            before_place(rows)
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return rows


def _batches(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[Any]:
    reader = con.execute(sql).to_arrow_reader(BATCH_ROWS)
    yield from reader


def _select(name: str, columns: list[tuple[str, str]], as_text: set[str] | None) -> str:
    parts = []
    for column, kind in columns:
        ident = quote_ident(column)
        if as_text is None or kind in as_text:
            parts.append(ident)
        else:
            parts.append(f"CAST({ident} AS VARCHAR) AS {ident}")
    return f"SELECT {', '.join(parts) or '*'} FROM {quote_ident(name)}"


def csv_field(value: str | None) -> str:
    """One CSV field: NULL unquoted-empty, "" quoted, special characters quoted."""
    if value is None:
        return ""
    if value == "" or _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _write_csv(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[str, str]], handle: BinaryIO
) -> int:
    header = ",".join(csv_field(c) if c else '""' for c, _ in columns)
    handle.write((header + "\n").encode("utf-8"))
    rows = 0
    for batch in _batches(con, _select(name, columns, {"VARCHAR"})):
        texts = [column.to_pylist() for column in batch.columns]
        # In a one-column table a NULL is a blank line: ingest reads that back as NULL.
        lines = [",".join(map(csv_field, values)) for values in zip(*texts, strict=True)]
        handle.write(("\n".join(lines) + "\n").encode("utf-8") if lines else b"")
        rows += len(lines)
    return rows


def _write_safe_csv(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[str, str]], handle: BinaryIO
) -> int:
    handle.write(csv_bytes([c for c, _ in columns], []))
    rows = 0
    for batch in _batches(con, _select(name, columns, {"VARCHAR"})):
        texts = [column.to_pylist() for column in batch.columns]
        values = list(zip(*texts, strict=True))
        handle.write(csv_bytes(None, values))
        rows += len(values)
    return rows


def _write_jsonl(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[str, str]], handle: BinaryIO
) -> int:
    names = [c for c, _ in columns]
    rows = 0
    for batch in _batches(con, _select(name, columns, _JSON_NATIVE)):
        texts = [column.to_pylist() for column in batch.columns]
        for values in zip(*texts, strict=True):
            line = json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False)
            handle.write(line.encode("utf-8") + b"\n")
            rows += 1
    return rows


def _write_parquet(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[str, str]], handle: BinaryIO
) -> int:
    import pyarrow.parquet as pq

    reader = con.execute(_select(name, columns, None)).to_arrow_reader(BATCH_ROWS)
    rows = 0
    with pq.ParquetWriter(handle, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows
