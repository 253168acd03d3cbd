"""`vigie portal serve`: the bundle behind uvicorn, with the access log set up here."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from vigie.portal.app import create_app
from vigie.portal.bundle import load_bundle


def serve(
    folder: Path,
    *,
    host: str,
    port: int,
    rate: int = 60,
    requests_file: Path | None = None,
    forwarded_allow_ips: str = "127.0.0.1",
) -> None:
    """Run until interrupted; uvicorn's own access log is off (it would log codes)."""
    import uvicorn

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s portal: %(message)s"))
    access = logging.getLogger("vigie.portal.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    app = create_app(load_bundle(folder), rate=rate, requests_file=requests_file)
    uvicorn.run(app, host=host, port=port, access_log=False, server_header=False,
                proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips,
                log_level="warning")  # fmt: skip
