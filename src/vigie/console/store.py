"""The store as the console holds it: DuckDB loaded once, the store attached per request.

Attaching takes about a millisecond where loading DuckDB's crypto takes ~150 ms; between
two requests the store is detached, so `vigie users disable` (and any other verb) can
open it. Requests take turns (one DuckDB connection); a verb holding the store for long
(`vigie link`) makes the console answer "busy" until it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from vigie.console.accounts import ensure_tables
from vigie.workspace import Workspace, keys, lock
from vigie.workspace.store import attach, detach, open_engine
from vigie.workspace.workspace import purge_state


class ConsoleStore:
    def __init__(self, ws: Workspace, *, wait: float = 3.0) -> None:
        self.ws = ws
        self.wait = wait
        self.key = keys.load_key(ws.id)
        self.engine = open_engine(ws.path / ".tmp")
        self.turn = threading.Lock()
        self.kept: dict[Any, Any] = {}  # figures the data layer keeps between requests
        with self.open() as con:
            ensure_tables(con)

    @contextmanager
    def open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The store, read-write, for one request; lock.WorkspaceBusy after `wait` seconds."""
        with self.turn:
            if purge_state(self.ws) is not None:
                raise lock.WorkspaceBusy(f"{self.ws.path}: purged or being purged")
            attach(self.engine, self.ws.store_path, self.key, wait=self.wait)
            try:
                yield self.engine
            finally:
                detach(self.engine)

    def close(self) -> None:
        self.engine.close()
