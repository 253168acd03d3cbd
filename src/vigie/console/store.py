"""The store as the console holds it: DuckDB loaded once, the store attached for requests.

Attaching takes about a millisecond where loading DuckDB's crypto takes ~150 ms; when no
request comes the store is detached, so `vigie users disable` (and any other verb) can
open it. Requests take turns (one DuckDB connection); a verb holding the store for long
(`vigie link`) makes the console answer "busy" until it ends.

`vigie console` keeps the store attached for `linger` seconds after a request: a fresh
attach starts with nothing read and its detach checkpoints, which at 500,000 persons was
half of a call-centre lookup's time. The store is let go after `linger` idle seconds, and
at once, for RELEASE_GAP seconds, when another vigie process has written its lock record
(it does so before it tries to open the store; verbs try for 5 s): a verb gets in between
the requests of a busy call centre.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from vigie.console.accounts import ensure_tables
from vigie.workspace import Workspace, keys, lock
from vigie.workspace.store import attach, detach, open_engine
from vigie.workspace.workspace import purge_state

LINGER = 0.5  # seconds: `vigie console`'s default
RELEASE_GAP = 0.2


class ConsoleStore:
    def __init__(self, ws: Workspace, *, wait: float = 3.0, linger: float = 0.0) -> None:
        self.ws = ws
        self.wait = wait
        self.linger = linger
        self.key = keys.load_key(ws.id)
        self.engine = open_engine(ws.path / ".tmp")
        self.turn = threading.Lock()
        self.kept: dict[Any, Any] = {}  # figures the data layer keeps between requests
        self._attached = False
        self._last_used = 0.0
        self._reattach_after = 0.0  # monotonic time before which a waiting verb goes first
        self._closed = False
        self._release = threading.Condition(self.turn)
        if linger > 0:
            threading.Thread(target=self._release_when_idle, daemon=True,
                             name="console-store-release").start()  # fmt: skip
        with self.open() as con:
            ensure_tables(con)

    @contextmanager
    def open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The store, read-write, for one request; lock.WorkspaceBusy after `wait` seconds."""
        with self.turn:
            while not self._attached and time.monotonic() < self._reattach_after:
                # the turn is let go while waiting: the verb takes the store meanwhile
                self._release.wait(self._reattach_after - time.monotonic())
            if purge_state(self.ws) is not None:
                self._detach()
                raise lock.WorkspaceBusy(f"{self.ws.path}: purged or being purged")
            if not self._attached:
                attach(self.engine, self.ws.store_path, self.key, wait=self.wait)
                self._attached = True
            try:
                yield self.engine
            except BaseException:
                self._detach()  # whatever the request left half-done goes with the attach
                raise
            finally:
                self._last_used = time.monotonic()
                if self.linger <= 0:
                    self._detach()
                elif lock.others_waiting(self.ws.path):
                    self._detach()
                    self._reattach_after = self._last_used + RELEASE_GAP
                else:
                    self._release.notify_all()

    def _detach(self) -> None:
        if self._attached:
            self._attached = False
            detach(self.engine)

    def _release_when_idle(self) -> None:
        with self.turn:
            while not self._closed:
                if not self._attached:
                    self._release.wait()
                    continue
                idle = time.monotonic() - self._last_used
                if idle >= self.linger:
                    self._detach()
                else:
                    self._release.wait(self.linger - idle)

    def close(self) -> None:
        with self.turn:
            self._closed = True
            self._detach()
            self._release.notify_all()
        self.engine.close()
