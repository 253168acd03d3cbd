"""The console on a real uvicorn server on a free loopback port, in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import uvicorn

from tests.portal.live import free_port
from vigie.console.app import create_app
from vigie.console.store import ConsoleStore
from vigie.workspace import Workspace


@contextmanager
def live_console(
    ws: Workspace, *, clock: Callable[[], datetime] | None = None, login_rate: int = 1000
) -> Iterator[str]:
    store = ConsoleStore(ws)
    port = free_port()
    app = create_app(store, clock=clock, login_rate=login_rate)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False,
                            log_level="warning", proxy_headers=True,
                            forwarded_allow_ips="127.0.0.1", server_header=False)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("console did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
