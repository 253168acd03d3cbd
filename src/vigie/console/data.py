"""Every read the console makes, scoped to who asks: a page never runs SQL itself.

A `Reader` is made per request with the authenticated `Principal`. Each query carries
the principal's scope: a lead reads every person; a controller only persons whose
`persons.controllers` holds its name — a person id of another controller is simply not
found (the page answers 404, exactly as for an id that does not exist); an agent reads
no person through these functions (`Denied`, 403). Every read of a person's data appends
a "view" entry to the audit chain: who, which person id(s), on which page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from vigie.console.accounts import Principal
from vigie.report.decision import Clock, clock, latest_decision
from vigie.report.labels import ELEMENTS_FR
from vigie.scan import masking
from vigie.scan.recognizers.text_norm import fold
from vigie.workspace import Workspace, audit, table_exists

PAGE_SIZE = 50
LETTER_REF = re.compile(r"^L\d{2}-\d{6}$")
_NAME_CHARS = re.compile(r"[^A-Z' -]")

# The latest news of each letter (the rule of notify.tracking: date, import, later stage).
_LATEST_STATUS = """
    SELECT letter_id, arg_max(status, (coalesce(status_date, DATE '1970-01-01'), imported_at,
        CASE status WHEN 'returned' THEN 3 WHEN 'delivered' THEN 2 ELSE 1 END)) AS status
    FROM notify_status GROUP BY 1"""


class Denied(Exception):
    """The role may not read this at all (403), whatever the id."""


@dataclass
class Dashboard:
    persons: int = 0
    per_tier: dict[str, int] = field(default_factory=dict)
    per_controller: dict[str, int] = field(default_factory=dict)
    letters: int = 0
    letter_status: dict[str, int] = field(default_factory=dict)
    not_sent: dict[str, int] = field(default_factory=dict)
    review_queue: int | None = None  # lead only
    clock: Clock | None = None


@dataclass(frozen=True)
class PersonRow:
    person_id: str
    name: str
    birth: str
    postcode: str
    tier: str | None
    letter: str | None


@dataclass(frozen=True)
class PersonsPage:
    rows: list[PersonRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class PersonView:
    person_id: str
    identity: list[tuple[str, str]]  # (field, masked value)
    exposure: list[str]  # element keys
    tier: str | None
    reasons: list[str]
    controllers: list[str]
    letters: list[dict[str, Any]]
    not_sent: list[str]


class Reader:
    """The reads of one request, for one principal, over an open store."""

    def __init__(self, ws: Workspace, con: duckdb.DuckDBPyConnection, who: Principal) -> None:
        self.ws, self.con, self.who = ws, con, who

    def _scope(self, alias: str = "p") -> tuple[str, list[Any]]:
        """The SQL condition on `persons` (as `alias`) this principal may read."""
        if self.who.role == "lead":
            return "true", []
        if self.who.role == "controller" and self.who.controller:
            return f"list_contains({alias}.controllers, ?)", [self.who.controller]
        raise Denied(self.who.role)

    def _has(self, *tables: str) -> bool:
        return all(table_exists(self.con, t) for t in tables)

    def _pairs(self, sql: str, params: list[Any]) -> dict[str, int]:
        return {str(k): int(n) for k, n in self.con.execute(sql, params).fetchall()}

    def dashboard(self, facts: dict[str, Any], now: datetime) -> Dashboard:
        """Key figures; a controller's are those of its persons only."""
        where, params = self._scope()
        board = Dashboard(clock=_clock(self.con, facts, now))
        if not self._has("persons"):
            return board
        persons = f"SELECT person_id, controllers FROM persons p WHERE {where}"
        board.persons = int(
            self.con.execute(f"SELECT count(*) FROM ({persons})", params).fetchall()[0][0]
        )
        if self._has("person_risk"):
            board.per_tier = self._pairs(
                f"SELECT r.tier, count(*) FROM ({persons}) p JOIN person_risk r USING "
                "(person_id) GROUP BY 1",
                params,
            )
        own = self.who.role == "controller"
        board.per_controller = self._pairs(
            f"SELECT c, count(*) FROM ({persons}) p, unnest(p.controllers) t(c) "
            f"{'WHERE c = ?' if own else ''} GROUP BY 1 ORDER BY 2 DESC, 1",
            params + ([self.who.controller] if own else []),
        )
        if self._has("notify_letters", "notify_status", "notify_not_sent"):
            self._letters(board, persons, params)
        if self.who.role == "lead" and self._has("link_review", "link_decisions"):
            board.review_queue = int(
                self.con.execute(
                    "SELECT count(*) FROM link_review q WHERE NOT EXISTS (SELECT 1 FROM "
                    "link_decisions d WHERE d.unique_id_l = q.unique_id_l AND "
                    "d.unique_id_r = q.unique_id_r)"
                ).fetchall()[0][0]
            )
        return board

    def _letters(self, board: Dashboard, persons: str, params: list[Any]) -> None:
        board.letter_status = self._pairs(
            f"SELECT coalesce(s.status, 'unknown'), count(*) FROM notify_letters l JOIN "
            f"({persons}) p USING (person_id) LEFT JOIN ({_LATEST_STATUS}) s USING (letter_id) "
            "GROUP BY 1",
            params,
        )
        board.letters = sum(board.letter_status.values())
        # Persons with no letter at all, by the reason of their latest issue.
        board.not_sent = self._pairs(
            f"SELECT reason, count(*) FROM (SELECT n.person_id, arg_max(n.reason, n.issue) AS "
            f"reason FROM notify_not_sent n JOIN ({persons}) p USING (person_id) WHERE NOT "
            "EXISTS (SELECT 1 FROM notify_letters l WHERE l.person_id = n.person_id) "
            "GROUP BY 1) GROUP BY 1 ORDER BY 2 DESC",
            params,
        )

    def persons(self, query: str, page: int) -> PersonsPage:
        """A page of this principal's persons, found by letter reference or name, masked."""
        where, params = self._scope()
        if not self._has("persons"):
            return PersonsPage([], 0, 1, 1)
        letters = self._has("notify_letters")
        filters, found_params = _search(query, letters)
        last_letter = (
            "(SELECT max(letter_id) FROM notify_letters l WHERE l.person_id = p.person_id)"
            if letters
            else "NULL"
        )
        tier = "r.tier" if self._has("person_risk") else "NULL"
        risk = "LEFT JOIN person_risk r USING (person_id)" if tier != "NULL" else ""
        base = f"FROM persons p {risk} WHERE {where} AND {filters}"
        total = int(
            self.con.execute(f"SELECT count(*) {base}", params + found_params).fetchall()[0][0]
        )
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = self.con.execute(
            f"SELECT p.person_id, p.surname, p.first_names, CAST(p.birth_date AS VARCHAR), "
            f"p.postcode, {tier}, {last_letter} {base} ORDER BY p.surname, p.person_id "
            f"LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}",
            params + found_params,
        ).fetchall()
        shown = [
            PersonRow(
                pid,
                _masked_name(surname, first),
                _mask(masking.mask_date, birth),
                _mask(masking.mask_postcode, postcode),
                tier_,
                letter,
            )
            for pid, surname, first, birth, postcode, tier_, letter in rows
        ]
        if shown:
            self._viewed("personnes", person_ids=[r.person_id for r in shown])
        return PersonsPage(shown, total, page, pages)

    def person(self, person_id: str) -> PersonView | None:
        """One person of this principal's, masked as `vigie review` masks; None otherwise."""
        where, params = self._scope()
        if not self._has("persons") or len(person_id) > 40:
            return None
        rows = self.con.execute(
            "SELECT surname, birth_name, first_names, CAST(birth_date AS VARCHAR), sex, address, "
            f"postcode, city, phone, email, controllers FROM persons p WHERE p.person_id = ? "
            f"AND {where}",
            [person_id, *params],
        ).fetchall()
        if not rows:
            return None
        *values, controllers = rows[0]
        identity = [
            (name, _mask(mask, value))
            for (name, mask), value in zip(IDENTITY_MASKS, values, strict=True)
            if value
        ]
        if self.who.role == "controller":
            controllers = [self.who.controller]  # another controller's tie is not its business
        view = PersonView(
            person_id,
            identity,
            self._exposure(person_id),
            *self._tier(person_id),
            list(controllers or []),
            *self._letters_of(person_id),
        )
        self._viewed("personne", person_id=person_id)
        return view

    def _exposure(self, person_id: str) -> list[str]:
        if not self._has("person_exposure"):
            return []
        rows = self.con.execute(
            "SELECT element FROM person_exposure WHERE person_id = ? ORDER BY element", [person_id]
        ).fetchall()
        return [r[0] for r in rows if r[0] in ELEMENTS_FR]

    def _tier(self, person_id: str) -> tuple[str | None, list[str]]:
        if not self._has("person_risk"):
            return None, []
        rows = self.con.execute(
            "SELECT tier, reasons FROM person_risk WHERE person_id = ?", [person_id]
        ).fetchall()
        return (rows[0][0], list(rows[0][1] or [])) if rows else (None, [])

    def _letters_of(self, person_id: str) -> tuple[list[dict[str, Any]], list[str]]:
        if not self._has("notify_letters", "notify_status", "notify_issues", "notify_not_sent"):
            return [], []
        rows = self.con.execute(
            "SELECT l.letter_id, i.kind, CAST(i.created_at AS DATE), l.controller, "
            f"coalesce(s.status, 'unknown') FROM notify_letters l JOIN notify_issues i USING "
            f"(issue) LEFT JOIN ({_LATEST_STATUS}) s USING (letter_id) WHERE l.person_id = ? "
            "ORDER BY l.issue",
            [person_id],
        ).fetchall()
        lead = self.who.role == "lead"
        letters = [
            {
                "letter_id": lid,
                "kind": kind,
                "issued_on": issued,
                "status": status,
                "sender": sender if lead or sender == self.who.controller else None,
            }
            for lid, kind, issued, sender, status in rows
        ]
        reasons = self.con.execute(
            "SELECT DISTINCT reason FROM notify_not_sent WHERE person_id = ? ORDER BY 1",
            [person_id],
        ).fetchall()
        return letters, [r[0] for r in reasons]

    def knows(self, person_id: str) -> bool:
        """Whether the person is this principal's (no data read: not a view)."""
        where, params = self._scope()
        if not self._has("persons") or len(person_id) > 40:
            return False
        sql = f"SELECT count(*) FROM persons p WHERE p.person_id = ? AND {where}"
        return bool(self.con.execute(sql, [person_id, *params]).fetchall()[0][0])

    def views(self, person_id: str) -> list[dict[str, Any]]:
        """Who looked at a person (lead only): the audit's view entries naming it."""
        if self.who.role != "lead":
            raise Denied(self.who.role)
        return views_of(self.ws.audit_path, person_id)

    def _viewed(self, page: str, **ids: Any) -> None:
        params = {"by": self.who.login, "role": self.who.role, "page": page, **ids}
        self.ws.note("view", params, self.con)


