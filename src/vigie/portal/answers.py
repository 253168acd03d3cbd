"""`vigie portal requests import`: open sealed self-check requests and answer each by post.

Every answer goes to an address on record, never to one typed in the form (whoever types
a name must not learn by e-mail or at their own address that someone else is concerned):
- `concerned`: the request matches a person of the leak: their letter is issued again
  (new code, same content) to the address on record, as a notify issue of kind `answer`;
- `not_concerned`: it matches a controller's patient who is in no leak row: a note saying
  so goes to the registry's address, from that controller;
- `by_hand`: nothing on record matches surely (or several persons do, or no address can
  reach them): the request goes on a list the response team handles itself.
Matching is the link model's (vigie.link.match): a request is scored against the leak and
registry records as a leak row would be. A request imported once is never answered again
(a digest of each sealed line is kept), so the portal's file can be imported as it grows.
Decisions land in `portal_answers`; the import is audited with counts only.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import StoreError
from vigie.link import match
from vigie.link.decide import Thresholds
from vigie.notify import address, codes
from vigie.notify import records as notify_records
from vigie.notify.letters import write_private
from vigie.notify.minors import MinorsPolicy
from vigie.notify.people import load_people, plan
from vigie.portal.requests import open_sealed_lines, sealing_key
from vigie.spreadsheet import csv_bytes
from vigie.workspace import Workspace, audit, transaction

ANSWERS_DIR = "portal"
ANSWERS_DDL = (
    "CREATE TABLE IF NOT EXISTS portal_answers (import_no INTEGER, request_no INTEGER, "
    "received VARCHAR, outcome VARCHAR, person_id VARCHAR)"
)
# Columns added after the first release: a workspace made before gets them on import.
_LATER_COLUMNS = (
    ("request_digest", "VARCHAR"),
    ("probability", "DOUBLE"),
    ("registry_record", "VARCHAR"),
    ("answer", "VARCHAR"),
    ("reason", "VARCHAR"),
)
NOTE_TEMPLATE = Path(__file__).parent / "templates" / "note.typ"
BY_HAND_FIELDS = ("request", "received", "nom", "prenom", "date_naissance", "code_postal",
                  "email", "reason")  # fmt: skip


@dataclass(frozen=True)
class AnswerOptions:
    letter_date: date | None = None
    verify_url: str | None = None
    processes: int = 1
    thresholds: Thresholds = field(default_factory=Thresholds)


@dataclass
class Answer:
    """The decision for one request."""

    outcome: str  # concerned | not_concerned | by_hand
    person_id: str | None = None
    registry: match.Match | None = None  # the registry row a note goes to
    probability: float | None = None
    reason: str | None = None
    answer: str | None = None  # the letter or note id


def decide(
    matches: list[match.Match],
    person_of: dict[tuple[str, int], str],
    upper: float,
    postcode: str = "",
) -> Answer:
    """One request's answer from its scored matches (best first; all >= the lower bound).
    The postcode typed only breaks ties between persons (it is not compared: see match)."""
    if not matches:
        return Answer("by_hand", reason="no_match")
    persons = {person_of.get((m.table, m.row)) for m in matches} - {None}
    if len(persons) > 1 and postcode.strip():
        near = [m for m in matches if (m.postcode or "") == postcode.strip()]
        near_persons = {person_of.get((m.table, m.row)) for m in near} - {None}
        if len(near_persons) == 1:
            matches, persons = near, near_persons
    if len(persons) > 1:
        return Answer("by_hand", reason="several_persons")
    sure = [m for m in matches if m.probability >= upper]
    if not sure:
        return Answer("by_hand", reason="doubtful_match")
    best = sure[0]
    if persons:
        if person_of.get((best.table, best.row)) is None:
            # the surest match is a row of no person, another row is a person's: a
            # person of the team decides
            return Answer("by_hand", reason="doubtful_match")
        (person,) = persons
        return Answer("concerned", person_id=person, probability=best.probability)
    if any(m.kind == "leak" for m in matches):
        # a leak row of no person (a person decided it is no one's): not for a machine
        return Answer("by_hand", reason="doubtful_match")
    registry = next(m for m in sure if m.kind == "registry")
    return Answer("not_concerned", registry=registry, probability=best.probability)


def import_requests(
    ws: Workspace, path: Path, options: AnswerOptions = AnswerOptions()
) -> dict[str, Any]:
    """Open, decide, answer and record every new request of a sealed file."""
    started = time.monotonic()
    facts = ws.facts()
    with ws.connect() as con:
        private = sealing_key(con, create=False)
        if private is None:
            raise StoreError("no sealing key in this workspace: run `vigie portal build` first")
        opened, bad = open_sealed_lines(private, path)
        _ensure_table(con)
        seen = {r[0] for r in con.execute(
            "SELECT request_digest FROM portal_answers WHERE request_digest IS NOT NULL"
        ).fetchall()}  # fmt: skip
        fresh = [(digest, r) for digest, r in opened if digest not in seen]
        number = _next_import(con)
        counts: dict[str, Any] = {"requests": len(opened), "already_imported": len(opened)
                                  - len(fresh), "unreadable": bad, "concerned": 0,
                                  "not_concerned": 0, "by_hand": 0}  # fmt: skip
        if not fresh:
            ws.record("portal requests import", {"file": path.name, "import": number}, counts,
                      started=started, con=con)  # fmt: skip
            return {**counts, "letters": 0, "notes": 0, "import": number, "out": None}
        requests = [r for _, r in fresh]
        model = match.stored_model(con, _last_link_digest(ws))
        scored = match.score_requests(con, requests, model, lower=options.thresholds.lower)
        person_of = _persons_of(con, scored)
        answers = [decide(m, person_of, options.thresholds.upper, r.get("code_postal", ""))
                   for m, r in zip(scored, requests, strict=True)]  # fmt: skip
        out = ws.out_dir / ANSWERS_DIR / f"answers-{number:02d}"
        if out.exists():
            shutil.rmtree(out)  # left by an import killed before it recorded anything
        letters, issue = _issue_letters(ws, con, facts, answers, options)
        notes = _write_notes(out, facts, answers, options)
        _write_by_hand(out, fresh, answers)
        for answer in answers:
            counts[answer.outcome] += 1
        rows = [
            [number, n, request.get("received", ""), a.outcome, a.person_id, digest,
             a.probability, f"{a.registry.table}:{a.registry.row}" if a.registry else None,
             a.answer, a.reason]
            for n, ((digest, request), a) in enumerate(zip(fresh, answers, strict=True), 1)
        ]  # fmt: skip
        with transaction(con):
            con.executemany(
                "INSERT INTO portal_answers (import_no, request_no, received, outcome, "
                "person_id, request_digest, probability, registry_record, answer, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        result = {**counts, "letters": letters, "notes": notes, "import": number,
                  "issue": issue, "out": str(out)}  # fmt: skip
        params = {"file": path.name, "import": number, "issue": issue}
        ws.record("portal requests import", params, {**counts, "letters": letters,
                  "notes": notes}, started=started, con=con)  # fmt: skip
    return result


def _ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ANSWERS_DDL)
    for column, kind in _LATER_COLUMNS:
        con.execute(f"ALTER TABLE portal_answers ADD COLUMN IF NOT EXISTS {column} {kind}")


def _next_import(con: duckdb.DuckDBPyConnection) -> int:
    last = con.execute("SELECT coalesce(max(import_no), 0) FROM portal_answers").fetchone()
    return int(last[0]) + 1 if last else 1


def _last_link_digest(ws: Workspace) -> str | None:
    for entry in reversed(audit.read_entries(ws.audit_path)):
        if entry.get("verb") == "link":
            digest = (entry.get("params") or {}).get("model_digest")
            return str(digest) if digest else None
    return None


def last_verify_url(ws: Workspace) -> str | None:
    """The verification page the letters print: the last `vigie notify --verify-url`, else
    the `/verifier` page of the last `vigie portal build --base-url`."""
    for entry in reversed(audit.read_entries(ws.audit_path)):
        params = entry.get("params") or {}
        if entry.get("verb") == "notify" and params.get("verify_url"):
            return str(params["verify_url"])
        if entry.get("verb") == "portal build" and params.get("base_url"):
            return str(params["base_url"]).rstrip("/") + "/verifier"
    return None


def _persons_of(
    con: duckdb.DuckDBPyConnection, scored: list[list[match.Match]]
) -> dict[tuple[str, int], str]:
    """The person each matched leak or registry row belongs to (registry rows of patients
    in no leak row belong to no person)."""
    wanted = {(m.table, m.row) for matches in scored for m in matches}
    if not wanted:
        return {}
    rows = con.execute(
        'SELECT "table", _row, person_id FROM person_records UNION ALL '
        'SELECT "table", _row, person_id FROM person_registry'
    ).fetchall()
    return {(t, int(r)): p for t, r, p in rows if (t, int(r)) in wanted}


def _issue_letters(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    facts: dict[str, Any],
    answers: list[Answer],
    options: AnswerOptions,
) -> tuple[int, int | None]:
    """The concerned persons' letters again, to the address on record: one notify issue of
    kind `answer`. A person the letters cannot reach (no usable address, deceased) is
    handled by hand instead."""
    from vigie.notify import large_print
    from vigie.notify.issue import write_issue
    from vigie.notify.run import NotifyOptions, _next_issue, issue_spec

    wanted = {a.person_id for a in answers if a.outcome == "concerned"}
    if not wanted:
        return 0, None
    notify_records.ensure_tables(con)
    notify = NotifyOptions(processes=options.processes, letter_date=options.letter_date,
                           verify_url=options.verify_url)  # fmt: skip
    spec = issue_spec(ws, facts, notify, _next_issue(con), "answer")
    spec = replace(spec, large_print=large_print.standing(con))  # a request for it stands
    people = [p for p in load_people(con, spec.inc.letter_date) if p.person_id in wanted]
    planned, not_sent = plan(people, MinorsPolicy.from_facts(facts))
    unreachable = dict(not_sent)
    for answer in answers:
        if answer.outcome == "concerned" and answer.person_id in unreachable:
            answer.outcome, answer.reason = "by_hand", unreachable[answer.person_id]
    if not planned:
        return 0, None
    secret = codes.load_secret(con, create=True)
    assert secret is not None
    outcome = write_issue(con, spec, planned, [], secret)
    letter_of = _letter_ids(con, spec.issue)
    for answer in answers:
        if answer.outcome == "concerned":
            answer.answer = letter_of.get(answer.person_id or "")
    return outcome.letters, spec.issue


def _letter_ids(con: duckdb.DuckDBPyConnection, issue: int) -> dict[str, str]:
    rows = con.execute(
        "SELECT person_id, letter_id FROM notify_letters WHERE issue = ?", [issue]
    ).fetchall()
    return {str(p): str(lid) for p, lid in rows}


def _write_notes(
    out: Path, facts: dict[str, Any], answers: list[Answer], options: AnswerOptions
) -> int:
    """One PDF of notes ("your data are not in the leak") to the registries' addresses;
    a patient whose address cannot be printed is handled by hand."""
    import typst

    letter_date = options.letter_date or date.today()
    contacts = _controller_contacts(facts)
    notes: list[dict[str, Any]] = []
    for answer in answers:
        if answer.outcome != "not_concerned" or answer.registry is None:
            continue
        m = answer.registry
        recipient = address.Recipient(m.sex, m.first_names, m.surname, m.address,
                                      m.postcode, m.city)  # fmt: skip
        block = address.format_address(recipient)
        if isinstance(block, address.AddressProblem):
            answer.outcome, answer.reason = "by_hand", block.code
            continue
        answer.answer = f"N{len(notes) + 1:04d}"
        notes.append({
            "id": answer.answer,
            "address": list(block),
            "salutation": _salutation(m.sex),
            "controller": m.controller or contacts.get("", {}).get("name", ""),
            "dpo": contacts.get(m.controller or "", {}).get("dpo", ""),
        })  # fmt: skip
    if not notes:
        return 0
    data = {
        "date": _french_date(letter_date),
        "title": str(facts.get("title") or "fuite de données"),
        "occurred": _french_date(facts.get("occurred_at")),
        "verify_url": options.verify_url or "",
        "notes": notes,
    }
    pdf = typst.compile(
        str(NOTE_TEMPLATE),
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        ignore_system_fonts=True,
    )
    write_private(out / "notes.pdf", pdf if isinstance(pdf, bytes) else b"")
    manifest = [[n["id"], i + 1, n["address"][-1][:5], n["controller"]]
                for i, n in enumerate(notes)]  # fmt: skip
    write_private(out / "notes.csv", csv_bytes(("note_id", "page", "postcode", "controller"),
                                          manifest))  # fmt: skip
    return len(notes)


def _write_by_hand(out: Path, fresh: list[tuple[str, dict[str, str]]],
                   answers: list[Answer]) -> None:  # fmt: skip
    """What was typed, for the requests a person must answer (this file is personal data:
    owner-only, under out/ like the letters)."""
    rows = [
        [n, request.get("received", ""), *(request.get(f, "") for f in BY_HAND_FIELDS[2:7]),
         answer.reason or ""]
        for n, ((_, request), answer) in enumerate(zip(fresh, answers, strict=True), 1)
        if answer.outcome == "by_hand"
    ]  # fmt: skip
    if rows:
        write_private(out / "by_hand.csv", csv_bytes(BY_HAND_FIELDS, rows))


def _controller_contacts(facts: dict[str, Any]) -> dict[str, dict[str, str]]:
    listed = [c for c in facts.get("controllers") or [] if isinstance(c, dict) and c.get("name")]
    contacts = {str(c["name"]): {"name": str(c["name"]), "dpo": str(c.get("dpo_email") or "")}
                for c in listed}  # fmt: skip
    if listed:
        contacts[""] = contacts[str(listed[0]["name"])]
    return contacts


def _salutation(sex: str | None) -> str:
    return {"F": "Madame", "M": "Monsieur"}.get((sex or "").upper()[:1], "Madame, Monsieur")


_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")  # fmt: skip


def _french_date(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value)[:10])
        except ValueError:
            return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {_MONTHS[value.month - 1]} {value.year}"
