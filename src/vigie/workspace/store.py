"""The encrypted DuckDB store of a workspace.

DuckDB encrypts a database file only with the OpenSSL crypto of its httpfs extension
loaded. The extension binary ships in the `duckdb-extension-httpfs` package; we load it
from there (signature check left on) so nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import ConfigError, KeyMissingError, StoreError
from vigie.workspace import lock

log = logging.getLogger(__name__)

STORE_FILE = "store.duckdb"
ALIAS = "store"
MEMORY_ENV = "VIGIE_MEMORY"
DEFAULT_MEMORY = "4GB"


def _httpfs_extension() -> Path:
    spec = importlib.util.find_spec("duckdb_extension_httpfs")
    if spec is None or not spec.submodule_search_locations:
        raise StoreError(
            "the duckdb-extension-httpfs package is missing; it is needed to encrypt the "
            "store (pip install 'duckdb-extension-httpfs==1.5.5')"
        )
    base = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(base.glob("extensions/*/httpfs.duckdb_extension"))
    if not found:
        raise StoreError(f"no httpfs extension binary under {base}")
    return found[-1]


def open_engine(temp_dir: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB with the httpfs crypto loaded and vigie's settings, no store attached yet.

    Loading the extension is most of the cost of opening a store (~150 ms); a long-lived
    process (the console) keeps one engine and attaches the store when it needs it.
    """
    ext_dir = temp_dir / "extensions"
    ext_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={
            "extension_directory": str(ext_dir),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
    )
    try:
        con.execute(f"LOAD '{_httpfs_extension()}'")
        con.execute(f"SET temp_directory = '{temp_dir}'")
        # Spilled intermediate results hold personal data too.
        con.execute("SET temp_file_encryption = true")
        # A missing table must be an error, never a Python variable of the same name.
        con.execute("SET python_enable_replacements = false")
        # stdout carries --json documents: DuckDB must never draw its own progress bar there.
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"cannot prepare DuckDB for the store: {_first_line(exc)}") from None
    try:
        set_memory_limit(con)
    except ConfigError:
        con.close()
        raise
    return con


def set_memory_limit(
    con: duckdb.DuckDBPyConnection, env: str = MEMORY_ENV, default: str = DEFAULT_MEMORY
) -> str:
    """DuckDB's memory for a stage, from `env`: VIGIE_MEMORY, 4 GB by default, for every
    stage (scan and link set their own after it). Without a limit DuckDB takes up to 80 %
    of the machine and keeps every block it has read: the report's peak grew with the
    incident (1.3 GB at 500,000 persons, 4.3 GB at 2,000,000). Beyond the limit DuckDB
    spills, encrypted; what it cannot spill (the letters' list of elements for 2,000,000
    persons needs more than 2 GB) ends in a one-line error naming VIGIE_MEMORY (cli.main).
    Returns the limit set."""
    limit = os.environ.get(env, default)
    try:
        con.execute(f"SET memory_limit = '{_quote(limit)}'")
    except duckdb.Error:
        raise ConfigError(f"{env}: not a memory size: {limit[:20]!r}") from None
    return limit


def attach(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    key: str,
    *,
    read_only: bool = False,
    wait: float = 0.0,
) -> None:
    """Attach the store at `path` to an engine and make it the default (~1 ms).

    A store held by another process raises lock.WorkspaceBusy (after trying again for
    `wait` seconds), a wrong key KeyMissingError.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            _attach(con, path, key, read_only)
            return
        except lock.WorkspaceBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


class _WalToReplay(Exception):
    """A read-only open found a WAL to replay (see _attach)."""


def _attach(con: duckdb.DuckDBPyConnection, path: Path, key: str, read_only: bool) -> None:
    try:
        _attach_as(con, path, key, read_only)
    except _WalToReplay:
        # A writer killed before its checkpoint (SIGKILL, power cut) leaves its last
        # commits in the WAL, which a read-only open cannot replay into the file: the next
        # writer would replay them; open read-write once to do so, then as asked.
        _attach_as(con, path, key, read_only=False)
        detach(con)
        _attach_as(con, path, key, read_only=True)


def _attach_as(con: duckdb.DuckDBPyConnection, path: Path, key: str, read_only: bool) -> None:
    try:
        mode = ", READ_ONLY" if read_only else ""
        con.execute(f"ATTACH '{path}' AS {ALIAS} (ENCRYPTION_KEY '{_quote(key)}'{mode})")
        con.execute(f"USE {ALIAS}")
    except duckdb.InvalidInputException as exc:
        if "encryption key" in str(exc).lower():
            raise KeyMissingError(f"{path}: wrong key for this store") from None
        raise StoreError(f"{path}: cannot open the store: {_first_line(exc)}") from None
    except duckdb.Error as exc:
        if "could not set lock" in str(exc).lower():
            raise lock.busy_error(path.parent, lock.holder_pid(str(exc))) from None
        if read_only and "replaying wal" in str(exc).lower():
            raise _WalToReplay from None
        raise StoreError(f"{path}: cannot open the store: {_first_line(exc)}") from None


def detach(con: duckdb.DuckDBPyConnection) -> None:
    """Release the store (and its file lock); the engine stays ready for the next attach."""
    con.execute("USE memory")
    con.execute(f"DETACH {ALIAS}")


def connect(
    path: Path, key: str, *, temp_dir: Path | None = None, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the encrypted store at `path` and make it the default.

    Read-only, several processes may have it open together (DuckDB allows many readers
    or one writer); a store held by another process raises lock.WorkspaceBusy.
    """
    con = open_engine(temp_dir or path.parent / ".tmp")
    try:
        attach(con, path, key, read_only=read_only)
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure rolls back, leaving the store as it was."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_catalog = ? AND table_name = ?",
        [ALIAS, name],
    ).fetchall()
    return bool(rows)


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? "
        "ORDER BY table_name",
        [ALIAS],
    ).fetchall()
    return [r[0] for r in rows]


def column_names(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """A store table's columns, in order (empty when the table does not exist)."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_name = ? ORDER BY ordinal_position",
        [ALIAS, name],
    ).fetchall()
    return [r[0] for r in rows]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def _quote(value: str) -> str:
    return value.replace("'", "''")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
