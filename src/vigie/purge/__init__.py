"""`vigie purge`: end of the response — erase the working personal data, keep the record.

What goes: the store (every table: leak, registries, scan, link, notify, quarantine…),
everything under out/ but the breach register, DuckDB's spill folder, and the store's key
(crypto-shredding: with the key destroyed, no copy of the store can be read).
What stays: incident.yaml, workspace.json, the audit log, out/register/ (the Art. 33(5)
register, unless `keep_register=False`), and two plain files written there by the purge:
figures.json (the aggregate figures) and purge.json (what was erased, with digests, and
the audit head that replaces the one kept in the store).

The purge is restartable: its plan is written to purge.json before anything is erased,
and a re-run after an interruption finishes that same plan.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigie.errors import WorkspacePurged
from vigie.purge.figures import aggregate_figures, table_inventory
from vigie.purge.shred import file_digest, remove_empty_dirs, shred
from vigie.workspace import Workspace, audit, keys
from vigie.workspace.workspace import (
    AUDIT,
    FACTS,
    MANIFEST,
    PURGE_FILE,
    REGISTER_DIR,
    purge_state,
)

FIGURES_FILE = "figures.json"
_ALWAYS_KEPT = (MANIFEST, FACTS, AUDIT)


@dataclass(frozen=True)
class PurgePlan:
    """What a purge erases and keeps; the same plan whether dry or for real."""

    id: str
    keep_register: bool
    tables: dict[str, int]
    files: list[dict[str, Any]]
    kept: list[str]
    key: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "keep_register": self.keep_register,
            "tables": self.tables,
            "rows": sum(self.tables.values()),
            "files": self.files,
            "bytes": sum(f["size"] for f in self.files),
            "kept": self.kept,
            "key": self.key,
        }


def plan_purge(ws: Workspace, *, keep_register: bool = True) -> PurgePlan:
    """Inventory the store and the files; nothing is changed."""
    _refuse_if_done(ws)
    with ws.connect() as con:
        tables = table_inventory(con)
    erase, kept = _sort_files(ws, keep_register)
    files = [
        {"path": _rel(ws, p), "size": p.stat().st_size, "sha256": file_digest(p)} for p in erase
    ]
    return PurgePlan(
        id=uuid.uuid4().hex,
        keep_register=keep_register,
        tables=tables,
        files=files,
        kept=[_rel(ws, p) for p in kept],
        key=_key_description(ws),
    )


def purge_workspace(ws: Workspace, *, keep_register: bool = True) -> dict[str, Any]:
    """Erase the working personal data of `ws` and destroy its key; returns purge.json."""
    state = purge_state(ws)
    if state is None:
        plan = plan_purge(ws, keep_register=keep_register)
        with ws.connect() as con:
            figures = aggregate_figures(con)
        register = ws.out_dir / REGISTER_DIR
        register.mkdir(parents=True, exist_ok=True)
        _write_json(register / FIGURES_FILE, {"kind": "vigie aggregate figures", **figures})
        state = {"status": "erasing", "started_at": _now(), "plan": plan.as_dict()}
        # Written before the first erasure: a killed purge is finished from this plan.
        _write_json(register / PURGE_FILE, state)
    elif state.get("status") == "done":
        _refuse_if_done(ws)
    plan_doc = state["plan"]
    _erase(ws, plan_doc)
    head = _audit_once(ws, plan_doc)
    state = {**state, "status": "done", "finished_at": _now(), "audit_head": head}
    _write_json(ws.out_dir / REGISTER_DIR / PURGE_FILE, state)
    return state


def _sort_files(ws: Workspace, keep_register: bool) -> tuple[list[Path], list[Path]]:
    register = ws.out_dir / REGISTER_DIR
    always = {register / FIGURES_FILE, register / PURGE_FILE}
    erase: list[Path] = []
    kept: list[Path] = []
    for path in sorted(p for p in ws.path.rglob("*") if p.is_file() or p.is_symlink()):
        keep = (
            (path.parent == ws.path and path.name in _ALWAYS_KEPT)
            or path in always
            or (keep_register and register in path.parents)
        )
        (kept if keep else erase).append(path)
    return erase, kept


def _erase(ws: Workspace, plan: dict[str, Any]) -> None:
    for item in plan["files"]:
        shred(ws.path / item["path"])
    # Files that appeared since the plan (a DuckDB WAL replayed at the last open, spill
    # files) are personal working data too: anything not kept goes.
    erase, _ = _sort_files(ws, plan["keep_register"])
    for path in erase:
        shred(path)
    remove_empty_dirs(ws.path, keep={ws.out_dir, ws.out_dir / REGISTER_DIR})
    if plan["key"] == "file":
        shred(keys.key_path(ws.id))


def _audit_once(ws: Workspace, plan: dict[str, Any]) -> dict[str, Any]:
    """Append the purge's audit entry unless a killed run already did; return the head."""
    entries = audit.read_entries(ws.audit_path)
    last = entries[-1] if entries else {}
    if not (last.get("verb") == "purge" and last.get("params", {}).get("plan") == plan["id"]):
        manifest = "\n".join(f"{f['sha256']}  {f['size']}  {f['path']}" for f in plan["files"])
        audit.append(
            ws.audit_path,
            "purge",
            {"plan": plan["id"], "keep_register": plan["keep_register"]},
            {
                "tables": plan["tables"],
                "rows": plan["rows"],
                "files": len(plan["files"]),
                "bytes": plan["bytes"],
                # The full list (path, size, SHA-256) is in out/register/purge.json; this
                # digest of it ties that list to the chain.
                "files_manifest_sha256": hashlib.sha256(manifest.encode()).hexdigest(),
                "key": "destroyed" if plan["key"] == "file" else "VIGIE_KEY (not held by vigie)",
            },
        )
    lines = [line for line in ws.audit_path.read_text(encoding="utf-8").splitlines() if line]
    return {"seq": len(lines), "digest": audit.digest_line(lines[-1])}


def _refuse_if_done(ws: Workspace) -> None:
    state = purge_state(ws)
    if state is not None and state.get("status") == "done":
        raise WorkspacePurged(
            f"{ws.path}: already purged on {state.get('finished_at', '?')}; "
            f"nothing left to erase (see out/{REGISTER_DIR}/{PURGE_FILE})"
        )


def _key_description(ws: Workspace) -> str:
    # A key given in VIGIE_KEY lives wherever the user keeps it: vigie cannot destroy it.
    return "env" if os.environ.get(keys.KEY_ENV) else "file"


def _rel(ws: Workspace, path: Path) -> str:
    return path.relative_to(ws.path).as_posix()


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
