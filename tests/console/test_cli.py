"""The real commands around a running console: serve, disable from another process, busy."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx

from tests.cli.runner import vigie
from tests.console.conftest import Clock, Login, log_in, make_account, post_login
from tests.console.live import live_console
from tests.portal.live import free_port
from tests.workspace.test_lock import holding
from vigie.demo import DemoReport
from vigie.workspace import Workspace


def test_console_serves_warns_off_loopback_and_logs_routes_only(ws: Workspace) -> None:
    port = free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "vigie", "console", str(ws.path), "--host", "127.0.0.2",
         "--port", str(port)],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.2:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(base + "/sante").text == "ok"
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and child.poll() is None
                time.sleep(0.2)
        assert httpx.get(base + "/personnes/P123?q=Martin").headers["location"] == "/connexion"
    finally:
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
    assert "warning: the console listens on 127.0.0.2: put a TLS reverse proxy" in stderr
    assert "GET /personnes/{id} 303" in stderr
    assert "P123" not in stderr and "Martin" not in stderr


def test_disabling_from_another_process_ends_the_session(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    lead = make_account(ws, "lead")
    log_in(console, clock, lead)
    run = vigie("users", "disable", str(ws.path), lead.login)
    assert run.code == 0, run.stderr
    assert "1 session(s) ended" in run.stdout
    assert console.get("/").status_code == 303


def test_a_verb_holding_the_store_makes_the_console_say_busy(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    log_in(console, clock, make_account(ws, "lead"))
    with holding(ws, "link", read_only=False):
        answer = console.get("/")
        assert answer.status_code == 503 and answer.headers["retry-after"] == "30"
        assert "Espace de travail occupé" in answer.text
    assert console.get("/").status_code == 200


def test_the_demo_makes_a_lead_and_says_how_to_start_the_console(
    demo: DemoReport, ws: Workspace, clock: Clock
) -> None:
    from vigie.cli.demo_verbs import _text

    text = _text(demo)
    summary = next(s.summary for s in demo.stages if s.stage == "console")
    password = summary["one_time_password"]
    assert text.count(password) == 1
    assert f"vigie console {demo.workspace} --port 8081" in text and "log in as m.durand" in text
    with live_console(ws, clock=clock) as base, httpx.Client(base_url=base) as client:
        answer = post_login(client, clock, Login("m.durand", password, None))
        assert answer.status_code == 303
        assert client.get("/").headers["location"] == "/activation"
