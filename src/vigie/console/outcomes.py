"""The outcome of a call, recorded as an event the pipeline acts on (`call_outcomes`).

- `new_address`: the caller's current address, checked as notify checks every address
  (NF Z10-011 block: at most 6 lines of 38 characters, a 5-digit postcode); the next
  `vigie notify WS --resend` writes their letter again to it (notify/reported.py);
- `opposition` (GDPR Art. 21), `complaint`, `access` (Art. 15): listed for the incident
  lead and the person's controller, who answer by post, and exportable as CSV.
An outcome can be recorded only for a person this login found by a lookup within
calls.REACH: a person id posted from anywhere else is refused, so no one can, say, send
someone's letter to an address of their choosing without first reaching that person as
a caller would. There is no free-text field: what a caller says about their health must
not land in the store. Each outcome is audited (`call outcome`), never with an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from vigie.assess.facts import LOCAL_ZONE
from vigie.console.accounts import Principal
from vigie.console.calls import CallDesk
from vigie.console.data import Denied
from vigie.notify.address import AddressProblem, Recipient, format_address
from vigie.notify.variants import is_minor
from vigie.spreadsheet import csv_bytes
from vigie.workspace import Workspace, table_exists

KINDS = ("new_address", "opposition", "complaint", "access")
FOLLOWERS = ("lead", "controller")
OUTCOMES_DDL = (
    "CREATE TABLE IF NOT EXISTS call_outcomes (outcome_id VARCHAR, recorded_at TIMESTAMPTZ, "
    "login VARCHAR, role VARCHAR, person_id VARCHAR, letter_id VARCHAR, via VARCHAR, "
    "kind VARCHAR, address VARCHAR, postcode VARCHAR, city VARCHAR, after_issue INTEGER)"
)
CSV_FIELDS = ("outcome_id", "recorded_at", "kind", "person_id", "letter_id", "via", "agent",
              "state", "new_letter")  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ADDRESS_PROBLEMS = {
    "no_address": "Indiquez le numéro et la rue, le code postal et la commune.",
    "bad_postcode": "Le code postal doit compter 5 chiffres.",
    "line_too_long": "Une ligne de l'adresse dépasse 38 caractères : abrégez le complément "
    "(par exemple « Bât » pour bâtiment, « Appt » pour appartement).",
    "too_many_lines": "L'adresse tiendrait sur plus de 6 lignes : regroupez le complément.",
}


@dataclass(frozen=True)
class NewAddress:
    street: str
    complement: str
    postcode: str
    city: str

    @classmethod
    def from_form(cls, form: dict[str, str]) -> NewAddress:
        def clean(name: str) -> str:
            return " ".join(_CONTROL.sub(" ", form.get(name, "")).split())[:80]

        return cls(clean("rue"), clean("complement"), clean("code_postal"), clean("commune"))

    @property
    def lines(self) -> str:
        """The street lines as notify reads them: parts separated by commas."""
        return ", ".join(p for p in (self.complement, self.street) if p)


class AddressRefused(Exception):
    """The address cannot be printed to the norm; `message` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class OutcomeRow:
    outcome_id: str
    recorded_at: datetime  # Paris time
    kind: str
    person_id: str
    letter_id: str | None
    via: str | None
    agent: str
    state: str  # pending | resent | to_answer
    new_letter: str | None


def record_outcome(
    desk: CallDesk, person_id: str, kind: str, address: NewAddress | None = None
) -> str:
    """Record one outcome of a call with a person this login reached; its id."""
    con = desk.con
    if kind not in KINDS:
        raise ValueError(kind)
    if len(person_id) > 40 or not desk.reached(person_id):
        raise Denied("no lookup reached this person")
    con.execute(OUTCOMES_DDL)
    street = postcode = city = None
    if kind == "new_address":
        if address is None:
            raise AddressRefused(ADDRESS_PROBLEMS["no_address"])
        _check_address(con, person_id, address, desk.now)
        street, postcode, city = address.lines, address.postcode.replace(" ", ""), address.city
    letter_id, after_issue = _latest_letter(con, person_id)
    via = con.execute(
        "SELECT arg_max(via, looked_at) FROM call_lookups WHERE login = ? AND person_id = ?",
        [desk.who.login, person_id],
    ).fetchall()[0][0]
    number = con.execute("SELECT count(*) FROM call_outcomes").fetchall()[0][0] + 1
    outcome_id = f"A{number:06d}"
    con.execute(
        "INSERT INTO call_outcomes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [outcome_id, desk.now, desk.who.login, desk.who.role, person_id, letter_id, via,
         kind, street, postcode, city, after_issue],
    )  # fmt: skip
    params = {"by": desk.who.login, "role": desk.who.role, "person_id": person_id,
              "kind": kind, "outcome": outcome_id}  # fmt: skip
    desk.ws.record("call outcome", params, {}, con=con)
    return outcome_id


