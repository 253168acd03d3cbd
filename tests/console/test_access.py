"""Least privilege, tried from outside: other controllers' persons, lead pages, no session,
no CSRF token, posts from another site."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.console.conftest import Clock, controllers_by_size, csrf, log_in, make_account
from tests.console.live import live_console
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
    # a non-ASCII token made compare_digest raise: a 500 before the fuzz found it
    for form in ({}, {"csrf": ""}, {"csrf": "forged"}, {"csrf": "jeton-forgé"}):
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
    wrong = console.delete("/personnes")  # the error page kept no Allow header before
    assert wrong.status_code == 405 and set(wrong.headers["allow"].split(", ")) == {"GET", "HEAD"}
    log_in(console, clock, make_account(ws, "lead"))
    assert console.get("/../etc/passwd").status_code == 404
    assert console.get("/personnes/" + "A" * 500).status_code == 404


def test_odd_page_numbers_are_page_one_not_a_crash(queued: Workspace, clock: Clock) -> None:
    """ "²".isdigit() holds but int("²") raises: these were 500s (found by the fuzz)."""
    from vigie.notify.filings import slug

    space = slug(controllers_by_size(queued)[0])
    with live_console(queued, clock=clock) as base, httpx.Client(base_url=base) as client:
        log_in(client, clock, make_account(queued, "lead"))
        for number in ("²", "١٢", "9" * 5000, "-1", "1e3"):
            for path in ("/personnes", "/journal", f"/espace/{space}/sans-courrier"):
                assert client.get(path, params={"page": number}).status_code == 200, path
            assert client.get("/revue", params={"apres": number}).status_code == 200
            assert client.get("/revue", params={"fait": f"{number}:accept"}).status_code == 200


def _route_templates(ws: Workspace) -> list[tuple[str, set[str]]]:
    """(path template, methods) of every route of the console."""
    from starlette.routing import Route

    from vigie.console.app import create_app
    from vigie.console.store import ConsoleStore

    store = ConsoleStore(ws)
    try:
        app = create_app(store).app
    finally:
        store.close()
    return [(r.path, set(r.methods or ())) for r in app.routes if isinstance(r, Route)]


def _fill(template: str, values: dict[str, list[str]]) -> list[str]:
    """Every path the template gives with the values of its parameters."""
    paths = [template]
    for name in re.findall(r"\{(\w+)(?::\w+)?\}", template):
        paths = [re.sub(r"\{" + name + r"(?::\w+)?\}", v, p, count=1)
                 for p in paths for v in values[name]]  # fmt: skip
    return paths


def test_every_url_with_another_controllers_ids_is_404_or_403(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    """Each route of the console, filled with the other controllers' person ids, space
    slugs and file names: a controller gets 404 (or 403 for lead-only pages) for every
    one, and 200 for the same URLs with its own ids."""
    from vigie.console.data import FILINGS
    from vigie.notify.filings import slug
    from vigie.notify.letters import TEMPLATE_FILES

    mine, *rest = controllers_by_size(ws)
    others = _persons(ws, "NOT list_contains(controllers, ?)", [mine])
    own = _persons(ws, "list_contains(controllers, ?)", [mine])
    templates = _route_templates(ws)
    log_in(console, clock, make_account(ws, "controller", mine))
    token = csrf(console)
    names = [*TEMPLATE_FILES, *FILINGS]
    theirs = {"person_id": [p for p, _ in others], "slug": [slug(c) for c in rest],
              "name": names, "pair_id": ["1"]}  # fmt: skip
    tried = 0
    for template, methods in templates:
        if "{" not in template or template.startswith("/static"):
            continue
        for path in _fill(template, theirs):
            if "GET" in methods:
                answer = console.get(path)
            else:
                answer = console.post(path, data={"csrf": token, "decision": "accept"})
            assert answer.status_code in (403, 404), (template, answer.status_code)
            if template.startswith("/espace/"):
                assert answer.status_code == 404, path  # as for a space that does not exist
            tried += 1
    assert tried > len(others) + 8 * len(rest)
    mine_values = {"person_id": [own[0][0]], "slug": [slug(mine)], "name": list(TEMPLATE_FILES)}
    for template, methods in templates:
        if template.startswith("/espace/{slug}") and "GET" in methods:
            for path in _fill(template, mine_values):
                assert console.get(path).status_code == 200, path
    assert console.get("/espace").headers["location"] == f"/espace/{slug(mine)}"
    assert console.get("/").status_code == 200  # still logged in: nothing tripped a lockout


def test_an_agent_gets_403_on_every_staff_and_lead_url(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    from vigie.notify.filings import slug

    everyone = controllers_by_size(ws)
    person_id = _persons(ws, "true", [])[0][0]
    log_in(console, clock, make_account(ws, "agent"))
    token = csrf(console)
    values = {"person_id": [person_id], "slug": [slug(everyone[0])],
              "name": ["letter.typ", "cnil-notification.pdf"], "pair_id": ["1"]}  # fmt: skip
    own_pages = ("/", "/connexion", "/activation", "/deconnexion", "/sante",
                 "/appels", "/appels/code", "/appels/identite", "/appels/issue",
                 "/openapi.json")  # fmt: skip
    for template, methods in _route_templates(ws):
        if template in own_pages or template.startswith("/static"):
            continue
        for path in _fill(template, values):
            if "GET" in methods:
                assert console.get(path).status_code == 403, path
            else:
                answer = console.post(path, data={"csrf": token, "decision": "accept"})
                assert answer.status_code == 403, path
