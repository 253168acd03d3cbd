"""`vigie console`: the pages behind uvicorn, with the access log set up here."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

from vigie.console.app import create_app
from vigie.console.store import LINGER, ConsoleStore
from vigie.workspace import Workspace, lock

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve(ws: Workspace, *, host: str, port: int, forwarded_allow_ips: str = "127.0.0.1") -> None:
    """Run until interrupted; uvicorn's own access log is off (it would log queries)."""
    import uvicorn

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s console: %(message)s"))
    access = logging.getLogger("vigie.console.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    store = ConsoleStore(ws, linger=LINGER)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again with the
    # handler found before it: the default one would end the process before the store is
    # let go (it may be attached, with its last writes in the WAL). This one unwinds.
    signal.signal(signal.SIGTERM, _stop)
    try:
        # A verb turned away while a request has the store names "console" as the holder.
        with lock.holding(ws.path, read_only=False):
            uvicorn.run(create_app(store), host=host, port=port, access_log=False,
                        server_header=False, proxy_headers=True,
                        forwarded_allow_ips=forwarded_allow_ips, log_level="warning")  # fmt: skip
    finally:
        store.close()


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