IDENTITY_MASKS = (
    ("Nom d'usage", masking.mask_name),
    ("Nom de naissance", masking.mask_name),
    ("Prénoms", masking.mask_name),
    ("Date de naissance", masking.mask_date),
    ("Sexe", lambda v: v),
    ("Adresse", masking.mask_address),
    ("Code postal", masking.mask_postcode),
    ("Commune", masking.mask_name),
    ("Téléphone", masking.mask_phone),
    ("Adresse électronique", masking.mask_email),
)


def views_of(audit_path: Path, person_id: str) -> list[dict[str, Any]]:
    """The view entries of the audit log that name `person_id`, oldest first."""
    found = []
    for entry in audit.read_entries(audit_path):
        params = entry.get("params") or {}
        if entry.get("verb") != "view":
            continue
        if params.get("person_id") == person_id or person_id in (params.get("person_ids") or ()):
            found.append(
                {
                    "time": entry["time"],
                    "seq": entry["seq"],
                    "by": params.get("by"),
                    "role": params.get("role"),
                    "page": params.get("page"),
                }
            )
    return found


def _search(query: str, letters: bool) -> tuple[str, list[Any]]:
    """The filter for a letter reference (L01-000123) or the start of a surname."""
    query = query.strip()
    if not query:
        return "true", []
    if LETTER_REF.match(query.upper()):
        if not letters:
            return "false", []
        return (
            "EXISTS (SELECT 1 FROM notify_letters l WHERE l.person_id = p.person_id "
            "AND l.letter_id = ?)",
            [query.upper()],
        )
    name = _NAME_CHARS.sub("", fold(query).upper()).strip()
    if len(name) < 2:
        return "false", []
    folded = "upper(strip_accents({}))"
    return (
        f"({folded.format('p.surname')} LIKE ? OR {folded.format('p.birth_name')} LIKE ?)",
        [name + "%", name + "%"],
    )


def _clock(con: duckdb.DuckDBPyConnection, facts: dict[str, Any], now: datetime) -> Clock | None:
    """The 72-hour clock of the last assessment, else from incident.yaml's aware_at."""
    decision = latest_decision(con)
    if decision is not None:
        return clock(decision, now)
    aware = facts.get("aware_at")
    if isinstance(aware, str):
        try:
            aware = datetime.fromisoformat(aware)
        except ValueError:
            return None
    if not isinstance(aware, datetime) or aware.tzinfo is None:
        return None
    return Clock(True, aware, aware + timedelta(hours=72), None, now)


def _mask(mask: Any, value: Any) -> str:
    return mask(str(value)) if value not in (None, "") else ""


def _masked_name(surname: str | None, first: str | None) -> str:
    return " ".join(masking.mask_name(v) for v in (surname, first) if v) or "—"
