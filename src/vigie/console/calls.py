"""The call centre's reads: a caller found by letter code or by identity, and only what an
agent needs to answer them.

Agents are call-centre staff for the whole incident (one number for every lab, as in the
reference case), so they are not tied to a controller. Their reach is bounded otherwise:
- no list and no browsing: a person is reached only by a letter's verification code
  (checked by `notify.codes.verify`, the function behind `vigie verify` and the portal's
  hashes) or by four identity fields that must all agree (name, first name, birth date,
  postcode), compared through the link stage's own standardisation;
- every lookup is counted per login in the store (`call_lookups`); past MAX_LOOKUPS, or
  MAX_MISSES lookups that found nothing, in WINDOW, lookups are refused until the window
  moves on (checked before looking anything up, so a refusal tells nothing either);
- a lookup that finds nothing answers "aucun dossier trouvé", the same for a stranger, a
  typo, two persons sharing the identity or a person whose postcode differs;
- what is shown holds no value: masked identity, the labels of the exposed elements (a
  minor's items the law lets them keep from their parents shown only as "informations de
  santé", whoever calls), the tier's wording, the advice, and the letters' delivery state;
- each lookup that shows a person is a `view` entry of the audit chain (page "appel"); a
  miss or a refusal is audited too, with no typed value.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from vigie.assess.tiers import tier_for
from vigie.console.accounts import Principal
from vigie.console.data import Denied
from vigie.french import typographic
from vigie.link import standardise as std
from vigie.notify import codes, wording
from vigie.notify.minors import MinorsPolicy, age_on
from vigie.scan import masking
from vigie.vocabulary import ELEMENTS
from vigie.workspace import Workspace
from vigie.workspace.store import ALIAS

CALL_ROLES = ("agent", "lead")
MAX_LOOKUPS = 30  # lookups per login in WINDOW
MAX_MISSES = 12  # lookups that found nothing, per login in WINDOW
WINDOW = timedelta(minutes=10)
REACH = timedelta(minutes=30)  # how long after a lookup the call's outcome may be recorded
MINOR_VARIANTS = ("minor", "minor_generic", "minor_own")

LOOKUPS_DDL = (
    "CREATE TABLE IF NOT EXISTS call_lookups (login VARCHAR, looked_at TIMESTAMPTZ, via VARCHAR, "
    "found BOOLEAN, person_id VARCHAR)"
)
# ART indexes for the call centre's point lookups (DuckDB uses one for `col = ?` and
# `col IN (?, ?)`): without them each lookup scans tables of 500,000 rows (or millions,
# person_exposure) several times. The console makes them on tables other stages write; a
# stage that replaces a table (`vigie link` makes persons anew) drops its index with it
# and the next lookup makes it again (seconds at 500,000 persons, once).
INDEXES = {
    "callcentre_persons_id": ("persons", "person_id"),
    "callcentre_persons_birth": ("persons", "birth_date"),
    "callcentre_exposure": ("person_exposure", "person_id"),
    "callcentre_risk": ("person_risk", "person_id"),
    "callcentre_letters_person": ("notify_letters", "person_id"),
    "callcentre_letters_id": ("notify_letters", "letter_id"),
    "callcentre_letters_resend": ("notify_letters", "resend_of"),
    "callcentre_status": ("notify_status", "letter_id"),
    "callcentre_codes_letter": ("notify_codes", "letter_id"),
}
_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


@dataclass(frozen=True)
class LetterState:
    """One letter of the caller: reference, when, from whom, and what became of it."""

    letter_id: str
    kind: str  # initial | reissue | resend | answer
    issued_on: date  # the date printed on the letter
    sender: str
    status: str  # issued | sent | delivered | returned | resent
    resent_as: str | None = None
    tier: str | None = None  # the tier the letter states


@dataclass(frozen=True)
class Caller:
    """What an agent sees of the person a lookup reached."""

    person_id: str
    via: str  # code | identite
    identity: list[tuple[str, str]]  # (field, masked value)
    elements: list[str]  # element keys shown (WITHHELD stands for a minor's items)
    tier: str | None
    tier_sentence: str
    advice: list[str]
    letters: list[LetterState]
    not_sent: list[str]  # reasons, when no letter went out
    minor: bool
    variant: str | None  # the letter's variant, for a lookup by its code only
    pending_address: bool = False  # a new address waits for `vigie notify --resend`

    @property
    def returned(self) -> bool:
        """The caller's latest letter came back and was not sent again."""
        return bool(self.letters) and self.letters[-1].status == "returned"

    @property
    def health(self) -> bool:
        return any(e.startswith(("health.", "care.")) for e in self.elements)


