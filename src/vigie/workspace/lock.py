"""Who holds a workspace: one small record per vigie process with the store open.

DuckDB itself decides who may open the store file (one writer, or several readers; a
reader cannot open it while a writer has it). When it refuses, its message names only the
holding process id; the record of that process (`WS/.locks/PID.json`: pid, verb, start,
mode) turns it into one vigie line: "workspace in use by vigie pid 1234 (ingest since
10:42); try again when it ends". Records hold no data values. A record left by a process
that died is never believed (its pid is checked) and is removed by the next process.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from vigie.errors import StoreError

LOCKS = ".locks"
_HOLDER_PID = re.compile(r"\(PID (\d+)\)")
# What this process is doing, set by the CLI for each verb (`set_activity`).
_activity: dict[str, Any] = {"verb": None, "since": None}
_held: dict[Path, list[bool]] = {}  # workspace -> read-only flags of the open connections


class WorkspaceBusy(StoreError):
    """Another process has the store open in a way that excludes this one."""


def set_activity(verb: str) -> None:
    """Name what this process does (the verb) and when it began, for its lock record."""
    _activity.update(verb=verb, since=datetime.now().astimezone().isoformat(timespec="seconds"))


def holder_pid(message: str) -> int | None:
    """The pid DuckDB names in its "Could not set lock" message, if it names one."""
    found = _HOLDER_PID.search(message)
    return int(found.group(1)) if found else None


@contextmanager
def holding(workspace: Path, *, read_only: bool) -> Iterator[None]:
    """Keep this process's record in `workspace` while the block has the store open."""
    flags = _held.setdefault(workspace, [])
    flags.append(read_only)
    with suppress(OSError):  # a workspace on read-only media: the store is still usable
        _write(workspace, reading=all(flags))
    try:
        yield
    finally:
        flags.pop()
        with suppress(OSError):
            if flags:
                _write(workspace, reading=all(flags))
            else:
                (workspace / LOCKS / f"{os.getpid()}.json").unlink(missing_ok=True)


def others_waiting(workspace: Path) -> bool:
    """Whether another live vigie process has its record here: a process writes it before
    opening the store, so while this one holds the store the other is waiting for it (the
    console lets the store go for it: vigie.console.store)."""
    try:
        names = os.listdir(workspace / LOCKS)
    except OSError:
        return False
    mine = f"{os.getpid()}.json"
    return any(
        name != mine and name.endswith(".json") and name[:-5].isdigit() and _alive(int(name[:-5]))
        for name in names
    )


def busy_error(workspace: Path, pid: int | None) -> WorkspaceBusy:
    """The one line for a store DuckDB refused to open because `pid` holds it."""
    record = _read(workspace, pid) if pid is not None else None
    if record is None:
        who = f"another process (pid {pid})" if pid is not None else "another process"
        return WorkspaceBusy(f"workspace {workspace} in use by {who}; try again when it ends")
    what = record.get("verb") or "vigie"
    if record.get("reading"):
        what += ", reading"
    since = _since(record.get("since"))
    return WorkspaceBusy(
        f"workspace {workspace} in use by vigie pid {pid} ({what}{since}); try again when it ends"
    )


def _write(workspace: Path, *, reading: bool) -> None:
    folder = workspace / LOCKS
    folder.mkdir(exist_ok=True)
    _remove_stale(folder)
    since = _activity["since"] or datetime.now().astimezone().isoformat(timespec="seconds")
    record = {"pid": os.getpid(), "verb": _activity["verb"], "since": since, "reading": reading}
    path = folder / f"{os.getpid()}.json"
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(record) + "\n", encoding="utf-8")
    os.replace(partial, path)  # a reader never sees half a record


def _read(workspace: Path, pid: int) -> dict[str, Any] | None:
    try:
        record = json.loads((workspace / LOCKS / f"{pid}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("pid") != pid or not _alive(pid):
        return None
    return record


def _remove_stale(folder: Path) -> None:
    for path in folder.glob("*.json"):
        if path.stem.isdigit() and not _alive(int(path.stem)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _since(stamp: Any) -> str:
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        return ""
    now = datetime.now(when.tzinfo)
    return f" since {when:%H:%M}" if when.date() == now.date() else f" since {when:%Y-%m-%d %H:%M}"
