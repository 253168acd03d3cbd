"""`vigie console` keeps the store attached between close requests (store.py): a verb must
still get the store while a call centre is busy, and an idle console must let it go."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

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
