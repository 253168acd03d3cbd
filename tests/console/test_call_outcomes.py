"""A call's outcome as an event: recorded only for a person the login reached, addresses
checked as notify checks them, followed by the lead and the person's controller only, a
safe CSV; and the event acted on: `vigie notify --resend` writes the letter again to the
new address."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.console.callers import code_for, identity, letter_of, scratch
from tests.console.test_calls import NOW, agent, desk
from tests.notify.pdftext import page_texts
from vigie.console.accounts import Principal
from vigie.console.calls import REACH
from vigie.console.data import Denied
from vigie.console.outcomes import (
    AddressRefused,
    NewAddress,
    list_outcomes,
    outcomes_csv,
    record_outcome,
)
from vigie.notify.tracking import import_status
from vigie.workspace import Workspace, audit

NEW = NewAddress("17 rue des Nouveaux Quartiers", "Appt 4", "35000", "Rennes")


def _reach(ws: Workspace, who: Principal, letter: str) -> str:
    code = code_for(ws, letter)
    with desk(ws, who) as calls:
        found = calls.by_code(code)
    assert found.caller is not None
    return found.caller.person_id


def test_an_outcome_needs_a_lookup_of_that_person_by_that_login(ws: Workspace) -> None:
    letter, person_id = letter_of(ws)
    other_letter, other = letter_of(ws, "l.person_id <> ?", [person_id])
    who = agent()
    with desk(ws, who) as calls, pytest.raises(Denied):
        record_outcome(calls, person_id, "opposition")
    assert _reach(ws, who, letter) == person_id
    with desk(ws, who) as calls:
        outcome = record_outcome(calls, person_id, "opposition")
        for target in (other, person_id.lower(), "P" + "0" * 12, "x" * 500):
            with pytest.raises(Denied):
                record_outcome(calls, target, "new_address", NEW)
    with desk(ws, agent()) as calls, pytest.raises(Denied):  # another agent
        record_outcome(calls, person_id, "complaint")
    with desk(ws, who, NOW + REACH + timedelta(seconds=1)) as calls, pytest.raises(Denied):
        record_outcome(calls, person_id, "access")  # the call is long over
    last = [e for e in audit.read_entries(ws.audit_path) if e["verb"] == "call outcome"][-1]
    assert last["params"] == {"by": who.login, "role": "agent", "person_id": person_id,
                              "kind": "opposition", "outcome": outcome}  # fmt: skip
    assert other_letter


@pytest.mark.parametrize(
    ("address", "problem"),
    [(NewAddress("", "", "35000", "Rennes"), "numéro et la rue"),
     (NewAddress("17 rue A", "", "3500", "Rennes"), "5 chiffres"),
     (NewAddress("17 rue A", "", "35 000 X", "Rennes"), "5 chiffres"),
     (NewAddress("17 rue " + "B" * 40, "", "35000", "Rennes"), "38 caractères"),
     (NewAddress("17 rue A", "Appt 1, Bât B, Esc C, Rés D", "35000", "Rennes"), "6 lignes"),
     (NewAddress("17 rue A", "", "35000", ""), "numéro et la rue")],
)  # fmt: skip
def test_a_new_address_is_checked_as_notify_checks_addresses(
    ws: Workspace, address: NewAddress, problem: str
) -> None:
    letter, person_id = letter_of(ws)
    who = agent()
    _reach(ws, who, letter)
    with desk(ws, who) as calls, pytest.raises(AddressRefused, match=problem):
        record_outcome(calls, person_id, "new_address", address)


def test_outcomes_are_followed_by_the_lead_and_the_persons_controller_only(
    ws: Workspace, tmp_path: Path
) -> None:
    copy = scratch(ws, tmp_path)
    with copy.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT l.letter_id, p.person_id, p.controllers[1] FROM notify_letters l JOIN "
            "persons p USING (person_id) WHERE len(p.controllers) = 1 ORDER BY 1"
        ).fetchall()
    first, *others = rows
    second = next(r for r in others if r[2] != first[2])
    who = agent()
    for letter, person_id, _ in (first, second):
        _reach(copy, who, letter)
        with desk(copy, who) as calls:
            record_outcome(calls, person_id, "access")
            record_outcome(calls, person_id, "new_address", NEW)
    with copy.connect() as con:  # (the copy may hold outcomes of other tests: not `who`'s)
        lead = list_outcomes(copy, con, Principal("m.lead", "lead"))
        dpo = list_outcomes(copy, con, Principal("dpo.a", "controller", first[2]))
        only = list_outcomes(copy, con, Principal("m.lead", "lead"), "access")
        lead, dpo, only = ([r for r in rows if r.agent == who.login] for rows in (lead, dpo, only))
        for who_else in (agent(), Principal("dpo.b", "controller")):
            with pytest.raises(Denied):
                list_outcomes(copy, con, who_else)
    assert {r.person_id for r in lead} == {first[1], second[1]} and len(lead) == 4
    assert {r.person_id for r in dpo} == {first[1]} and len(dpo) == 2
    assert {r.kind for r in only} == {"access"}
    assert {r.state for r in lead} == {"pending", "to_answer"}
    table = list(csv.reader(io.StringIO(outcomes_csv(lead).decode("utf-8"))))
    assert table[0][:4] == ["outcome_id", "recorded_at", "kind", "person_id"]
    assert len(table) == 5 and "Nouveaux" not in str(table)  # no address in the CSV
    views = [e["params"] for e in audit.read_entries(copy.audit_path) if e["verb"] == "view"]
    seen = next(v for v in reversed(views) if v["by"] == "dpo.a")
    assert seen["page"] == "appels" and first[1] in seen["person_ids"]
    assert second[1] not in seen["person_ids"]


def test_a_new_address_is_acted_on_by_notify_resend(ws: Workspace, tmp_path: Path) -> None:
    """console event -> `vigie notify WS --resend` -> a new letter at the new address:
    for a letter still on its way, for a returned one, and for a person with no letter."""
    from vigie.cli import _register_verbs, app

    copy = scratch(ws, tmp_path)
    on_its_way, moved = letter_of(copy)
    back, returned = letter_of(copy, "l.person_id <> ?", [moved])
    _, unsent = letter_of(copy, "l.person_id NOT IN (?, ?)", [moved, returned])
    with copy.connect() as con:  # as notify leaves a person with no usable address
        con.execute("UPDATE persons SET address = NULL WHERE person_id = ?", [unsent])
        con.execute("DELETE FROM notify_letters WHERE person_id = ?", [unsent])
        con.execute("INSERT INTO notify_not_sent VALUES (1, ?, 'no_address')", [unsent])
    status = tmp_path / "laposte.csv"
    status.write_text(f"letter_id,status,date\n{back},NPAI,2021-03-08\n", encoding="utf-8")
    import_status(copy, status)
    who = agent()
    _reach(copy, who, on_its_way)
    said = identity(copy, returned)
    with desk(copy, who) as calls:
        assert "returned" in calls.by_identity(**_args(said)).situations
        record_outcome(calls, moved, "new_address", NEW)
        record_outcome(calls, returned, "new_address", NewAddress("2 place Haute", "", "56000",
                                                                  "Vannes"))  # fmt: skip
    said = identity(copy, unsent)
    with desk(copy, who) as calls:
        assert "no_address" in calls.by_identity(**_args(said)).situations
        record_outcome(calls, unsent, "new_address", NEW)
    persons = [moved, returned, unsent]
    _register_verbs()
    run = CliRunner().invoke(app, ["notify", str(copy.path), "--resend", "--json"])
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)
    assert result["letters"] == len(persons)
    text = " ".join(page_texts(Path(result["out"]) / "letters" / "batch-0001.pdf"))
    assert "Appt 4" in text and "17 RUE DES NOUVEAUX QUARTIERS" in text
    assert "2 PLACE HAUTE" in text and "56000 VANNES" in text
    with copy.connect() as con:
        resent = dict(con.execute(
            "SELECT person_id, resend_of FROM notify_letters WHERE issue = ?", [result["issue"]]
        ).fetchall())  # fmt: skip
        follow = [r for r in list_outcomes(copy, con, Principal("m.lead", "lead"), "new_address")
                  if r.agent == who.login]  # fmt: skip
    assert resent == {moved: on_its_way, returned: back, unsent: None}
    assert len(follow) == len(persons) and {r.state for r in follow} == {"resent"}
    again = CliRunner().invoke(app, ["notify", str(copy.path), "--resend", "--json"])
    assert json.loads(again.stdout)["letters"] == 0  # acted on once
    code = code_for(copy, on_its_way)
    with desk(copy, who, NOW + timedelta(minutes=1)) as calls:
        caller = calls.by_code(code).caller
    assert caller is not None and [x.status for x in caller.letters] == ["resent", "issued"]


def _args(said: dict[str, str]) -> dict[str, str]:
    return {"surname": said["nom"], "first_name": said["prenom"], "birth": said["naissance"],
            "postcode": said["code_postal"]}  # fmt: skip
