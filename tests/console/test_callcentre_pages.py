"""The call-centre pages over HTTP: who reaches them, what a found caller's page shows
(and never shows), misses that look alike to the byte, the quota, outcomes and their
follow-up."""

from __future__ import annotations

import csv
import io
import logging
import re

import httpx
import pytest

from tests.console.callers import code_for, identity, letter_of
from tests.console.conftest import Clock, controllers_by_size, csrf, log_in, make_account
from vigie.console.calls import MAX_MISSES
from vigie.workspace import Workspace, audit


def _person_values(ws: Workspace, person_id: str) -> list[str]:
    with ws.connect(read_only=True) as con:
        row = con.execute(
            "SELECT surname, first_names, CAST(birth_date AS VARCHAR), "
            "strftime(birth_date, '%d/%m/%Y'), postcode, city, address, phone, email "
            "FROM persons WHERE person_id = ?",
            [person_id],
        ).fetchall()[0]
    return [str(v) for v in row if v and len(str(v)) >= 4]


def _lookup(console: httpx.Client, path: str, **form: str) -> httpx.Response:
    return console.post(path, data={"csrf": csrf(console, "/appels"), **form})


def test_an_agent_finds_a_caller_by_code_and_sees_no_value(
    ws: Workspace, console: httpx.Client, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    letter, person_id = letter_of(ws)
    code = code_for(ws, letter)
    log_in(console, clock, make_account(ws, "agent"))
    home = console.get("/")
    assert 'action="/appels/code"' in home.text and 'action="/appels/identite"' in home.text
    with caplog.at_level(logging.INFO, logger="vigie.console.access"):
        page = _lookup(console, "/appels/code", code=code)
    assert page.status_code == 200
    assert "Courrier authentique" in page.text and letter in page.text
    assert "À lire à l’appelant" in page.text or "À lire à l'appelant" in page.text
    assert f'name="personne" value="{person_id}"' in page.text
    main = page.text.split("<main", 1)[1]
    main = re.sub(r"<td>Laboratoire[^<]*</td>|expéditeur : [^.]*\.", "", main)  # lab names
    leaked = [n for n, v in enumerate(_person_values(ws, person_id)) if v in main]
    assert leaked == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert code not in logged and code.replace("-", "") not in logged


def test_a_miss_is_the_same_page_whatever_was_wrong(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    _, person_id = letter_of(ws)
    said = identity(ws, person_id)
    log_in(console, clock, make_account(ws, "agent"))
    found = _lookup(console, "/appels/identite", **said)
    assert found.status_code == 200 and "Dossier retrouvé" in found.text
    pages = [
        _lookup(console, "/appels/identite", **{**said, "code_postal": "97199"}),
        _lookup(console, "/appels/identite", **{**said, "prenom": "Zoltan"}),
        _lookup(
            console,
            "/appels/identite",
            nom="Zzyzx",
            prenom="Zoltan",
            naissance="01/01/1901",
            code_postal="97199",
        ),
        _lookup(
            console,
            "/appels/identite",
            nom="' OR 1=1 --",
            prenom="%",
            naissance="x",
            code_postal="<b>",
        ),
    ]
    assert {p.status_code for p in pages} == {200}
    assert len({p.content for p in pages}) == 1
    assert "Aucun dossier trouvé" in pages[0].text and person_id not in pages[0].text
    unknown = _lookup(console, "/appels/code", code="0000-0000-0000")
    assert unknown.status_code == 200 and "escroquerie" in unknown.text
    assert "33700" in unknown.text and 'name="personne"' not in unknown.text


def test_an_agent_over_the_quota_gets_429(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    log_in(console, clock, make_account(ws, "agent"))
    statuses = [
        _lookup(console, "/appels/code", code=f"{n:04d}-WXYZ-WXYZ").status_code
        for n in range(MAX_MISSES + 1)
    ]
    assert statuses == [200] * MAX_MISSES + [429]
    refused = _lookup(console, "/appels/code", code="0000-0000-0000")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "Trop de recherches" in refused.text


def test_who_reaches_which_call_centre_page(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    dpo = make_account(ws, "controller", controllers_by_size(ws)[0])
    log_in(console, clock, dpo)
    assert console.get("/appels").status_code == 403
    assert _lookup(console, "/appels/code", code="0000-0000-0000").status_code == 403
    assert console.get("/appels/suivi").status_code == 200
    console.post("/deconnexion", data={"csrf": csrf(console)})
    log_in(console, clock, make_account(ws, "agent"))
    for path in ("/appels/suivi", "/appels/suivi.csv", "/personnes"):
        assert console.get(path).status_code == 403, path
    token = csrf(console, "/appels")
    for form in ({}, {"csrf": "forged"}):
        assert console.post("/appels/code", data={**form, "code": "x"}).status_code == 403
    unreached = {"csrf": token, "issue": "opposition", "personne": letter_of(ws)[1]}
    assert console.post("/appels/issue", data=unreached).status_code == 403
    unknown = {"csrf": token, "issue": "erasure", "personne": "P0"}
    assert console.post("/appels/issue", data=unknown).status_code == 400


def test_an_outcome_recorded_and_followed_by_the_lead(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    letter, person_id = letter_of(ws)
    code = code_for(ws, letter)
    agent = make_account(ws, "agent")
    log_in(console, clock, agent)
    _lookup(console, "/appels/code", code=code)
    token = csrf(console, "/appels")
    base = {"csrf": token, "personne": person_id}
    address = {"issue": "new_address", "rue": "3 rue A", "code_postal": "123", "commune": "X"}
    bad = console.post("/appels/issue", data={**base, **address})
    assert bad.status_code == 400 and "5 chiffres" in bad.text and 'value="3 rue A"' in bad.text
    done = console.post("/appels/issue", data={**base, "issue": "access"})
    assert done.status_code == 200 and "Issue enregistrée" in done.text
    assert "article 15" in done.text
    outcome = re.search(r'class="code">(A\d{6})<', done.text)
    assert outcome
    console.post("/deconnexion", data={"csrf": csrf(console)})
    log_in(console, clock, make_account(ws, "lead"))
    follow = console.get("/appels/suivi", params={"issue": "access"})
    assert follow.status_code == 200 and outcome.group(1) in follow.text
    assert agent.login in follow.text
    download = console.get("/appels/suivi.csv", params={"issue": "access"})
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert any(r["outcome_id"] == outcome.group(1) and r["person_id"] == person_id for r in rows)
    assert ws.verify_audit() > 0
    verbs = [e["verb"] for e in audit.read_entries(ws.audit_path)]
    assert "call outcome" in verbs
