"""Two processes on one workspace: one vigie line instead of DuckDB's lock error, and
readers together.

The first process is a real child holding the store through `Workspace.connect`, the
path every verb takes, until the test closes its stdin (no sleep decides the outcome);
the second is the real `vigie` command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.cli.runner import Run, assert_one_line_error, vigie

from vigie.errors import StoreError
from vigie.workspace import Workspace, lock

_HOLD = """
import sys
from pathlib import Path
from vigie.workspace import Workspace, lock
lock.set_activity(sys.argv[2])
with Workspace.open(Path(sys.argv[1])).connect(read_only=sys.argv[3] == "ro"):
    print("ready", flush=True)
    sys.stdin.read()
"""


@contextmanager
def holding(ws: Workspace, verb: str, *, read_only: bool) -> Iterator[subprocess.Popen[str]]:
    """A child process with the store open until the block ends."""
    mode = "ro" if read_only else "rw"
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(ws.path), verb, mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        yield child
    finally:
        if child.stdin:
            child.stdin.close()
        child.wait(timeout=60)


@pytest.fixture
def leak(tmp_path: Path) -> Path:
    path = tmp_path / "leak.csv"
    path.write_text("nom;ville\nA;Rennes\nB;Vannes\n", encoding="utf-8")
    return path


def _assert_busy(run: Run, pid: int, what: str) -> None:
    assert_one_line_error(run)
    assert run.code == StoreError.exit_code
    assert f"in use by vigie pid {pid} ({what} since " in run.stderr, run.stderr
    assert run.stderr.rstrip().endswith("try again when it ends")


def test_a_second_writer_is_told_who_holds_the_workspace(workspace: Workspace, leak) -> None:
    with holding(workspace, "ingest", read_only=False) as child:
        run = vigie("ingest", str(workspace.path), str(leak))
    _assert_busy(run, child.pid, "ingest")
    assert vigie("ingest", str(workspace.path), str(leak)).code == 0  # free again


def test_a_reader_while_a_writer_works_gets_the_same_line(workspace: Workspace) -> None:
    with holding(workspace, "link", read_only=False) as child:
        run = vigie("audit", "verify", str(workspace.path))
    _assert_busy(run, child.pid, "link")


def test_readers_run_together_and_a_writer_waits_for_them(workspace: Workspace, leak) -> None:
    with holding(workspace, "export --list", read_only=True) as child:
        ws = str(workspace.path)
        for args in (["audit", "verify", ws], ["export", ws, "--list"], ["review", ws, "--list"]):
            run = vigie(*args)
            assert run.code == 0, (args, run.stderr)
        writer = vigie("ingest", str(workspace.path), str(leak))
    _assert_busy(writer, child.pid, "export --list, reading")


def test_a_verb_leaves_no_record_behind(workspace: Workspace) -> None:
    assert vigie("audit", "verify", str(workspace.path)).code == 0
    assert list((workspace.path / lock.LOCKS).glob("*.json")) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_record_of_a_dead_process_is_not_believed_and_is_removed(workspace: Workspace) -> None:
    folder = workspace.path / lock.LOCKS
    folder.mkdir(exist_ok=True)
    pid = _dead_pid()
    stale = folder / f"{pid}.json"
    stale.write_text(json.dumps({"pid": pid, "verb": "ingest", "since": "2021-02-23T09:00"}))
    assert "another process" in str(lock.busy_error(workspace.path, pid))
    assert "vigie pid" not in str(lock.busy_error(workspace.path, pid))
    assert vigie("export", str(workspace.path), "--list").code == 0
    assert not stale.exists()


@pytest.mark.parametrize(
    ("message", "pid"),
    [
        (
            'IO Error: Could not set lock on file "s.duckdb": Conflicting lock is held in '
            "/usr/bin/python3.11 (PID 18856). See also https://duckdb.org/docs",
            18856,
        ),
        ("IO Error: Could not set lock on file", None),
    ],
)
def test_holder_pid_from_duckdbs_message(message: str, pid: int | None) -> None:
    assert lock.holder_pid(message) == pid


def test_connect_with_wait_opens_once_the_holder_lets_go(workspace: Workspace) -> None:
    import threading

    with holding(workspace, "console", read_only=False) as child:
        assert child.stdin is not None
        release = threading.Timer(0.5, child.stdin.close)
        release.start()
        with workspace.connect(wait=30) as con:
            assert con.execute("SELECT count(*) FROM _runs").fetchall()[0][0] >= 0
        release.join()


def test_connect_without_wait_is_refused_at_once(workspace: Workspace) -> None:
    with (
        holding(workspace, "console", read_only=False),
        pytest.raises(lock.WorkspaceBusy),
        workspace.connect(read_only=True),
    ):
        pass
