"""Every read the console makes, scoped to who asks: a page never runs SQL itself.

A `Reader` is made per request with the authenticated `Principal`. Each query carries
the principal's scope: a lead reads every person; a controller only persons whose
`persons.controllers` holds its name — a person id of another controller is simply not
found (the page answers 404, exactly as for an id that does not exist); an agent reads
no person through these functions (`Denied`, 403). Every read of a person's data appends
a "view" entry to the audit chain: who, which person id(s), on which page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from vigie.console.accounts import Principal
from vigie.console.audit_log import AuditFilter, AuditPage, choices, page_of, read_lines
from vigie.errors import InputError, IntegrityError
from vigie.link import review
from vigie.notify import filing_text, filings
from vigie.notify.letters import DEFAULT_TEMPLATE_DIR, TEMPLATE_FILES
from vigie.report.decision import Clock, clock, latest_decision
from vigie.report.labels import ELEMENTS_FR
from vigie.scan import masking
from vigie.scan.recognizers.text_norm import fold
from vigie.spreadsheet import csv_bytes
from vigie.vocabulary import category
from vigie.workspace import Workspace, audit, table_exists
from vigie.workspace.store import ALIAS

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
    # Filled by _complete (below): the stages, the rest of the figures, portal, filings.
    stages: list[StageRun] = field(default_factory=list)
    per_departement: dict[str, int] = field(default_factory=dict)
    per_category: dict[str, int] = field(default_factory=dict)
    issues: list[IssueRow] = field(default_factory=list)
    resent: int = 0
    portal: dict[str, int] | None = None  # lead only: portal requests by outcome
    filings: list[Filing] = field(default_factory=list)
    now: datetime | None = None


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

    def __init__(
        self,
        ws: Workspace,
        con: duckdb.DuckDBPyConnection,
        who: Principal,
        kept: dict[Any, Any] | None = None,
    ) -> None:
        self.ws, self.con, self.who = ws, con, who
        self.kept = kept if kept is not None else {}  # figures kept across requests
        self._tables: set[str] | None = None  # the store's tables, read once per request
        self._versions: dict[str, str] | None = None  # of the lookup maps' tables, too

    def _scope(self, alias: str = "p") -> tuple[str, list[Any]]:
        """The SQL condition on `persons` (as `alias`) this principal may read."""
        if self.who.role == "lead":
            return "true", []
        if self.who.role == "controller" and self.who.controller:
            return f"list_contains({alias}.controllers, ?)", [self.who.controller]
        raise Denied(self.who.role)

    def _has(self, *tables: str) -> bool:
        if self._tables is None:  # duckdb_tables(): ~0.5 ms, information_schema ~10 ms
            rows = self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [ALIAS]
            ).fetchall()
            self._tables = {r[0] for r in rows}
        return all(t in self._tables for t in tables)

    def _pairs(self, sql: str, params: list[Any]) -> dict[str, int]:
        return {str(k): int(n) for k, n in self.con.execute(sql, params).fetchall()}

    def dashboard(self, facts: dict[str, Any], now: datetime) -> Dashboard:
        """Key figures; a controller's are those of its persons only."""
        where, params = self._scope()
        kept = _kept_board(self, facts, now)
        if kept is not None:
            return kept
        board = Dashboard(clock=_clock(self.con, facts, now))
        _complete(self, board, now)
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
        _keep_board(self, board)
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
        matches = _search(self, query.strip())
        if matches is None:  # every person: counted and sorted in the store
            total = int(
                self.con.execute(
                    f"SELECT count(*) FROM persons p WHERE {where}", params
                ).fetchall()[0][0]
            )
        else:  # found in the maps, in scope, in display order: only the page's rows read
            total = len(matches)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        columns = "p.person_id, p.surname, p.first_names, CAST(p.birth_date AS VARCHAR), p.postcode"
        if matches is None:
            found = self.con.execute(
                f"SELECT {columns} FROM persons p WHERE {where} ORDER BY p.surname, "
                f"p.person_id LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}",
                params,
            ).fetchall()
        else:
            chunk = matches[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            # the ids beside the rowids (a stale map can only hide a person) and the scope
            got = self.con.execute(
                f"SELECT {columns} FROM persons p WHERE p.{BY_ROWID} AND p.person_id IN "
                f"(SELECT unnest(?::VARCHAR[])) AND {where}",
                [[rid for rid, _ in chunk], [pid for _, pid in chunk], *params],
            ).fetchall()
            by_id = {r[0]: r for r in got}
            found = [by_id[pid] for _, pid in chunk if pid in by_id]
        ids = [r[0] for r in found]
        tiers = self._by_person("first(tier)", "person_risk", ids)
        last = self._by_person("max(letter_id)", "notify_letters", ids)
        rows = [(*r, tiers.get(r[0]), last.get(r[0])) for r in found]
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

    def _by_person(self, value: str, table: str, ids: list[str]) -> dict[str, Any]:
        """{person id: value} for a few persons, from `table`'s map by person id."""
        if not ids or not self._has(table):
            return {}
        found = _by_person_map(self, table)
        sql = f"SELECT key, {value} FROM {found} WHERE key IN (SELECT unnest(?::VARCHAR[]))"
        return dict(self.con.execute(f"{sql} GROUP BY 1", [ids]).fetchall())

    def person(self, person_id: str) -> PersonView | None:
        """One person of this principal's, masked as `vigie review` masks; None otherwise."""
        where, params = self._scope()
        if not self._has("persons") or len(person_id) > 40:
            return None
        rows = self.con.execute(
            "SELECT surname, birth_name, first_names, CAST(birth_date AS VARCHAR), sex, address, "
            f"postcode, city, phone, email, controllers FROM persons p WHERE p.person_id = ? "
            f"AND p.{BY_ROWID} AND {where}",
            [person_id, _rowids(self, "persons", [person_id]), *params],
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
        found = _by_person_map(self, "person_risk")
        rows = self.con.execute(
            f"SELECT first(tier), first(reasons) FROM {found} WHERE key = ? HAVING count(*) > 0",
            [person_id],
        ).fetchall()
        return (rows[0][0], list(rows[0][1] or [])) if rows else (None, [])

    def _letters_of(self, person_id: str) -> tuple[list[dict[str, Any]], list[str]]:
        if not self._has("notify_letters", "notify_status", "notify_issues", "notify_not_sent"):
            return [], []
        found = self.con.execute(
            "SELECT l.letter_id, i.kind, CAST(i.created_at AS DATE), l.controller FROM "
            f"{_by_person_map(self, 'notify_letters')} l JOIN notify_issues i USING (issue) "
            "WHERE l.key = ? ORDER BY l.issue, l.letter_id",
            [person_id],
        ).fetchall()
        # the latest news of these letters only (not of every letter, then joined)
        latest = _LATEST_STATUS.replace(
            "FROM notify_status",
            "FROM notify_status WHERE letter_id IN (SELECT unnest(?::VARCHAR[]))",
        )
        status = dict(self.con.execute(latest, [[r[0] for r in found]]).fetchall())
        rows = [(*r, status.get(r[0], "unknown")) for r in found]
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
        sql = f"SELECT count(*) FROM persons p WHERE p.person_id = ? AND p.{BY_ROWID} AND {where}"
        rids = _rowids(self, "persons", [person_id])
        return bool(self.con.execute(sql, [person_id, rids, *params]).fetchall()[0][0])

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


def _search(reader: Reader, query: str) -> list[tuple[int, str]] | None:
    """The persons a letter reference (L01-000123) or the start of a surname or birth name
    (accents and case aside) finds, in this principal's scope, in display order, as
    (rowid, person id): from the maps below, not by scanning persons. None: no query."""
    if not query:
        return None
    scope, params = reader._scope("m")
    if LETTER_REF.match(query.upper()):
        if not reader._has("notify_letters"):
            return []
        ids = [
            r[0]
            for r in reader.con.execute(
                "SELECT person_id FROM notify_letters WHERE letter_id = ?", [query.upper()]
            ).fetchall()
        ]
        if not ids:
            return []
        sql = (
            f"SELECT rid, key FROM {_persons_map(reader)} m WHERE key IN (SELECT "
            f"unnest(?::VARCHAR[])) AND {scope} ORDER BY key"
        )
        return [(r[0], r[1]) for r in reader.con.execute(sql, [ids, *params]).fetchall()]
    name = _NAME_CHARS.sub("", fold(query).upper()).strip()
    if len(name) < 2:
        return []
    return _named(reader, name, scope, params)


# -- Lookups without scanning: sorted maps in the console's own memory --------------------
# The store's tables are not sorted by the keys pages look up (person id, folded name), so
# each lookup scanned 500,000 rows. The console keeps, in its DuckDB's in-memory catalog
# (never in the store), maps key -> rowid sorted by key, whose row groups' min/max let a
# lookup skip the rest; the rows are then read by rowid. A map is rebuilt when its table
# changes: its row count, or a new run of a stage that writes it. Queries keep their plain
# condition beside the rowids, so a stale map could hide a row, never show another one;
# and the principal's scope stays in the SQL.

_MAPS = "memory.main.console_map_"
WRITERS = {  # who rewrites a table (the audit verb of its stage)
    "persons": ("link",),
    "person_risk": ("assess",),
    "notify_letters": ("notify", "notify resend", "portal requests import"),
}


def _versions(reader: Reader) -> dict[str, str]:
    """Each mapped table's version (row count, last run of a stage writing it), read in
    one query once per request."""
    if reader._versions is None:
        tables = [t for t in WRITERS if reader._has(t)]
        parts = " UNION ALL ".join(
            f"SELECT '{t}', (SELECT count(*) FROM {t}) || ':' || (SELECT coalesce(max(seq), 0) "
            f"FROM _runs WHERE list_contains(?, verb))"
            for t in tables
        )
        rows = reader.con.execute(parts, [list(WRITERS[t]) for t in tables]).fetchall()
        reader._versions = {str(t): str(v) for t, v in rows} if tables else {}
    return reader._versions


def _map(reader: Reader, name: str, table: str, select: str) -> str:
    """The map `name` of `select` over `table` (a column `key`, sorted), fresh; its full
    name. The maps built are remembered with the console's store (`Reader.kept`)."""
    built = reader.kept.setdefault(("maps", id(reader.con)), {})
    version = _versions(reader)[table]
    if built.get(name) != version:
        reader.con.execute(f"CREATE OR REPLACE TABLE {_MAPS}{name} AS {select} ORDER BY key")
        built[name] = version
    return f"{_MAPS}{name}"


_COVERING = {  # the columns a page needs, kept in the map itself (no second read)
    "person_risk": "tier, reasons",
    "notify_letters": "letter_id, issue, controller",
}


def _by_person_map(reader: Reader, table: str) -> str:
    """`table`'s map by person id, with the columns pages read from it."""
    extra = _COVERING.get(table, "")
    columns = f"person_id AS key, rowid AS rid{', ' + extra if extra else ''}"
    return _map(reader, f"{table}_person_id", table, f"SELECT {columns} FROM {table}")


BY_ROWID = "rowid IN (SELECT unnest(?::BIGINT[]))"  # with _rowids' list: rows found fast


def _rowids(reader: Reader, table: str, values: list[str]) -> list[int]:
    """The rowids of `table` whose person id is one of `values`, from its map."""
    found = _persons_map(reader) if table == "persons" else _by_person_map(reader, table)
    if len(values) == 1:
        rows = reader.con.execute(f"SELECT rid FROM {found} WHERE key = ?", values)
    else:
        sql = f"SELECT rid FROM {found} WHERE key IN (SELECT unnest(?::VARCHAR[]))"
        rows = reader.con.execute(sql, [values])
    return [r[0] for r in rows.fetchall()]


def _named(reader: Reader, prefix: str, scope: str, params: list[Any]) -> list[tuple[int, str]]:
    """(rowid, person id) of the persons in scope whose surname or birth name, folded as
    the search folds it, starts with `prefix`, by folded name: folding 500,000 names per
    search was the name lookup's cost; the map holds them folded and sorted (a prefix is a
    range), with each person's controllers for the scope."""
    found = _map(
        reader,
        "names",
        "persons",
        "SELECT key, rid, person_id, controllers FROM (SELECT upper(strip_accents(surname)) "
        "AS key, rowid AS rid, person_id, controllers FROM persons UNION ALL SELECT "
        "upper(strip_accents(birth_name)), rowid, person_id, controllers FROM persons) "
        "WHERE key IS NOT NULL",
    )
    rows = reader.con.execute(
        f"SELECT rid, person_id FROM {found} m WHERE key >= ? AND key < ? AND {scope} "
        "QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY key) = 1 "
        "ORDER BY key, person_id",
        [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1), *params],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def _persons_map(reader: Reader) -> str:
    """persons' map by person id, with each person's controllers (for the scope)."""
    return _map(
        reader,
        "persons_person_id",
        "persons",
        "SELECT person_id AS key, rowid AS rid, controllers FROM persons",
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


# -- The lead's review queue -------------------------------------------------------------
# One code path with `vigie review`: the pairs come from vigie.link.review.queue_on, masked
# by its masks, and decisions go through review.record_on, which audits each one; the
# console adds the deciding login to that entry.


@dataclass(frozen=True)
class ReviewPage:
    pair: review.ReviewPair | None  # the pair to decide, None when none is left
    pending: int  # undecided pairs in the whole queue


def review_pair(reader: Reader, after: int = 0) -> ReviewPage:
    """The first undecided pair after pair `after` (lead only). Showing it is a view of
    the persons its two leak rows belong to today, recorded as such."""
    _lead_only(reader)
    pairs = review.queue_on(reader.con, 1, after)
    pending = review.pending(reader.con)
    if not pairs:
        return ReviewPage(None, pending)
    pair = pairs[0]
    persons = _persons_of_records(reader.con, [pair.left, pair.right])
    reader._viewed("revue", pair_id=pair.pair_id, person_ids=persons)
    return ReviewPage(pair, pending)


def decide_pair(reader: Reader, pair_id: int, decision: str) -> dict[str, Any] | None:
    """Accept or reject a queued pair as `vigie review` does, under the lead's login;
    None when the queue holds no such pair."""
    _lead_only(reader)
    if decision not in ("accept", "reject"):
        return None
    try:
        done = review.record_on(reader.ws, reader.con, [(pair_id, decision)], by=reader.who.login)
    except InputError:
        return None
    return done[0]


def _lead_only(reader: Reader) -> None:
    if reader.who.role != "lead":
        raise Denied(reader.who.role)


def _persons_of_records(con: duckdb.DuckDBPyConnection, uids: list[str]) -> list[str]:
    """The persons the leak rows `table:row` belong to (link's person_records)."""
    if not table_exists(con, "person_records"):
        return []
    keys = [(t, int(r)) for t, _, r in (u.rpartition(":") for u in uids) if r.isdigit()]
    if not keys:
        return []
    where = " OR ".join('("table" = ? AND _row = ?)' for _ in keys)
    rows = con.execute(
        f"SELECT DISTINCT person_id FROM person_records WHERE {where} ORDER BY 1",
        [v for key in keys for v in key],
    ).fetchall()
    return [r[0] for r in rows]


# -- The audit log (lead) ----------------------------------------------------------------


def audit_log(reader: Reader, wanted: AuditFilter, page: int) -> AuditPage:
    """A page of the audit log (lead only), and whether its chain verifies: the check of
    `vigie audit verify` (Workspace.verify_audit), against the head in the open store."""
    _lead_only(reader)
    verified, broken = None, None
    try:
        verified = reader.ws.verify_audit(con=reader.con)
    except IntegrityError as exc:
        broken = str(exc)
    entries = read_lines(reader.ws.audit_path)
    shown, total, page, pages = page_of(entries, wanted, page)
    verbs, logins = choices(entries)
    return AuditPage(shown, total, page, pages, verbs, logins, verified, broken)


# -- The rest of the dashboard: stages, per département and category, letters, portal,
# filings. Person counts carry the principal's scope like every other read.

# The pipeline's stages (audit verbs) and what each is computed from: a stage run before
# one of its inputs last ran is out of date ("à relancer").
STAGES: dict[str, tuple[str, ...]] = {
    "ingest": (),
    "registry add": (),
    "scan": ("ingest",),
    "review": (),
    "link": ("scan", "registry add", "review"),
    "assess": ("link",),
    "report": ("assess",),
    "notify": ("assess",),
    "notify status": ("notify",),
    "notify resend": ("notify status",),
    "portal build": ("notify",),
    "portal requests import": ("portal build",),
}
FILINGS = {  # file under out/notify/filings -> what it is
    "cnil-notification.pdf": "Notification à la CNIL (projet, PDF)",
    "cnil-notification.json": "Notification à la CNIL (champs, JSON)",
    "health-report.pdf": "Signalement aux autorités sanitaires (projet, PDF)",
    "health-report.json": "Signalement aux autorités sanitaires (champs, JSON)",
    "public-communication.md": "Communication publique (projet)",
}


@dataclass(frozen=True)
class StageRun:
    verb: str
    last: datetime | None  # when its last run was recorded; None: never run
    seconds: float | None
    counts: dict[str, Any]  # the run's counts (lead only: incident-wide figures)
    stale_since: str | None  # an input that ran after it (it should run again)


@dataclass(frozen=True)
class IssueRow:
    issue: int
    kind: str
    created: datetime
    letters: int  # of this principal's persons


@dataclass(frozen=True)
class Filing:
    name: str
    label: str
    ready: datetime | None  # when written; None: not yet (vigie notify)


def _complete(reader: Reader, board: Dashboard, now: datetime) -> None:
    board.now = now
    where, params = reader._scope()
    lead = reader.who.role == "lead"
    board.stages = _stages(reader, lead)
    board.filings = _filings(reader) if lead else []
    if lead and reader._has("portal_answers"):
        board.portal = reader._pairs(
            "SELECT outcome, count(*) FROM portal_answers GROUP BY 1 ORDER BY 1", []
        )
    if not reader._has("persons"):
        return
    persons = f"SELECT * FROM persons p WHERE {where}"
    board.per_departement = reader._pairs(
        f"SELECT coalesce(departement, '') AS d, count(*) AS n FROM ({persons}) GROUP BY 1 "
        "ORDER BY d = '', n DESC, d",
        params,
    )
    if reader._has("person_exposure"):
        board.per_category = _per_category(reader, persons, params)
    if reader._has("notify_letters", "notify_issues"):
        rows = reader.con.execute(
            f"SELECT i.issue, i.kind, i.created_at, count(l.letter_id) FROM notify_issues i "
            f"LEFT JOIN (SELECT l.* FROM notify_letters l JOIN ({persons}) p USING "
            "(person_id)) l USING (issue) GROUP BY 1, 2, 3 ORDER BY 1",
            params,
        ).fetchall()
        board.issues = [IssueRow(int(i), str(k), c, int(n)) for i, k, c, n in rows]
        board.resent = sum(r.letters for r in board.issues if r.kind == "resend")


def _per_category(reader: Reader, persons: str, params: list[Any]) -> dict[str, int]:
    """Persons with at least one exposed element of each category (DESIGN.md's mapping)."""
    elements = [
        str(e)
        for (e,) in reader.con.execute("SELECT DISTINCT element FROM person_exposure").fetchall()
    ]
    if not elements:
        return {}
    mapping = ", ".join("(?, ?)" for _ in elements)
    pairs = [v for e in elements for v in (e, category(e))]
    return reader._pairs(
        f"SELECT m.cat, count(DISTINCT x.person_id) FROM person_exposure x JOIN (VALUES "
        f"{mapping}) m(element, cat) USING (element) WHERE x.person_id IN (SELECT person_id "
        f"FROM ({persons})) GROUP BY 1 ORDER BY 2 DESC, 1",
        pairs + params,
    )


def _stages(reader: Reader, lead: bool) -> list[StageRun]:
    runs: dict[str, tuple[datetime, float, Any]] = {}
    if reader._has("_runs"):
        for verb, last, seconds, counts in reader.con.execute(
            "SELECT verb, max(started_at), arg_max(duration_s, started_at), "
            "arg_max(counts, started_at) FROM _runs GROUP BY 1"
        ).fetchall():
            runs[str(verb)] = (last, float(seconds or 0), counts)
    done: dict[str, StageRun] = {}
    for verb, inputs in STAGES.items():
        last, seconds, counts = runs.get(verb, (None, None, None))
        stale = None
        if last is not None:
            for before in inputs:
                run = done[before]
                if run.last is not None and (run.last > last or run.stale_since):
                    stale = before
                    break
        parsed = json.loads(counts) if isinstance(counts, str) and lead else {}
        done[verb] = StageRun(verb, last, seconds, parsed if isinstance(parsed, dict) else {},
                              stale)  # fmt: skip
    return [r for v, r in done.items() if v != "review" or r.last is not None]


def _filings(reader: Reader) -> list[Filing]:
    folder = reader.ws.out_dir / "notify" / "filings"
    found = []
    for name, label in FILINGS.items():
        try:
            when = datetime.fromtimestamp((folder / name).stat().st_mtime, UTC)
        except OSError:
            when = None
        found.append(Filing(name, label, when))
    return found


def filing_path(reader: Reader, name: str) -> Path | None:
    """A filing draft of out/notify/filings (lead only), by its name in FILINGS only."""
    _lead_only(reader)
    if name not in FILINGS:
        return None
    path = reader.ws.out_dir / "notify" / "filings" / name
    return path if path.is_file() else None


# -- A controller's space: its package, its not-sent list, the wording of its letters ---
# A space is named in URLs by the controller's slug (as its package folder). A controller
# opens its own space only: any other slug is not found (404), like another's person id.
# The lead opens every space. The persons come from notify's own package query
# (filings.controller_persons), so the CSV here is the package's persons.csv.


@dataclass(frozen=True)
class Space:
    controller: str
    slug: str
    counts: dict[str, Any]  # the package's counts.json (filing_text.controller_counts)
    minors: int  # minors whose parents' letter names some items generically
    package: datetime | None  # when `vigie notify` wrote its package folder


@dataclass(frozen=True)
class NotSentRow:
    person_id: str
    name: str  # masked
    birth: str  # masked
    postcode: str  # masked
    reason: str | None  # None: in no issue yet


@dataclass(frozen=True)
class NotSentPage:
    rows: list[NotSentRow]
    total: int
    page: int
    pages: int


def spaces(reader: Reader) -> list[tuple[str, str, int]]:
    """(controller, slug, persons) of every space this principal may open."""
    where, params = reader._scope()
    if not reader._has("persons"):
        return []
    own = reader.who.controller if reader.who.role == "controller" else None
    rows = reader.con.execute(
        f"SELECT c, count(*) FROM persons p, unnest(p.controllers) t(c) WHERE {where} "
        f"{'AND c = ?' if own else ''} GROUP BY 1 ORDER BY 1",
        params + ([own] if own else []),
    ).fetchall()
    return [(str(c), filings.slug(str(c)), int(n)) for c, n in rows]


def space_controller(reader: Reader, slug: str) -> str | None:
    """The controller whose space `slug` names, if this principal may open it."""
    reader._scope()  # an agent: Denied
    if len(slug) > 200:
        return None
    if reader.who.role == "controller":
        own = reader.who.controller or ""
        return own if own and filings.slug(own) == slug else None
    return next((c for c, s, _ in spaces(reader) if s == slug), None)


def space(reader: Reader, slug: str) -> Space | None:
    """The counts of a controller's package (no personal value: not a view)."""
    name = space_controller(reader, slug)
    if name is None:
        return None
    _, rows = filings.controller_persons(reader.con, name)
    _, minors = filings.controller_minors(reader.con, name)
    counts = filing_text.controller_counts(name, len(rows), rows)
    written = _package_folder(reader, slug) / "persons.csv"
    try:
        package = datetime.fromtimestamp(written.stat().st_mtime, UTC)
    except OSError:
        package = None
    return Space(name, slug, counts, len(minors), package)


def package_csv(reader: Reader, slug: str) -> bytes | None:
    """The controller's persons.csv (spreadsheet-safe), each person in it recorded as seen."""
    name = space_controller(reader, slug)
    if name is None:
        return None
    header, rows = filings.controller_persons(reader.con, name)
    reader._viewed("export personnes", controller=name, person_ids=[r[0] for r in rows])
    return csv_bytes(header, rows)


def counts_json(reader: Reader, slug: str) -> bytes | None:
    found = space(reader, slug)
    if found is None:
        return None
    return (json.dumps(found.counts, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def minors_csv(reader: Reader, slug: str) -> bytes | None:
    name = space_controller(reader, slug)
    if name is None:
        return None
    header, rows = filings.controller_minors(reader.con, name)
    reader._viewed("export mineurs", controller=name, person_ids=[r[0] for r in rows])
    return csv_bytes(header, rows)


NO_ISSUE = "pas encore d'émission"  # a person added after the last issue to everyone
NOT_SENT_HEADER = ["person_id", "surname", "first_names", "birth_date", "postcode", "reason",
                   "motif"]  # fmt: skip


def _not_sent_rows(reader: Reader, name: str) -> list[tuple[Any, ...]]:
    """The controller's persons no letter of the last issue went to, with the reason."""
    header, rows = filings.controller_persons(reader.con, name)
    at = {h: i for i, h in enumerate(header)}
    return [
        tuple(
            r[at[c]]
            for c in ("person_id", "surname", "first_names", "birth_date", "postcode", "notice")
        )
        for r in rows
        if r[at["notice"]] != "letter"
    ]


def not_sent(reader: Reader, slug: str, page: int) -> NotSentPage | None:
    """A page of the not-sent list, masked; the persons shown are recorded as seen."""
    name = space_controller(reader, slug)
    if name is None:
        return None
    found = _not_sent_rows(reader, name)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = [
        NotSentRow(
            pid,
            _masked_name(surname, first),
            _mask(masking.mask_date, birth),
            _mask(masking.mask_postcode, postcode),
            reason,
        )
        for pid, surname, first, birth, postcode, reason in found[
            (page - 1) * PAGE_SIZE : page * PAGE_SIZE
        ]
    ]
    if shown:
        reader._viewed("non envoyés", controller=name, person_ids=[r.person_id for r in shown])
    return NotSentPage(shown, len(found), page, pages)


def not_sent_csv(reader: Reader, slug: str, reasons: dict[str, str]) -> bytes | None:
    """The whole not-sent list for the controller's DPO to act on (`reasons`: French)."""
    name = space_controller(reader, slug)
    if name is None:
        return None
    found = _not_sent_rows(reader, name)
    reader._viewed("export non envoyés", controller=name, person_ids=[r[0] for r in found])
    rows = [(*r, reasons.get(r[-1], r[-1]) if r[-1] else NO_ISSUE) for r in found]
    return csv_bytes(NOT_SENT_HEADER, rows)


def template_file(reader: Reader, slug: str, file: str) -> bytes | None:
    """A file of the letter template in the controller's package (else vigie's own)."""
    if file not in TEMPLATE_FILES or space_controller(reader, slug) is None:
        return None
    copied = _package_folder(reader, slug) / "letter-template" / file
    return (copied if copied.is_file() else DEFAULT_TEMPLATE_DIR / file).read_bytes()


@dataclass(frozen=True)
class LetterInputs:
    """What a controller's letters say depends on: its persons' tiers and exposed
    elements (counts), whether some are minors, the date of the last issue."""

    controller: str
    tiers: dict[str, int]
    elements: dict[str, int]
    minors: bool
    letter_date: date | None


def letter_inputs(reader: Reader, slug: str) -> LetterInputs | None:
    found = space(reader, slug)
    if found is None:
        return None
    where, params = reader._scope()
    minors = bool(
        reader.con.execute(
            f"SELECT count(*) FROM persons p WHERE {where} AND list_contains(p.controllers, ?) "
            "AND p.age_group = '0-17'",
            [*params, found.controller],
        ).fetchall()[0][0]
    )
    issued = None
    if reader._has("notify_issues"):
        row = reader.con.execute(
            "SELECT max(created_at) FROM notify_issues WHERE kind IN ('initial', 'reissue')"
        ).fetchone()
        issued = row[0].date() if row and row[0] is not None else None
    counts = found.counts
    return LetterInputs(found.controller, dict(counts["tiers"]), dict(counts["elements"]),
                        minors, issued)  # fmt: skip


def _package_folder(reader: Reader, slug: str) -> Path:
    return reader.ws.out_dir / "notify" / filings.FILINGS_DIR / "controllers" / slug


# -- Dashboard figures kept between two stage runs ---------------------------------------
# Counting 500,000 persons by tier, département, category and letter status takes seconds;
# the figures change only when a stage runs, and every stage records a run. So each
# scope's figures are kept (in the console process, `Reader.kept`) with the number of the
# last recorded run, and recounted when a newer run appears. The clock, the filings and
# the time are read afresh on every request. Console logins and account changes, which
# change no figure, do not count as runs here.

_NO_FIGURES = ("console %", "users %")


def _figures_version(reader: Reader) -> int:
    if not reader._has("_runs"):
        return 0
    row = reader.con.execute(
        "SELECT coalesce(max(seq), 0) FROM _runs WHERE NOT (verb LIKE ? OR verb LIKE ?)",
        list(_NO_FIGURES),
    ).fetchone()
    return int(row[0]) if row else 0


def _board_key(reader: Reader) -> tuple[str, str | None]:
    return ("dashboard " + reader.who.role, reader.who.controller)


def _kept_board(reader: Reader, facts: dict[str, Any], now: datetime) -> Dashboard | None:
    kept = reader.kept.get(_board_key(reader))
    if kept is None or kept[0] != _figures_version(reader):
        return None
    board: Dashboard = kept[1]
    lead = reader.who.role == "lead"
    return replace(
        board,
        clock=_clock(reader.con, facts, now),
        now=now,
        filings=_filings(reader) if lead else [],
    )


def _keep_board(reader: Reader, board: Dashboard) -> None:
    reader.kept[_board_key(reader)] = (_figures_version(reader), board)
