"""A small notified incident (120 persons, 28 controllers) and console helpers: accounts
with a known password and TOTP secret, a clock the tests move, a logged-in client."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

from tests.console.live import live_console
from vigie.console import accounts
from vigie.demo import DemoReport
from vigie.workspace import Workspace

PASSWORD = "une phrase de passe assez longue"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Login:
    login: str
    password: str
    secret: str | None
    controller: str | None = None


class Clock:
    """The console's time, moved by the tests (TOTP codes are made at the same time)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def code(self, secret: str) -> str:
        return pyotp.TOTP(secret).at(self.now)


@pytest.fixture(scope="session")
def console_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console-keys")


@pytest.fixture
def console_env(console_keys: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_KEY_DIR", str(console_keys))
    return console_keys


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, console_keys: Path) -> DemoReport:
    """`vigie demo` on 120 persons: persons, tiers, letters in the store, a demo lead."""
    from vigie.demo import run_demo

    root = tmp_path_factory.mktemp("console")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(console_keys))
        mp.delenv("VIGIE_KEY", raising=False)
        return run_demo(root / "demo", persons=120, seed=11)


@pytest.fixture(scope="session")
def notified(demo: DemoReport) -> Path:
    return demo.workspace


@pytest.fixture
def ws(notified: Path, console_env: Path) -> Workspace:
    return Workspace.open(notified)


def make_account(ws: Workspace, role: str, controller: str | None = None) -> Login:
    """An account past its first login: password chosen, TOTP enrolled (not for agents)."""
    login = f"{role}.{next(_numbers)}"
    accounts.add_user(ws, login, role, controller=controller, password=PASSWORD)
    secret = pyotp.random_base32() if role != "agent" else None
    if secret:
        with ws.connect() as con:
            con.execute("UPDATE console_users SET totp_secret = ? WHERE login = ?", [secret, login])
    return Login(login, PASSWORD, secret, controller)


def controllers_by_size(ws: Workspace) -> list[str]:
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT c, count(*) FROM persons, unnest(controllers) t(c) GROUP BY 1 "
            "ORDER BY 2 DESC, 1"
        ).fetchall()
    return [r[0] for r in rows]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def console(ws: Workspace, clock: Clock) -> Iterator[httpx.Client]:
    """A client of a live console whose time is `clock`."""
    with live_console(ws, clock=clock) as base, httpx.Client(base_url=base) as client:
        yield client


def login_token(client: httpx.Client) -> str:
    page = client.get("/connexion")
    found = re.search(r'name="jeton" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def post_login(
    client: httpx.Client,
    clock: Clock,
    who: Login,
    *,
    password: str | None = None,
    code: str | None = None,
) -> Any:
    """Submit the login form (a fresh TOTP step each time: a used code is refused)."""
    clock.advance(30)
    if code is None:
        code = clock.code(who.secret) if who.secret else ""
    form = {
        "jeton": login_token(client),
        "identifiant": who.login,
        "mot_de_passe": password if password is not None else who.password,
        "code": code,
    }
    return client.post("/connexion", data=form)


def log_in(client: httpx.Client, clock: Clock, who: Login) -> None:
    answer = post_login(client, clock, who)
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text


def csrf(client: httpx.Client, path: str = "/") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)
