"""The call centre's data layer: who may look up, what a lookup shows (and never shows),
identity matching, the lookups' quota, and the audit of every lookup."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.console.callers import code_for, identity, letter_of, scratch
from tests.console.conftest import controllers_by_size
from vigie.console.accounts import Principal
from vigie.console.calls import MAX_LOOKUPS, MAX_MISSES, WINDOW, CallDesk, birth_dates
from vigie.console.data import Denied
from vigie.notify.minors import WITHHELD
from vigie.workspace import Workspace, audit

NOW = datetime(2021, 3, 10, 9, tzinfo=UTC)
_agents = itertools.count(1)


def agent() -> Principal:
    return Principal(f"c.agent{next(_agents)}", "agent")


@contextmanager
def desk(ws: Workspace, who: Principal, now: datetime = NOW) -> Iterator[CallDesk]:
    with ws.connect() as con:
        yield CallDesk(ws, con, who, now)


def test_only_agents_and_the_lead_look_callers_up(ws: Workspace) -> None:
    name = controllers_by_size(ws)[0]
    with pytest.raises(Denied), desk(ws, Principal("dpo.c", "controller", name)):
        pass
    for who in (agent(), Principal("m.lead", "lead")):
        with desk(ws, who) as calls:
            assert calls.by_code("0000-0000-0000").outcome == "unknown_code"


def test_a_genuine_code_finds_its_letter_and_person_and_is_a_view(ws: Workspace) -> None:
    letter, person_id = letter_of(ws)
    code = code_for(ws, letter)
    who = agent()
    with desk(ws, who) as calls:
        found = calls.by_code(code.lower().replace("-", " "))
    assert found.outcome == "genuine" and found.letter_id == letter
    assert found.caller is not None and found.caller.person_id == person_id
    assert found.situations[0] == "genuine"
    assert found.caller.letters[0].letter_id == letter
    assert found.caller.letters[0].status == "issued"
    last = audit.read_entries(ws.audit_path)[-1]
    expected = {"by": who.login, "role": "agent", "page": "appel", "via": "code"}
    assert last["verb"] == "view" and last["params"] == {**expected, "person_id": person_id}


def test_a_lookup_shows_no_value_of_the_person(ws: Workspace) -> None:
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT p.person_id, l.letter_id, p.surname, p.first_names, "
            "CAST(p.birth_date AS VARCHAR), strftime(p.birth_date, '%d/%m/%Y'), p.postcode, "
            "p.city, p.address, p.phone, p.email FROM persons p JOIN notify_letters l "
            "USING (person_id) ORDER BY p.person_id LIMIT 8"
        ).fetchall()
    for person_id, letter, *values in rows:
        code = code_for(ws, letter)
        with desk(ws, agent()) as calls:
            found = calls.by_code(code)
        assert found.caller is not None and found.caller.person_id == person_id
        caller = found.caller
        # everything shown but the senders' names (a lab's name may hold a town's)
        shown = repr((caller.identity, caller.elements, caller.tier_sentence, caller.advice,
                      [(x.letter_id, x.status) for x in caller.letters]))  # fmt: skip
        leaked = [n for n, v in enumerate(values) if v and len(str(v)) >= 4 and str(v) in shown]
        assert leaked == []  # indices only: a failure must not print a value
        assert {k for k, _ in found.caller.identity} <= {
            "Nom", "Prénom", "Date de naissance", "Code postal", "Commune"}  # fmt: skip
        assert all("*" in v for _, v in found.caller.identity)


@pytest.mark.parametrize("wrong", ["nom", "prenom", "naissance", "code_postal"])
def test_identity_needs_all_four_fields_and_misses_look_alike(ws: Workspace, wrong: str) -> None:
    _, person_id = letter_of(ws)
    said = identity(ws, person_id)
    with desk(ws, agent()) as calls:
        found = calls.by_identity(said["nom"], said["prenom"], said["naissance"],
                                  said["code_postal"])  # fmt: skip
        assert found.outcome == "found" and found.caller is not None
        assert found.caller.person_id == person_id
        bad = {**said, wrong: {"nom": "Zzyzx", "prenom": "Zoltan", "naissance": "01/01/1901",
                               "code_postal": "97199"}[wrong]}  # fmt: skip
        miss = calls.by_identity(bad["nom"], bad["prenom"], bad["naissance"], bad["code_postal"])
        stranger = calls.by_identity("Zzyzx", "Zoltan", "01/01/1901", "97199")
        empty = calls.by_identity("", "", "", "")
    assert miss == stranger == empty
    assert miss.outcome == "not_found" and miss.caller is None and miss.situations == ["not_found"]


def test_identity_is_compared_as_link_compares_names(ws: Workspace) -> None:
    """Case, accents, hyphens and spaces, the birth name for the usage name, another given
    name, day and month swapped: all forgiven (the link stage's standardisation)."""
    with ws.connect(read_only=True) as con:
        person_id, birth_name = con.execute(
            "SELECT person_id, birth_name FROM persons WHERE birth_name IS NOT NULL "
            "AND day(birth_date) <= 12 AND day(birth_date) <> month(birth_date) "
            "AND first_names LIKE '% %' ORDER BY 1 LIMIT 1"
        ).fetchall()[0]
    said = identity(ws, person_id)
    day, month, year = said["naissance"].split("/")
    with ws.connect(read_only=True) as con:
        second = con.execute(
            "SELECT split_part(first_names, ' ', 2) FROM persons WHERE person_id = ?", [person_id]
        ).fetchall()[0][0]
    variants = [
        (said["nom"].lower(), said["prenom"].upper(), said["naissance"], said["code_postal"]),
        (f"  {said['nom'].upper()} ", said["prenom"], f"{year}-{month}-{day}",
         said["code_postal"]),
        (birth_name, second, f"{month}/{day}/{year}", f" {said['code_postal']} "),
    ]  # fmt: skip
    with desk(ws, agent()) as calls:
        for nom, prenom, naissance, cp in variants:
            found = calls.by_identity(nom, prenom, naissance, cp)
            assert found.caller is not None and found.caller.person_id == person_id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("07/03/1964", ["1964-03-07", "1964-07-03"]), ("1964-03-07", ["1964-03-07", "1964-07-03"]),
     ("25/12/1980", ["1980-12-25"]), ("07031964", ["1964-03-07", "1964-07-03"]),
     ("3/3/1990", ["1990-03-03"]), ("31/02/1990", []), ("hier", []), ("", [])],
)  # fmt: skip
def test_birth_dates_as_typed(typed: str, expected: list[str]) -> None:
    assert [d.isoformat() for d in birth_dates(typed)] == expected


