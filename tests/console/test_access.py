"""Least privilege, tried from outside: other controllers' persons, lead pages, no session,
no CSRF token, posts from another site."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.console.conftest import Clock, controllers_by_size, csrf, log_in, make_account
from vigie.workspace import Workspace

PAGES = [
    "/",
    "/personnes",
    "/personnes?q=L01-000001",
    "/personnes/P0000",
    "/personnes/P0000/consultations",
]


def _persons(ws: Workspace, sql: str, params: list[object]) -> list[tuple[str, str]]:
    """(person id, surname) of the persons the condition selects."""
    with ws.connect(read_only=True) as con:
        rows = con.execute(f"SELECT person_id, surname FROM persons WHERE {sql}", params)
        return [(r[0], r[1]) for r in rows.fetchall()]


def _letters(ws: Workspace, person_ids: list[str]) -> list[str]:
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT letter_id FROM notify_letters WHERE list_contains(?, person_id)", [person_ids]
        ).fetchall()
    return [r[0] for r in rows]


def test_a_controller_gets_404_for_every_person_of_the_others(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    mine, *_ = controllers_by_size(ws)
    dpo = make_account(ws, "controller", mine)
    others = _persons(ws, "NOT list_contains(controllers, ?)", [mine])
    own = _persons(ws, "list_contains(controllers, ?)", [mine])
    assert len(others) > 90 and own
    log_in(console, clock, dpo)
    for person_id, _ in others:
        for path in (f"/personnes/{person_id}", f"/personnes/{person_id.lower()}",
                     f"/personnes/{person_id}%20"):  # fmt: skip
            assert console.get(path).status_code == 404, path
        assert console.get(f"/personnes/{person_id}/consultations").status_code == 403
    assert all(console.get(f"/personnes/{pid}").status_code == 200 for pid, _ in own)


def test_a_controller_never_finds_another_controllers_person(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    mine, *_ = controllers_by_size(ws)
    dpo = make_account(ws, "controller", mine)
    others = _persons(ws, "NOT list_contains(controllers, ?)", [mine])
    own_ids = {pid for pid, _ in _persons(ws, "list_contains(controllers, ?)", [mine])}
    log_in(console, clock, dpo)
    queries = _letters(ws, [pid for pid, _ in others]) + sorted({s[:3] for _, s in others if s})
    for query in queries:
        page = console.get("/personnes", params={"q": query})
        assert page.status_code == 200
        shown = set(re.findall(r'href="/personnes/(P[0-9A-F]+)"', page.text))
        assert shown <= own_ids, query
    board = console.get("/").text
    assert all(name not in board for name in controllers_by_size(ws)[1:])
    assert mine in board


def test_an_agent_reaches_no_lead_or_controller_page(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    agent = make_account(ws, "agent")
    log_in(console, clock, agent)
    home = console.get("/")
    assert home.status_code == 200 and "Centre d'appels" in home.text
    person_id = _persons(ws, "true", [])[0][0]
    for path in ("/personnes", f"/personnes/{person_id}", f"/personnes/{person_id}/consultations"):
        assert console.get(path).status_code == 403, path


def test_a_controller_cannot_list_who_looked(ws: Workspace, console: httpx.Client,
                                            clock: Clock) -> None:  # fmt: skip
    mine = controllers_by_size(ws)[0]
    person_id = _persons(ws, "list_contains(controllers, ?)", [mine])[0][0]
    log_in(console, clock, make_account(ws, "controller", mine))
    assert console.get(f"/personnes/{person_id}/consultations").status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_no_page_works_without_a_session(ws: Workspace, console: httpx.Client, path: str) -> None:
    for token in (None, "forged-token", "x" * 3000):
        console.cookies.clear()
        if token:
            console.cookies.set("vigie", token)
        answer = console.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/connexion"
        assert not answer.text
    assert console.post("/deconnexion", data={"csrf": "x"}).status_code == 303


def test_a_post_without_the_csrf_token_is_refused(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    log_in(console, clock, make_account(ws, "lead"))
    for form in ({}, {"csrf": ""}, {"csrf": "forged"}):
        assert console.post("/deconnexion", data=form).status_code == 403
    assert console.get("/").status_code == 200  # still logged in
    token = csrf(console)
    cross = console.post("/deconnexion", data={"csrf": token},
                         headers={"sec-fetch-site": "cross-site"})  # fmt: skip
    assert cross.status_code == 403
    assert console.get("/").status_code == 200
    assert console.post("/deconnexion", data={"csrf": token}).status_code == 303
    assert console.get("/").status_code == 303  # logged out


def test_an_unknown_path_is_404_with_or_without_a_session(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    assert console.get("/admin").status_code == 404
    log_in(console, clock, make_account(ws, "lead"))
    assert console.get("/../etc/passwd").status_code == 404
    assert console.get("/personnes/" + "A" * 500).status_code == 404
