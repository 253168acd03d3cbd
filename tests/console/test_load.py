"""The console under a small concurrent load (make bench has the long one): CLIENTS team
members at once on a live console, REQUESTS each — no server error, every answer the
page asked for, the audit chain whole after, and not one look lost: the view entries
written are exactly the answers that showed a person (person pages, lists with rows,
callers found), page by page."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path

import httpx

from tests.console.callers import code_for, identity
from tests.console.conftest import (
    Clock,
    Login,
    controllers_by_size,
    copy_workspace,
    csrf,
    log_in,
    make_account,
)
from tests.console.live import live_console
from vigie.notify.filings import slug
from vigie.workspace import Workspace, audit

ROLES = ("lead", "lead", "controller", "controller", "controller", "agent", "agent", "agent")
REQUESTS = 25
ROWS = re.compile(r'href="/personnes/P[0-9A-F]+"')
CALLER = re.compile(r'name="personne" value="P[0-9A-F]+"')


def _persons(ws: Workspace, lab: str | None) -> list[tuple[str, str]]:
    where = "WHERE list_contains(controllers, ?)" if lab else ""
    with ws.connect(read_only=True) as con:
        rows = con.execute(f"SELECT person_id, surname FROM persons {where} ORDER BY 1 LIMIT 8",
                           [lab] if lab else []).fetchall()  # fmt: skip
    return [(r[0], r[1]) for r in rows]


def _requests(
    ws: Workspace, role: str, who: Login, n: int
) -> list[tuple[str, str, dict[str, str]]]:
    """(page, method and path, form) of a client's REQUESTS, in turn through its pages;
    `page` names the audit view a person shown by the answer is recorded under."""
    if role == "agent":
        persons = _persons(ws, None)[n::3]
        with ws.connect(read_only=True) as con:
            letters = [r[0] for r in con.execute(
                "SELECT min(letter_id) FROM notify_letters WHERE list_contains(?, person_id) "
                "GROUP BY person_id", [[p for p, _ in persons]]).fetchall()]  # fmt: skip
        kinds = [("appel", "POST /appels/identite", identity(ws, p)) for p, _ in persons]
        kinds += [("appel", "POST /appels/code", {"code": code_for(ws, ltr)}) for ltr in letters]
        kinds += [("-", "GET /appels", {}), ("appel", "POST /appels/code", {"code": "ZZZZ-0000"})]
    else:
        persons = _persons(ws, who.controller)
        kinds = [("personne", f"GET /personnes/{p}", {}) for p, _ in persons]
        kinds += [("personnes", f"GET /personnes?q={s[:3]}", {}) for _, s in persons[:3]]
        kinds += [("-", "GET /", {})]
        if who.controller:
            kinds += [("non envoyés", f"GET /espace/{slug(who.controller)}/sans-courrier", {})]
    return [kinds[(i + n) % len(kinds)] for i in range(REQUESTS)]


async def _client(
    base: str, cookie: str, token: str, todo: list[tuple[str, str, dict[str, str]]]
) -> list[tuple[str, int, str]]:
    """(page, status, body) of each answer, the requests sent one after the other."""
    answers = []
    async with httpx.AsyncClient(base_url=base, cookies={"vigie": cookie}, timeout=60) as http:
        for page, request, form in todo:
            method, path = request.split(" ", 1)
            if method == "GET":
                answer = await http.get(path)
            else:
                answer = await http.post(path, data={"csrf": token, **form})
            answers.append((page, answer.status_code, answer.text))
    return answers


async def _load(base: str, clients: list[tuple[str, str, list]]) -> list[tuple[str, int, str]]:
    done = await asyncio.gather(*(_client(base, *c) for c in clients))
    return [answer for answers in done for answer in answers]


def _shown(page: str, status: int, body: str) -> bool:
    """Whether the answer showed a person (so must be a view of the audit chain)."""
    if status != 200 or page == "-":
        return False
    return page == "personne" or bool((CALLER if page == "appel" else ROWS).search(body))


def test_concurrent_clients_get_their_pages_and_every_look_is_in_the_chain(
    notified: Path, console_env: Path, tmp_path: Path, clock: Clock
) -> None:
    ws = copy_workspace(notified, tmp_path / "ws")
    labs = controllers_by_size(ws)
    people = [make_account(ws, role, labs[n % 3] if role == "controller" else None)
              for n, role in enumerate(ROLES)]  # fmt: skip
    todo = [_requests(ws, ROLES[n], who, n) for n, who in enumerate(people)]
    with live_console(ws, clock=clock) as base:
        clients = []
        for who, requests in zip(people, todo, strict=True):
            with httpx.Client(base_url=base) as client:
                log_in(client, clock, who)
                clients.append((client.cookies["vigie"], csrf(client), requests))
        answers = asyncio.run(_load(base, clients))
    assert len(answers) == len(ROLES) * REQUESTS
    statuses = Counter(status for _, status, _ in answers)
    assert statuses == {200: len(answers)}, statuses  # no 5xx, no refusal, no lost session
    expected = Counter(page for page, status, body in answers if _shown(page, status, body))
    assert expected["personne"] > 50 and expected["appel"] > 10 and expected["personnes"]
    assert ws.verify_audit() > 0  # what `vigie audit verify` runs
    logins = {who.login for who in people}
    views = Counter(
        e["params"]["page"]
        for e in audit.read_entries(ws.audit_path)
        if e["verb"] == "view" and e["params"].get("by") in logins
    )
    assert views == expected