@dataclass(frozen=True)
class Lookup:
    """A lookup's answer: `outcome` is genuine | found | unknown_code | not_found | limited."""

    outcome: str
    caller: Caller | None = None
    issuer: str | None = None  # of a genuine code
    issued_on: date | None = None
    letter_id: str | None = None
    retry_after: int = 0  # seconds, when limited
    situations: list[str] = field(default_factory=list)


class CallDesk:
    """The call centre's reads for one request of one principal (agent or lead)."""

    def __init__(
        self, ws: Workspace, con: duckdb.DuckDBPyConnection, who: Principal, now: datetime
    ) -> None:
        if who.role not in CALL_ROLES:
            raise Denied(who.role)
        self.ws, self.con, self.who, self.now = ws, con, who, now
        self.tables, indexes = catalog(con)
        if "call_lookups" not in self.tables:
            con.execute(LOOKUPS_DDL)
        ensure_indexes(con, self.tables, indexes)

    # -- lookups -----------------------------------------------------------------------
    def by_code(self, code: str) -> Lookup:
        """The letter whose verification code the caller reads out (`vigie verify`'s check)."""
        wait = self._limited()
        if wait:
            return self._refuse(wait)
        found = codes.verify(self.con, code[:64])
        if found is None:
            return self._miss("code", "unknown_code")
        person = self._person_of_letter(found.letter_id)
        caller = self._caller(person, "code", found.letter_id) if person else None
        self._hit("code", caller.person_id if caller else None)
        return self._answer(
            Lookup("genuine", caller, found.issuer, found.issued_on, found.letter_id)
        )

    def by_identity(self, surname: str, first_name: str, birth: str, postcode: str) -> Lookup:
        """The one person whose name (usage or birth), a first name, birth date and postcode
        all agree with what the caller says; "not found" for anything else."""
        wait = self._limited()
        if wait:
            return self._refuse(wait)
        dates = birth_dates(birth)
        typed = [v[:80] for v in (surname, first_name, postcode)]
        found = self._identity(typed, dates) if dates and all(v.strip() for v in typed) else []
        if len(found) != 1:
            return self._miss("identite", "not_found")
        self._hit("identite", found[0])
        return self._answer(Lookup("found", self._caller(found[0], "identite", None)))

    def _identity(self, typed: list[str], dates: list[date]) -> list[str]:
        """The persons born on one of `dates` whose keys agree with the typed ones. The
        keys are the link's (vigie.link.standardise), each expression once over the typed
        values and the few candidates together: with each in its own place the statement
        took ~20 ms to prepare (its regular expressions) for 1 ms of index scan."""
        if "persons" not in self.tables:
            return []
        rows = self.con.execute(
            f"""WITH c AS MATERIALIZED (
                SELECT person_id, surname, birth_name, first_names, postcode FROM persons
                WHERE birth_date IN (?, ?)),  -- the index scan first, then a few rows
            v AS (SELECT NULL AS person_id, ?::VARCHAR AS n, ?::VARCHAR AS g, ?::VARCHAR AS cp
                UNION ALL SELECT person_id, surname, first_names, postcode FROM c
                UNION ALL SELECT person_id, birth_name, NULL, NULL FROM c)
            SELECT person_id, {std.name_key("n")}, {std.given_names("g")}, {std.postcode("cp")}
            FROM v""",
            [dates[0], dates[-1], *typed],
        ).fetchall()
        said = next(r for r in rows if r[0] is None)
        name, given, postcode = said[1], (said[2] or "").split(" ")[0], said[3]
        if not (name and given and postcode):
            return []
        names: dict[str, set[str]] = {}
        others: dict[str, tuple[list[str], str | None]] = {}
        for person_id, key, givens, code in rows:
            if person_id is None:
                continue
            names.setdefault(person_id, set()).add(key)
            if givens is not None or code is not None:
                others[person_id] = ((givens or "").split(" "), code)
        found = [
            person_id
            for person_id, (givens, code) in others.items()
            if name in names[person_id] and given in givens and code == postcode
        ]
        return sorted(found)[:2]

    def _person_of_letter(self, letter_id: str | None) -> str | None:
        if letter_id is None or not {"persons", "notify_letters"} <= self.tables:
            return None
        person = self._one(
            "SELECT max(person_id) FROM notify_letters WHERE letter_id = ?", letter_id
        )
        return str(person) if person else None

    def _one(self, sql: str, *params: Any) -> Any:
        """The first value of a one-row query."""
        return self.con.execute(sql, list(params)).fetchall()[0][0]

    # -- quotas and the audit ------------------------------------------------------------
    def _limited(self) -> int:
        """Seconds until this login may look up again (0: now)."""
        since = self.now - WINDOW
        rows = self.con.execute(
            "SELECT looked_at, found FROM call_lookups WHERE login = ? AND looked_at > ? "
            "ORDER BY looked_at",
            [self.who.login, since],
        ).fetchall()
        waits = []
        if len(rows) >= MAX_LOOKUPS:
            waits.append(rows[-MAX_LOOKUPS][0])
        misses = [at for at, found in rows if not found]
        if len(misses) >= MAX_MISSES:
            waits.append(misses[-MAX_MISSES])
        if not waits:
            return 0
        free_at = max(waits) + WINDOW
        return max(1, int((free_at - self.now).total_seconds()) + 1)

    def _refuse(self, wait: int) -> Lookup:
        self.ws.note("call limit", {"by": self.who.login, "role": self.who.role}, self.con)
        return Lookup("limited", retry_after=wait)

    def _miss(self, via: str, outcome: str) -> Lookup:
        self._log(via, None)
        params = {"by": self.who.login, "role": self.who.role, "via": via, "found": False}
        self.ws.note("call lookup", params, self.con)
        return self._answer(Lookup(outcome))

    def _hit(self, via: str, person_id: str | None) -> None:
        self._log(via, person_id)
        if person_id is not None:
            params = {"by": self.who.login, "role": self.who.role, "page": "appel",
                      "via": via, "person_id": person_id}  # fmt: skip
            self.ws.note("view", params, self.con)

    def _log(self, via: str, person_id: str | None) -> None:
        self.con.execute(
            "INSERT INTO call_lookups VALUES (?, ?, ?, ?, ?)",
            [self.who.login, self.now, via, person_id is not None, person_id],
        )

    def reached(self, person_id: str) -> bool:
        """Whether this login found `person_id` by a lookup within REACH (no data read)."""
        rows = self.con.execute(
            "SELECT count(*) FROM call_lookups WHERE login = ? AND person_id = ? AND looked_at > ?",
            [self.who.login, person_id, self.now - REACH],
        ).fetchall()
        return bool(rows[0][0])

    # -- what the agent sees -------------------------------------------------------------
    def _caller(self, person_id: str, via: str, letter_id: str | None) -> Caller | None:
        # One statement: uncorrelated subqueries keep their index scans.
        exposure = (
            "(SELECT list(DISTINCT element) FROM person_exposure WHERE person_id = ?)"
            if "person_exposure" in self.tables
            else "(SELECT NULL::VARCHAR[] FROM (SELECT ?))"
        )
        risk = (
            "(SELECT max(tier) FROM person_risk WHERE person_id = ?)"
            if "person_risk" in self.tables
            else "(SELECT NULL::VARCHAR FROM (SELECT ?))"
        )
        rows = self.con.execute(
            f"SELECT surname, first_names, birth_date, postcode, city, {exposure}, {risk} "
            "FROM persons WHERE person_id = ?",
            [person_id] * 3,
        ).fetchall()
        if not rows:  # a letter of persons an earlier `vigie link` made
            return None
        surname, first, birth, postcode, city, found, risk_tier = rows[0]
        letters, not_sent, variants = self._letters(person_id)
        variant = variants.get(letter_id) if letter_id else None
        age = age_on(birth, self.now.date())
        minor = (age is not None and age < 18) or any(
            v in MINOR_VARIANTS for v in variants.values()
        )
        order = {e: n for n, e in enumerate(ELEMENTS)}
        elements = sorted(found or [], key=lambda e: (order.get(e, len(order)), e))
        policy = minors_policy(self.ws)
        if minor and policy.confidential:
            elements = list(policy.generic(tuple(elements)))
        tier = self._tier(letters, letter_id, minor, elements, risk_tier)
        # The advice speaks to the reader of the letter: a minor's representatives, unless
        # the code read out is that of the minor's own letter.
        to_parents = minor and variant != "minor_own"
        said = wording.tier_sentence(tier, minor=to_parents) if tier else ""
        advice = wording.advice_for(elements, minor=to_parents) if elements else []
        identity = [
            ("Nom", masking.mask_name(surname or "")),
            ("Prénom", masking.mask_name((first or "").split(" ")[0])),
            ("Date de naissance", masking.mask_date(str(birth or ""))),
            ("Code postal", masking.mask_postcode(postcode or "")),
            ("Commune", masking.mask_name(city or "")),
        ]
        return Caller(
            person_id=person_id,
            via=via,
            identity=[(k, v) for k, v in identity if v],
            elements=elements,
            tier=tier,
            tier_sentence=typographic(said),
            advice=[typographic(a) for a in advice],
            letters=letters,
            not_sent=not_sent if not letters else [],
            minor=minor,
            variant=variant,
            pending_address=self._pending_address(person_id),
        )

    @staticmethod
    def _tier(
        letters: list[LetterState],
        letter_id: str | None,
        minor: bool,
        elements: list[str],
        risk_tier: str | None,
    ) -> str | None:
        """The tier the caller's letter states; for a minor found by identity, the tier of
        what may be said to their representatives (never one that hints at withheld items)."""
        if minor and letter_id is None:
            return tier_for(elements)[0] if elements else None
        stated = next((x.tier for x in letters if x.letter_id == letter_id), None)
        tier = stated or risk_tier or (tier_for(elements)[0] if elements else None)
        return str(tier) if tier else None

    def _letters(self, person_id: str) -> tuple[list[LetterState], list[str], dict[str, str]]:
        """The person's letters, oldest first, the reasons none went out, and each
        letter's variant. Point lookups only (indexed): no scan of a 500,000-row table."""
        tables = {"notify_letters", "notify_issues", "notify_status", "notify_not_sent"}
        if not tables <= self.tables:
            return [], [], {}
        issued = "SELECT issue, kind, CAST(created_at AS DATE) FROM notify_issues"
        issues = {i: (k, d) for i, k, d in self.con.execute(issued).fetchall()}
        rows = self.con.execute(
            "SELECT letter_id, issue, controller, variant FROM notify_letters "
            "WHERE person_id = ? ORDER BY issue",
            [person_id],
        ).fetchall()
        letters = []
        for letter_id, issue, sender, _ in rows:
            kind, created = issues.get(issue, ("initial", None))
            printed, again, status, tier = self._letter_news(letter_id)
            state = "resent" if again else str(status or "issued")
            letters.append(
                LetterState(letter_id, kind, printed or created, sender or "", state, again, tier)
            )
        reasons = [] if rows else self.con.execute(
            "SELECT DISTINCT reason FROM notify_not_sent WHERE person_id = ? ORDER BY 1",
            [person_id],
        ).fetchall()  # fmt: skip
        return letters, [r[0] for r in reasons], {r[0]: r[3] for r in rows}

    def _letter_news(self, letter_id: str) -> tuple[Any, ...]:
        """The date printed on a letter, the letter that resent it, its latest news (by the
        rule of notify.tracking: date, import, the later stage on the same day) and its
        tier, in one statement of indexed lookups."""
        printed = (
            "(SELECT min(issued_on) FROM notify_codes WHERE letter_id = ?)"
            if "notify_codes" in self.tables
            else "(SELECT NULL::DATE FROM (SELECT ?))"
        )
        row = self.con.execute(
            f"SELECT {printed}, "
            "(SELECT min(letter_id) FROM notify_letters WHERE resend_of = ?), "
            "(SELECT arg_max(status, (coalesce(status_date, DATE '1970-01-01'), imported_at, "
            "CASE status WHEN 'returned' THEN 3 WHEN 'delivered' THEN 2 ELSE 1 END)) "
            "FROM notify_status WHERE letter_id = ?), "
            "(SELECT max(tier) FROM notify_letters WHERE letter_id = ?)",
            [letter_id] * 4,
        ).fetchall()[0]
        return tuple(row)

    def _pending_address(self, person_id: str) -> bool:
        from vigie.notify.reported import pending_move

        return "call_outcomes" in self.tables and pending_move(self.con, person_id)

    def _answer(self, lookup: Lookup) -> Lookup:
        from vigie.console.scripts import situations

        lookup.situations.extend(situations(lookup))
        return lookup


