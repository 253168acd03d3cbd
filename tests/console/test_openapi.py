"""The console's OpenAPI document: every route the app serves is in it, it names no
route the app does not serve, it is valid OpenAPI 3.0, and only a live session reads it."""

from __future__ import annotations

import httpx
from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR
from starlette.routing import BaseRoute

from tests.console.conftest import Clock, log_in, make_account
from vigie.console import openapi
from vigie.console.app import create_app
from vigie.console.store import ConsoleStore
from vigie.workspace import Workspace


def _routes(ws: Workspace) -> list[BaseRoute]:
    store = ConsoleStore(ws)
    try:
        return list(create_app(store).app.routes)
    finally:
        store.close()


def test_every_route_of_the_app_is_in_the_document(ws: Workspace) -> None:
    routes = _routes(ws)
    served = {(path, method) for path, method, _ in openapi.operations(routes)}
    doc = openapi.document(routes)
    described = {(path, m.upper()) for path, item in doc["paths"].items() for m in item}
    assert openapi.undocumented(routes) == []
    assert served - described == set()
    assert described - served == set()
    assert set(openapi.OPERATIONS) - served == set()  # no entry for a route that is gone
    assert len(served) >= 33


def test_the_document_is_valid_openapi_and_names_each_gates_roles(ws: Workspace) -> None:
    doc = openapi.document(_routes(ws))
    assert list(OPENAPI_30_VALIDATOR.iter_errors(doc)) == []
    paths = doc["paths"]
    assert paths["/revue/{pair_id}"]["post"]["x-roles"] == ["lead"]
    assert paths["/personnes"]["get"]["x-roles"] == ["lead", "controller"]
    assert paths["/appels/code"]["post"]["x-roles"] == ["agent", "lead"]
    assert "x-roles" not in paths["/connexion"]["post"]
    form = paths["/appels/issue"]["post"]["requestBody"]["content"]
    assert form["application/x-www-form-urlencoded"]["schema"]["required"][0] == "csrf"
    assert paths["/revue/{pair_id}"]["post"]["parameters"][0]["schema"]["type"] == "integer"
    csv = paths["/espace/{slug}/personnes.csv"]["get"]["responses"]
    assert set(csv["200"]["content"]) == {"text/csv"} and set(csv["404"]["content"]) == {
        "text/html"
    }


def test_an_entry_missing_for_a_route_leaves_it_out_and_is_reported(ws: Workspace) -> None:
    routes = _routes(ws)
    kept = openapi.OPERATIONS.pop(("/journal", "GET"))
    try:
        assert openapi.undocumented(routes) == ["GET /journal"]
        assert "/journal" not in openapi.document(routes)["paths"]
    finally:
        openapi.OPERATIONS[("/journal", "GET")] = kept


def test_the_document_is_served_to_a_live_session_only(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    answer = console.get("/openapi.json")
    assert answer.status_code == 303 and answer.headers["location"] == "/connexion"
    log_in(console, clock, make_account(ws, "agent"))
    served = console.get("/openapi.json")
    assert served.status_code == 200 and served.headers["cache-control"] == "no-store"
    assert served.json() == openapi.document(_routes(ws))
