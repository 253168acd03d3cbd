"""After a console session the audit chain verifies and tells who looked at whom."""

from __future__ import annotations

import re

import httpx

from tests.cli.runner import vigie
from tests.console.conftest import Clock, controllers_by_size, csrf, log_in, make_account
from vigie.console.data import views_of
from vigie.workspace import Workspace, audit


def test_the_chain_verifies_after_a_session_and_lists_the_views(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    dpo = make_account(ws, "controller", controllers_by_size(ws)[0])
    log_in(console, clock, dpo)
    listing = console.get("/personnes")
    person_id = re.findall(r'href="/personnes/(P[0-9A-F]+)"', listing.text)[0]
    assert console.get(f"/personnes/{person_id}").status_code == 200
    assert console.post("/deconnexion", data={"csrf": csrf(console)}).status_code == 303

    assert ws.verify_audit() > 0
    mine = [v for v in views_of(ws.audit_path, person_id) if v["by"] == dpo.login]
    assert [v["page"] for v in mine] == ["personnes", "personne"]
    verbs = [e["verb"] for e in audit.read_entries(ws.audit_path)]
    assert verbs[-4:] == ["console login", "view", "view", "console logout"]

    lead = make_account(ws, "lead")
    log_in(console, clock, lead)
    page = console.get(f"/personnes/{person_id}/consultations")
    assert page.status_code == 200 and page.text.count(dpo.login) == 2

    run = vigie("audit", "views", str(ws.path), person_id, "--json")
    assert run.code == 0, run.stderr
    assert [v["by"] for v in run.json()["views"]].count(dpo.login) == 2
    text = vigie("audit", "views", str(ws.path), person_id).stdout
    assert f"{dpo.login}" in text and "personne (entry" in text