def test_many_wrong_codes_from_one_account_are_refused_before_any_lookup(ws: Workspace) -> None:
    letter, _ = letter_of(ws)
    genuine = code_for(ws, letter)
    who = agent()
    wrong = [f"{n:04d}-ABCD-EFGH" for n in range(MAX_MISSES)]
    with desk(ws, who) as calls:
        answers = [calls.by_code(code) for code in wrong]
    assert {a.outcome for a in answers} == {"unknown_code"}
    later = NOW + timedelta(minutes=3)
    with desk(ws, who, later) as calls:
        refused = calls.by_code(genuine)  # a genuine code, once the account is over its quota
    assert refused.outcome == "limited" and refused.caller is None
    assert 0 < refused.retry_after <= WINDOW.total_seconds()
    with desk(ws, agent(), later) as calls:  # another account is not held back
        assert calls.by_code(genuine).outcome == "genuine"
    with desk(ws, who, NOW + WINDOW + timedelta(seconds=1)) as calls:  # the window moved on
        assert calls.by_code(genuine).outcome == "genuine"
    entries = audit.read_entries(ws.audit_path)
    mine = [e for e in entries if (e.get("params") or {}).get("by") == who.login]
    assert [e["verb"] for e in mine].count("call lookup") == MAX_MISSES
    assert [e["verb"] for e in mine].count("call limit") == 1
    assert all(code not in str(e) for e in mine for code in (*wrong, genuine))


def test_many_identities_from_one_account_are_refused(ws: Workspace) -> None:
    _, person_id = letter_of(ws)
    said = identity(ws, person_id)
    who = agent()
    outcomes = []
    with desk(ws, who) as calls:
        for n in range(MAX_MISSES + 1):
            answer = calls.by_identity(f"Nom{n}", "Jean", "01/02/1950", "35000")
            outcomes.append(answer.outcome)
        hidden = calls.by_identity(said["nom"], said["prenom"], said["naissance"],
                                   said["code_postal"])  # fmt: skip
    assert outcomes == ["not_found"] * MAX_MISSES + ["limited"]
    assert hidden.outcome == "limited" and hidden.caller is None


def test_lookups_that_find_are_capped_too(ws: Workspace) -> None:
    letter, _ = letter_of(ws)
    code = code_for(ws, letter)
    with desk(ws, agent()) as calls:
        answers = [calls.by_code(code).outcome for _ in range(MAX_LOOKUPS + 1)]
    assert answers == ["genuine"] * MAX_LOOKUPS + ["limited"]


def test_a_minors_withheld_items_never_reach_the_agent(ws: Workspace, tmp_path: Path) -> None:
    """A child of 10 and one of 16 with an HIV test: the agent sees "informations de santé"
    only, by identity (perhaps a parent) as by the code of either letter."""
    copy = scratch(ws, tmp_path)
    letters = []
    with copy.connect() as con:
        rows = con.execute(
            "SELECT l.letter_id, l.person_id FROM notify_letters l ORDER BY l.letter_id LIMIT 2"
        ).fetchall()
        ages = ((10, "minor_generic"), (16, "minor_own"))
        for (letter, person_id), (age, variant) in zip(rows, ages, strict=True):
            con.execute("UPDATE persons SET birth_date = ? WHERE person_id = ?",
                        [(NOW - timedelta(days=365 * age + 30)).date(), person_id])  # fmt: skip
            con.execute("INSERT INTO person_exposure VALUES (?, 'health.hiv')", [person_id])
            con.execute("UPDATE notify_letters SET variant = ? WHERE letter_id = ?",
                        [variant, letter])  # fmt: skip
            letters.append((letter, person_id, variant))
    for letter, person_id, variant in letters:
        said, code = identity(copy, person_id), code_for(copy, letter)
        with desk(copy, agent()) as calls:
            by_code = calls.by_code(code)
            by_name = calls.by_identity(said["nom"], said["prenom"], said["naissance"],
                                        said["code_postal"])  # fmt: skip
        for found in (by_code, by_name):
            assert found.caller is not None and found.caller.minor
            assert "health.hiv" not in found.caller.elements and WITHHELD in found.caller.elements
            assert "VIH" not in repr(found.caller)
        assert "minor" in by_name.situations and "minor_own" not in by_name.situations
        assert ("minor_own" in by_code.situations) == (variant == "minor_own")
