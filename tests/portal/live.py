"""A real uvicorn server on a free loopback port, in a thread, stopped on exit."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from vigie.portal import load_bundle
from vigie.portal.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_portal(
    bundle: Path, *, rate: int = 10_000, requests_file: Path | None = None
) -> Iterator[str]:
    port = free_port()
    app = create_app(load_bundle(bundle), rate=rate, requests_file=requests_file)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False,
                            log_level="warning", proxy_headers=True,
                            forwarded_allow_ips="127.0.0.1", server_header=False)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("portal did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