def _check_address(
    con: duckdb.DuckDBPyConnection, person_id: str, address: NewAddress, now: datetime
) -> None:
    """The address must make a block notify can print, with the person's own name line."""
    sex, first, surname, birth = con.execute(
        "SELECT sex, first_names, surname, birth_date FROM persons WHERE person_id = ?",
        [person_id],
    ).fetchall()[0]
    recipient = Recipient(sex, first, surname, address.lines, address.postcode, address.city,
                          is_minor(birth, now.date()))  # fmt: skip
    block = format_address(recipient)
    if isinstance(block, AddressProblem):
        raise AddressRefused(ADDRESS_PROBLEMS[block.code])


def _latest_letter(con: duckdb.DuckDBPyConnection, person_id: str) -> tuple[str | None, int]:
    """The person's latest letter, and the last issue so far (the change follows it)."""
    if not table_exists(con, "notify_letters"):
        return None, 0
    letter = con.execute(
        "SELECT arg_max(letter_id, issue) FROM notify_letters WHERE person_id = ?", [person_id]
    ).fetchall()[0][0]
    last = con.execute("SELECT coalesce(max(issue), 0) FROM notify_issues").fetchall()[0][0]
    return letter, int(last)


def list_outcomes(
    ws: Workspace, con: duckdb.DuckDBPyConnection, who: Principal, kind: str | None = None
) -> list[OutcomeRow]:
    """The calls' outcomes a lead (all) or a controller (its persons') may follow, newest
    first; the persons shown are a `view` of the audit chain."""
    if who.role not in FOLLOWERS or (who.role == "controller" and not who.controller):
        raise Denied(who.role)
    if not table_exists(con, "call_outcomes"):
        return []
    scope, params = "true", []
    if who.role == "controller":
        scope, params = "list_contains(p.controllers, ?)", [who.controller]
    wanted = "AND o.kind = ?" if kind in KINDS else ""
    later = (
        "(SELECT arg_min(l.letter_id, l.issue) FROM notify_letters l WHERE l.person_id = "
        "o.person_id AND l.issue > o.after_issue)"
        if table_exists(con, "notify_letters")
        else "NULL"
    )
    rows = con.execute(
        f"SELECT o.outcome_id, o.recorded_at, o.kind, o.person_id, o.letter_id, o.via, "
        f"o.login, {later} FROM call_outcomes o JOIN persons p USING (person_id) "
        f"WHERE {scope} {wanted} ORDER BY o.recorded_at DESC, o.outcome_id DESC",
        [*params, *([kind] if wanted else [])],
    ).fetchall()
    found = [
        OutcomeRow(oid, at.astimezone(LOCAL_ZONE), k, pid, lid, via, login, _state(k, new), new)
        for oid, at, k, pid, lid, via, login, new in rows
    ]
    if found:
        params_ = {"by": who.login, "role": who.role, "page": "appels",
                   "person_ids": sorted({r.person_id for r in found})}  # fmt: skip
        ws.note("view", params_, con)
    return found


def _state(kind: str, new_letter: str | None) -> str:
    if kind != "new_address":
        return "to_answer"
    return "resent" if new_letter else "pending"


def outcomes_csv(rows: list[OutcomeRow]) -> bytes:
    """The outcomes as a CSV safe to open in a spreadsheet (no address in it)."""
    data: list[list[Any]] = [
        [r.outcome_id, r.recorded_at.isoformat(timespec="seconds"), r.kind, r.person_id,
         r.letter_id or "", r.via or "", r.agent, r.state, r.new_letter or ""]
        for r in rows
    ]  # fmt: skip
    return csv_bytes(CSV_FIELDS, data)
