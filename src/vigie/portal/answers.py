"""`vigie portal requests import`: open sealed self-check requests and decide each answer.

Every answer goes by post to the address on record, never to one typed in the form:
- `concerned`: a person of the leak (their letter is sent again to the address on record);
- `not_concerned`: a person known to a controller's registry but not in the leak (a note,
  the same way);
- `by_hand`: nothing on record matches or can reach them (an access request for a person).
Matching: same birth date, the same name (usage or birth name, accents and case folded),
one of the first names in common; the postcode breaks ties (the link model's scoring is
not used yet). Decisions land in the store (table portal_answers); the import is audited
with counts only. Printing the answers (a `notify` issue from portal_answers) is the next
step: until then the operator reads the decisions from the store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import StoreError
from vigie.portal.requests import open_requests, sealing_key
from vigie.scan.recognizers.dates import parse_date
from vigie.scan.recognizers.text_norm import key
from vigie.workspace import Workspace, transaction

ANSWERS_DDL = (
    "CREATE TABLE IF NOT EXISTS portal_answers (import_no INTEGER, request_no INTEGER, "
    "received VARCHAR, outcome VARCHAR, person_id VARCHAR)"
)


@dataclass(frozen=True)
class Candidate:
    person_id: str
    names: frozenset[str]
    given: frozenset[str]
    postcode: str
    in_leak: bool
    reachable: bool


def _candidates(con: duckdb.DuckDBPyConnection, born: Any) -> list[Candidate]:
    rows = con.execute(
        "SELECT person_id, surname, birth_name, first_names, postcode, leak_rows, address "
        "FROM persons WHERE birth_date = ?",
        [born],
    ).fetchall()
    return [
        Candidate(str(pid), frozenset(key(n) for n in (surname, birth) if n),
                  frozenset(key(first or "").split()), str(postcode or ""),
                  bool(leak_rows), bool(address))
        for pid, surname, birth, first, postcode, leak_rows, address in rows
    ]  # fmt: skip


def decide(con: duckdb.DuckDBPyConnection, request: dict[str, str]) -> tuple[str, str | None]:
    """(outcome, person_id) for one opened request."""
    born = parse_date(request.get("date_naissance", ""))
    if born is None:
        return "by_hand", None
    name, given = key(request.get("nom", "")), set(key(request.get("prenom", "")).split())
    found = [c for c in _candidates(con, born) if name in c.names and given & c.given]
    if len(found) > 1:
        found = [c for c in found if c.postcode == request.get("code_postal", "").strip()]
    if len(found) != 1 or not found[0].reachable:
        return "by_hand", None
    person = found[0]
    return ("concerned" if person.in_leak else "not_concerned"), person.person_id


def import_requests(ws: Workspace, path: Path) -> dict[str, int]:
    """Open, decide and record every request of a sealed file; counts for the CLI."""
    started = time.monotonic()
    with ws.connect() as con:
        private = sealing_key(con, create=False)
        if private is None:
            raise StoreError("no sealing key in this workspace: run `vigie portal build` first")
        opened, bad = open_requests(private, path)
        con.execute(ANSWERS_DDL)
        last = con.execute("SELECT coalesce(max(import_no), 0) FROM portal_answers").fetchone()
        number = int(last[0]) + 1 if last else 1
        counts = {"requests": len(opened), "unreadable": bad, "concerned": 0,
                  "not_concerned": 0, "by_hand": 0}  # fmt: skip
        rows = []
        for n, request in enumerate(opened, 1):
            outcome, person_id = decide(con, request)
            counts[outcome] += 1
            rows.append([number, n, request.get("received", ""), outcome, person_id])
        with transaction(con):
            if rows:
                con.executemany("INSERT INTO portal_answers VALUES (?, ?, ?, ?, ?)", rows)
        ws.record("portal requests import", {"file": path.name, "import": number}, counts,
                  started=started, con=con)  # fmt: skip
    return counts
