"""Kill a real `vigie` command with SIGKILL at a random moment, re-run it, compare.

The pipeline is built once, stage by stage through the CLI, in one fixed folder (store
rows hold absolute paths, so every run happens at the same path); the workspace is
snapshotted before and after each stage with the uninterrupted run's duration and state.
A kill point restores the "before" snapshot, starts the stage, kills it after a seeded
random delay in [0, duration), re-runs it to the end, and compares with the "after" state.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from vigie.workspace import Workspace, quote_ident, table_names
from vigie.workspace.workspace import purge_state

NOW = "2021-02-24T09:00:00+01:00"
LETTER_DATE = "2021-02-25"
CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")

# Tables that log runs, not results: a killed run legitimately adds rows.
_RUN_TABLES = {"_runs", "_audit_head"}
# Columns drawn at random on each run (verification codes, their secret): counted only.
# The portal's code hashes, salt and keys are drawn at random the same way.
_RANDOM_COLUMNS = {
    "notify_codes": {"code_hash"},
    "notify_secret": {"secret"},
    "portal_codes": {"portal_hash"},
    "portal_params": {"salt"},
    "portal_keys": {"private"},
}
# Files whose content holds a run's clock or its random codes: their presence is compared.
_VOLATILE = re.compile(r"^out/notify/(issue-\d+/(letters|email)/|issue-\d+/sms\.csv|filings/)")
_NOT_COMPARED = re.compile(r"^(store\.duckdb|\.tmp/|audit\.jsonl$)")


@dataclass
class Stage:
    name: str
    before: str
    argv: Callable[[Pipeline], list[str]]
    verb: str = ""  # its audit verb, when not its name

    @property
    def audit_verb(self) -> str:
        return self.verb or self.name


@dataclass
class Pipeline:
    """The fixed run folder, the snapshots, each stage's duration and reference state."""

    root: Path
    incident: Path
    key_dir: Path
    durations: dict[str, float] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ws(self) -> Path:
        return self.root / "run" / "workspace"

    def env(self) -> dict[str, str]:
        env = {**os.environ, "VIGIE_KEY_DIR": str(self.key_dir)}
        env.pop("VIGIE_KEY", None)
        return env

    def snapshot(self, name: str) -> None:
        shutil.copytree(self.ws, self.root / "snap" / name)
        key = next(self.key_dir.glob("*.key"), None)
        if key is not None and not (self.root / "snap" / "key").exists():
            shutil.copy2(key, self.root / "snap" / "key")

    def restore(self, name: str) -> None:
        shutil.rmtree(self.ws, ignore_errors=True)
        shutil.copytree(self.root / "snap" / name, self.ws)
        ws_id = Workspace.open(self.ws).id
        shutil.copy2(self.root / "snap" / "key", self.key_dir / f"{ws_id}.key")


def command(p: Pipeline, argv: list[str]) -> list[str]:
    return [sys.executable, "-m", "vigie", "-q", *argv]


def run(p: Pipeline, argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(p, argv), env=p.env(), capture_output=True, text=True, timeout=600
    )


def run_killed(p: Pipeline, argv: list[str], delay: float) -> bool:
    """Start the command, SIGKILL it after `delay` s; False if it ended before that."""
    proc = subprocess.Popen(
        command(p, argv), env=p.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def kill_delays(stage: str, duration: float, points: int, seed: int = 12) -> list[float]:
    rng = random.Random(f"{seed}-{stage}")
    return sorted(rng.uniform(0.0, duration) for _ in range(points))


def state_of(p: Pipeline) -> dict[str, Any]:
    """Row counts and content digests of every store table, and out/ files."""
    ws = Workspace.open(p.ws)
    state: dict[str, Any] = {"files": _files(p.ws), "purged": purge_state(ws) is not None}
    if not state["purged"]:
        with ws.connect() as con:
            state["tables"] = {t: _table(con, t) for t in table_names(con) if t not in _RUN_TABLES}
    else:
        figures = p.ws / "out" / "register" / "figures.json"
        state["figures"] = json.loads(figures.read_text(encoding="utf-8"))
        plan = json.loads((figures.parent / "purge.json").read_text(encoding="utf-8"))["plan"]
        state["purged_tables"] = plan["tables"]
    return state


def _table(con: duckdb.DuckDBPyConnection, name: str) -> tuple[int, str]:
    described = con.execute(f"DESCRIBE {quote_ident(name)}").fetchall()
    skip = _RANDOM_COLUMNS.get(name, set())
    # Timestamps with a zone are run clocks (created_at, ingested_at, recorded_at…).
    cols = [r[0] for r in described if r[0] not in skip and "TIME ZONE" not in r[1]]
    if not cols:
        rows = con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchall()
        return int(rows[0][0]), ""
    select = ", ".join(quote_ident(c) for c in cols)
    rows = con.execute(f"SELECT {select} FROM {quote_ident(name)}").fetchall()
    lines = sorted(repr(r) for r in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _files(ws: Path) -> dict[str, str]:
    found = {}
    for path in sorted(p for p in ws.rglob("*") if p.is_file()):
        rel = path.relative_to(ws).as_posix()
        if _NOT_COMPARED.match(rel):
            continue
        if _VOLATILE.match(rel) or rel.startswith("out/register/purge.json"):
            found[rel] = "present"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def audited_verbs(p: Pipeline, after: str) -> list[str]:
    """Verbs of the audit entries added since the snapshot `after` was taken."""
    done = len((p.root / "snap" / after / "audit.jsonl").read_text().splitlines())
    lines = p.ws.joinpath("audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["verb"] for line in lines[done:]]


def codes_in_out(ws: Path) -> set[str]:
    """Verification codes printed in the e-mails and SMS of out/notify."""
    found: set[str] = set()
    for path in list(ws.glob("out/notify/issue-*/sms.csv")) + list(ws.glob("out/notify/*/email/*")):
        found |= set(CODE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def valid_codes(p: Pipeline, candidates: set[str]) -> set[str]:
    from vigie.notify.codes import verify

    ws = Workspace.open(p.ws)
    with ws.connect() as con:
        return {c for c in candidates if verify(con, c) is not None}


def letters_once(p: Pipeline) -> bool:
    """No person has two letters in one issue."""
    with Workspace.open(p.ws).connect() as con:
        rows = con.execute(
            "SELECT count(*) FROM (SELECT issue, person_id FROM notify_letters "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()
    return int(rows[0][0]) == 0


def timed(p: Pipeline, argv: list[str]) -> float:
    started = time.monotonic()
    done = run(p, argv)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.monotonic() - started


def differences(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Names of the tables, files and figures that differ (never their values)."""
    found = []
    for part in sorted(set(got) | set(want)):
        a, b = got.get(part), want.get(part)
        if isinstance(a, dict) and isinstance(b, dict):
            found += [
                f"{part}:{k}:{a.get(k, 'absent')!s:.24}!={b.get(k, 'absent')!s:.24}"
                for k in sorted(set(a) | set(b))
                if a.get(k) != b.get(k)
            ]
        elif a != b:
            found.append(part)
    return found
