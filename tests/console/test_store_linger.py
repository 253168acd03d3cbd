"""`vigie console` keeps the store attached between close requests (store.py): a verb must
still get the store while a call centre is busy, and an idle console must let it go."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.console.conftest import Clock, copy_workspace, make_account, post_login
from tests.portal.live import free_port
from vigie.console.store import ConsoleStore
from vigie.workspace import Workspace

# Opens the store without waiting (wait=0): "busy" while another process holds it.
_TRY_NOW = """
import sys
from vigie.workspace import Workspace, lock
try:
    with Workspace.open(sys.argv[1]).connect(read_only=True) as con:
        con.execute("SELECT 1").fetchall()
except lock.WorkspaceBusy:
    print("busy")
else:
    print("ok")
"""


def _try_now(ws: Workspace) -> str:
    run = subprocess.run([sys.executable, "-c", _TRY_NOW, str(ws.path)], capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def _request(store: ConsoleStore) -> None:
    with store.open() as con:
        con.execute("SELECT count(*) FROM persons").fetchall()


def test_the_store_lingers_after_a_request_then_is_let_go(ws: Workspace) -> None:
    lingering = ConsoleStore(ws, linger=600)
    try:
        _request(lingering)
        assert _try_now(ws) == "busy"  # still attached: the next request reads warm blocks
    finally:
        lingering.close()
    brief = ConsoleStore(ws, linger=0.2)
    try:
        _request(brief)
        time.sleep(0.6)
        assert _try_now(ws) == "ok"  # idle: let go
        _request(brief)  # and taken again for the next request
    finally:
        brief.close()


def test_a_verb_gets_the_store_between_the_requests_of_a_busy_console(ws: Workspace) -> None:
    store = ConsoleStore(ws, linger=0.5)
    stop = threading.Event()
    served: list[float] = []
    errors: list[BaseException] = []

    def call_centre() -> None:  # never idle for `linger`: the verb's lock record does it
        while not stop.is_set():
            try:
                _request(store)
                served.append(time.monotonic())
            except BaseException as exc:
                errors.append(exc)
            time.sleep(0.01)

    worker = threading.Thread(target=call_centre)
    worker.start()
    try:
        time.sleep(0.5)
        run = subprocess.run([sys.executable, "-m", "vigie", "users", "list", str(ws.path)],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    finally:
        stop.set()
        worker.join()
        store.close()
    assert run.returncode == 0, run.stderr
    assert not errors
    assert len(served) > 20


def _console_with_a_session(ws: Workspace) -> tuple[subprocess.Popen[bytes], str]:
    """`vigie console` with one agent logged in: its session row is the last write."""
    who = make_account(ws, "agent")
    port = free_port()
    child = subprocess.Popen([sys.executable, "-m", "vigie", "console", str(ws.path), "--port",
                              str(port)], stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/sante")
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline and child.poll() is None
            time.sleep(0.2)
    with httpx.Client(base_url=base) as client:
        assert post_login(client, Clock(), who).status_code == 303
    return child, who.login


def _sessions(ws: Workspace, login: str) -> int:
    with ws.connect(read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM console_sessions WHERE login = ?", [login])
        return int(rows.fetchall()[0][0])


def test_a_console_stopped_by_sigterm_lets_the_store_go_whole(
    notified: Path, console_env: Path, tmp_path: Path
) -> None:
    ws = copy_workspace(notified, tmp_path / "ws")
    child, login = _console_with_a_session(ws)
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 0
    assert not Path(f"{ws.store_path}.wal").exists()  # checkpointed as it let the store go
    assert _sessions(ws, login) == 1


def test_a_read_only_open_replays_what_a_killed_console_left_in_the_wal(
    notified: Path, console_env: Path, tmp_path: Path
) -> None:
    ws = copy_workspace(notified, tmp_path / "ws")
    child, login = _console_with_a_session(ws)
    child.kill()  # no checkpoint: the session is only in the WAL
    child.wait(timeout=60)
    assert Path(f"{ws.store_path}.wal").exists()
    assert _sessions(ws, login) == 1  # read-only, as `vigie report` and the others open it


_KILLED_WRITER = """
import os, signal, sys
from vigie.workspace import Workspace
with Workspace.open(sys.argv[1]).connect() as con:
    con.execute("CREATE TABLE killed_writer AS SELECT range AS n FROM range(1000)")
    con.execute("CREATE INDEX killed_writer_n ON killed_writer (n)")
    os.kill(os.getpid(), signal.SIGKILL)  # before any checkpoint
"""


def test_a_read_only_open_replays_an_index_a_killed_writer_left_in_the_wal(
    notified: Path, console_env: Path, tmp_path: Path
) -> None:
    ws = copy_workspace(notified, tmp_path / "ws")
    run = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(ws.path)], timeout=120)
    assert run.returncode == -signal.SIGKILL
    assert Path(f"{ws.store_path}.wal").exists()
    with ws.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM killed_writer").fetchall() == [(1000,)]
