"""An incident workspace: facts, encrypted store, outputs and the audit log."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import StoreError, WorkspacePurged
from vigie.workspace import audit, keys, lock
from vigie.workspace.facts import TEMPLATE, load_facts
from vigie.workspace.store import STORE_FILE, attach, connect, open_engine, transaction

MANIFEST = "workspace.json"
FACTS = "incident.yaml"
AUDIT = "audit.jsonl"
OUT = "out"
REGISTER_DIR = "register"  # out/register: the breach register, kept by purge
PURGE_FILE = "purge.json"  # out/register/purge.json: written by purge, plain JSON

_RUNS_DDL = """
CREATE TABLE IF NOT EXISTS _runs (
    seq BIGINT, verb VARCHAR, started_at TIMESTAMPTZ, duration_s DOUBLE,
    params JSON, counts JSON)
"""
_AUDIT_HEAD_DDL = "CREATE TABLE IF NOT EXISTS _audit_head (seq BIGINT, digest VARCHAR)"


@dataclass(frozen=True)
class Workspace:
    path: Path
    id: str

    @property
    def store_path(self) -> Path:
        return self.path / STORE_FILE

    @property
    def facts_path(self) -> Path:
        return self.path / FACTS

    @property
    def audit_path(self) -> Path:
        return self.path / AUDIT

    @property
    def out_dir(self) -> Path:
        return self.path / OUT

    @classmethod
    def create(cls, path: Path, facts: Path | None = None) -> Workspace:
        """Make a new workspace; its key goes to the user's config dir (or VIGIE_KEY)."""
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            raise StoreError(f"{path}: already exists and is not empty")
        facts_text = TEMPLATE
        if facts is not None:
            load_facts(facts)  # validate before creating anything
            facts_text = Path(facts).read_text(encoding="utf-8")
        path.mkdir(parents=True, exist_ok=True)
        try:
            ws = cls(path=path, id=uuid.uuid4().hex)
            key = keys.create_key(ws.id)
            (path / OUT).mkdir()
            ws.facts_path.write_text(facts_text, encoding="utf-8")
            manifest = {"id": ws.id, "created_at": _now(), "format": 1}
            (path / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            ws.audit_path.touch()
            con = connect(ws.store_path, key)
            try:
                con.execute(_RUNS_DDL)
                con.execute(_AUDIT_HEAD_DDL)
                con.execute("CHECKPOINT")
            finally:
                con.close()
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        ws.record("init", {"facts_given": facts is not None}, {})
        return ws

    @classmethod
    def open(cls, path: Path) -> Workspace:
        path = Path(path)
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            raise StoreError(f"{path}: not a vigie workspace (no {MANIFEST}); run `vigie init`")
        try:
            manifest = json.loads(manifest_path.read_text())
            return cls(path=path, id=str(manifest["id"]))
        except (json.JSONDecodeError, KeyError):
            raise StoreError(f"{manifest_path}: damaged workspace manifest") from None

    def facts(self) -> dict[str, Any]:
        return load_facts(self.facts_path)

    @contextmanager
    def connect(
        self, *, read_only: bool = False, wait: float = 0.0
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """The store, read-write (one process at a time) or read-only (several together);
        lock.WorkspaceBusy when another process holds it (after trying for `wait` seconds:
        the console holds the store a few milliseconds per request)."""
        _refuse_if_purged(self)
        key = keys.load_key(self.id)
        # the record first: a process DuckDB turns away finds it as soon as the file is ours
        with lock.holding(self.path, read_only=read_only):
            con = open_engine(self.path / ".tmp")
            try:
                attach(con, self.store_path, key, read_only=read_only, wait=wait)
            except BaseException:
                con.close()
                raise
            try:
                yield con
            finally:
                con.close()

    def record(
        self,
        verb: str,
        params: dict[str, Any],
        counts: dict[str, Any],
        *,
        started: float | None = None,
        con: duckdb.DuckDBPyConnection | None = None,
    ) -> None:
        """Log a change of the workspace: audit entry, run row, and the audit head."""
        head = audit.append(self.audit_path, verb, params, counts)
        duration = time.monotonic() - started if started is not None else 0.0
        if con is None:
            with self.connect() as own:
                self._record_in_store(own, head, verb, params, counts, duration)
        else:
            self._record_in_store(con, head, verb, params, counts, duration)

    def note(self, verb: str, params: dict[str, Any], con: duckdb.DuckDBPyConnection) -> None:
        """A light audit entry, not a run (the console's "view": who saw which person, on
        which page): appended to the chain, its head kept in the store, no `_runs` row."""
        head = audit.append(self.audit_path, verb, params)
        # one statement (its own transaction): a view is appended per console page
        moved = con.execute(
            "UPDATE _audit_head SET seq = ?, digest = ?", [head.seq, head.digest]
        ).fetchall()
        if not moved or not moved[0][0]:
            with transaction(con):
                _move_head(con, head)

    @staticmethod
    def _record_in_store(
        con: duckdb.DuckDBPyConnection,
        head: audit.AuditHead,
        verb: str,
        params: dict[str, Any],
        counts: dict[str, Any],
        duration: float,
    ) -> None:
        with transaction(con):
            con.execute(
                "INSERT INTO _runs VALUES (?, ?, now(), ?, ?, ?)",
                [
                    head.seq,
                    verb,
                    duration,
                    json.dumps(params, default=str),
                    json.dumps(counts, default=str),
                ],
            )
            _move_head(con, head)

    def audit_head(self, con: duckdb.DuckDBPyConnection | None = None) -> audit.AuditHead | None:
        """The last entry the store acknowledged (read from `con` when the store is open)."""
        if con is None:
            with self.connect(read_only=True) as own:
                return self.audit_head(own)
        rows = con.execute("SELECT seq, digest FROM _audit_head").fetchall()
        return audit.AuditHead(seq=rows[0][0], digest=rows[0][1]) if rows else None

    def verify_audit(
        self, *, with_store: bool = True, con: duckdb.DuckDBPyConnection | None = None
    ) -> int:
        """Check the chain, and its end against the head kept in the store (read from
        `con` when the caller has the store open: the console).

        After a purge the store is gone: the head is the one purge wrote to purge.json
        (plain, so it guards against a truncated log only as well as that file is kept).
        """
        state = purge_state(self)
        if state is not None:
            saved = state.get("audit_head")
            head = audit.AuditHead(saved["seq"], saved["digest"]) if saved else None
            return audit.verify(self.audit_path, head)
        head = self.audit_head(con) if with_store else None
        return audit.verify(self.audit_path, head)


def purge_state(ws: Workspace) -> dict[str, Any] | None:
    """purge.json when a purge started (status "erasing") or ended ("done"), else None."""
    path = ws.out_dir / REGISTER_DIR / PURGE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except json.JSONDecodeError:
        raise StoreError(f"{path}: damaged purge record") from None
    return state if isinstance(state, dict) else None


def _move_head(con: duckdb.DuckDBPyConnection, head: audit.AuditHead) -> None:
    con.execute("DELETE FROM _audit_head")
    con.execute("INSERT INTO _audit_head VALUES (?, ?)", [head.seq, head.digest])


def _refuse_if_purged(ws: Workspace) -> None:
    state = purge_state(ws)
    if state is None:
        return
    if state.get("status") == "done":
        raise WorkspacePurged(
            f"{ws.path}: this workspace was purged on {state.get('finished_at', '?')}: its "
            f"store and key were destroyed; the register, figures and audit log remain "
            f"(out/{REGISTER_DIR}/)"
        )
    raise WorkspacePurged(
        f"{ws.path}: a purge started on {state.get('started_at', '?')} did not finish; "
        f"run `vigie purge {ws.path} --yes` again to complete it"
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