def minors_policy(ws: Workspace) -> MinorsPolicy:
    """incident.yaml's minors' policy, read again only when the file changes (parsing the
    YAML on every lookup cost as much as two indexed queries)."""
    stamp = ws.facts_path.stat().st_mtime_ns if ws.facts_path.exists() else 0
    return _policy(str(ws.facts_path), stamp, ws)


@functools.lru_cache(maxsize=8)
def _policy(path: str, stamp: int, ws: Workspace) -> MinorsPolicy:
    return MinorsPolicy.from_facts(ws.facts())


def catalog(con: duckdb.DuckDBPyConnection) -> tuple[set[str], set[str]]:
    """The store's tables and indexes, in one query (each statement counts on a busy host)."""
    rows = con.execute(
        "SELECT 't', table_name FROM duckdb_tables() WHERE database_name = ? UNION ALL "
        "SELECT 'i', index_name FROM duckdb_indexes() WHERE database_name = ?",
        [ALIAS, ALIAS],
    ).fetchall()
    return {n for k, n in rows if k == "t"}, {n for k, n in rows if k == "i"}


def ensure_indexes(con: duckdb.DuckDBPyConnection, tables: set[str], have: set[str]) -> None:
    """Make the missing INDEXES of the tables that exist."""
    for name, (table, column) in INDEXES.items():
        if name not in have and table in tables:
            con.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")


def birth_dates(text: str) -> list[date]:
    """The birth date as typed (JJ/MM/AAAA, JJMMAAAA or AAAA-MM-JJ), and the same with day
    and month swapped when that is a date too (the link model forgives the swap)."""
    text = text.strip()[:20]
    found = _DATE.match(text) or _COMPACT.match(text)
    if found:
        day, month, year = (int(g) for g in found.groups())
    elif iso := _ISO.match(text):
        year, month, day = (int(g) for g in iso.groups())
    else:
        return []
    dates = []
    for d, m in ((day, month), (month, day)):
        try:
            dates.append(date(year, m, d))
        except ValueError:
            continue
    return list(dict.fromkeys(dates))
