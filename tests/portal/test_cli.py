"""The portal verbs as a user runs them: `vigie demo` ends with a portal and a code to try,
`vigie portal build` writes a bundle, and a missing notify is one line, not a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli.runner import vigie
from tests.portal.conftest import Portal, genuine_code
from tests.portal.live import free_port
from vigie.portal import load_bundle


def test_demo_ends_with_a_portal_and_a_genuine_code(tmp_path: Path) -> None:
    run = vigie("-q", "demo", "--persons", "100", "--out", str(tmp_path / "demo"), timeout=600)
    assert run.code == 0, run.stderr
    found = re.search(r"vigie portal serve (\S+) .*\n.*verifier\?code=(\S+)", run.stdout)
    assert found, run.stdout
    bundle, code = Path(found.group(1)), found.group(2)
    assert load_bundle(bundle).verify(code) is not None


def test_build_before_notify_is_one_line(tmp_path: Path) -> None:
    assert vigie("init", str(tmp_path / "ws")).code == 0
    run = vigie("portal", "build", str(tmp_path / "ws"), "--output", str(tmp_path / "p"))
    assert run.code != 0
    assert "vigie notify" in run.stderr and "Traceback" not in run.stderr


def test_serve_runs_the_bundle_and_logs_routes_not_codes(built: Portal, tmp_path: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-m", "vigie", "portal", "serve", str(built.bundle), "--port",
           str(port), "--requests", str(tmp_path / "r.sealed")]  # fmt: skip
    server = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    code = genuine_code(built.letters)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/verify/{code}")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    assert answer.json()["genuine"] is True
    assert "GET /api/verify/{code} 200" in log
    assert code not in log and code.replace("-", "") not in log
