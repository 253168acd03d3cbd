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

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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
from vigie.workspace import Workspace, table_exists

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
# The latest news of each letter (the rule of notify.tracking and of the dashboard).
_LATEST_STATUS = """
    SELECT letter_id, arg_max(status, (coalesce(status_date, DATE '1970-01-01'), imported_at,
        CASE status WHEN 'returned' THEN 3 WHEN 'delivered' THEN 2 ELSE 1 END)) AS status
    FROM notify_status GROUP BY 1"""
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
        con.execute(LOOKUPS_DDL)

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
        self._hit("code", person)
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
        if not table_exists(self.con, "persons"):
            return []
        given = std.given_names("prenom")
        key = std.name_key
        rows = self.con.execute(
            f"""WITH t AS (SELECT {key("nom")} AS k, split_part({given}, ' ', 1) AS g,
                    {std.postcode("cp")} AS cp
                FROM (SELECT ?::VARCHAR AS nom, ?::VARCHAR AS prenom, ?::VARCHAR AS cp))
            SELECT p.person_id FROM persons p, t
            WHERE list_contains(?::DATE[], p.birth_date)
                AND t.k IN ({key("p.surname")}, {key("p.birth_name")})
                AND list_contains(string_split({std.given_names("p.first_names")}, ' '), t.g)
                AND {std.postcode("p.postcode")} = t.cp
            ORDER BY 1 LIMIT 2""",
            [*typed, dates],
        ).fetchall()
        return [r[0] for r in rows]

    def _person_of_letter(self, letter_id: str | None) -> str | None:
        if letter_id is None or not table_exists(self.con, "persons"):
            return None
        rows = self.con.execute(
            "SELECT l.person_id FROM notify_letters l JOIN persons p USING (person_id) "
            "WHERE l.letter_id = ?",
            [letter_id],
        ).fetchall()
        return str(rows[0][0]) if rows else None

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
    def _caller(self, person_id: str, via: str, letter_id: str | None) -> Caller:
        surname, first, birth, postcode, city = self.con.execute(
            "SELECT surname, first_names, birth_date, postcode, city FROM persons "
            "WHERE person_id = ?",
            [person_id],
        ).fetchall()[0]
        letters, not_sent, variants = self._letters(person_id)
        variant = variants.get(letter_id) if letter_id else None
        age = age_on(birth, self.now.date())
        minor = (age is not None and age < 18) or any(
            v in MINOR_VARIANTS for v in variants.values()
        )
        elements = self._elements(person_id)
        policy = MinorsPolicy.from_facts(self.ws.facts())
        if minor and policy.confidential:
            elements = list(policy.generic(tuple(elements)))
        tier = self._tier(person_id, letter_id, minor, elements)
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

    def _elements(self, person_id: str) -> list[str]:
        if not table_exists(self.con, "person_exposure"):
            return []
        rows = self.con.execute(
            "SELECT DISTINCT element FROM person_exposure WHERE person_id = ? ORDER BY 1",
            [person_id],
        ).fetchall()
        order = {e: n for n, e in enumerate(ELEMENTS)}
        return sorted((r[0] for r in rows if r[0]), key=lambda e: (order.get(e, len(order)), e))

    def _tier(
        self, person_id: str, letter_id: str | None, minor: bool, elements: list[str]
    ) -> str | None:
        """The tier the caller's letter states; for a minor found by identity, the tier of
        what may be said to their representatives (never one that hints at withheld items)."""
        if minor and letter_id is None:
            return tier_for(elements)[0] if elements else None
        if letter_id is not None:
            rows = self.con.execute(
                "SELECT tier FROM notify_letters WHERE letter_id = ?", [letter_id]
            ).fetchall()
            if rows and rows[0][0]:
                return str(rows[0][0])
        if table_exists(self.con, "person_risk"):
            rows = self.con.execute(
                "SELECT tier FROM person_risk WHERE person_id = ?", [person_id]
            ).fetchall()
            if rows:
                return str(rows[0][0])
        return tier_for(elements)[0] if elements else None

    def _letters(self, person_id: str) -> tuple[list[LetterState], list[str], dict[str, str]]:
        """The person's letters, oldest first, the reasons none went out, and each
        letter's variant."""
        tables = ("notify_letters", "notify_issues", "notify_status", "notify_not_sent")
        if not all(table_exists(self.con, t) for t in tables):
            return [], [], {}
        rows = self.con.execute(
            "SELECT l.letter_id, i.kind, coalesce((SELECT min(c.issued_on) FROM notify_codes c "
            "WHERE c.letter_id = l.letter_id), CAST(i.created_at AS DATE)), l.controller, "
            "coalesce(s.status, 'issued'), l.variant, "
            "(SELECT min(r.letter_id) FROM notify_letters r WHERE r.resend_of = l.letter_id) "
            f"FROM notify_letters l JOIN notify_issues i USING (issue) LEFT JOIN "
            f"({_LATEST_STATUS}) s USING (letter_id) WHERE l.person_id = ? ORDER BY l.issue",
            [person_id],
        ).fetchall()
        letters = [
            LetterState(lid, kind, issued, sender or "", "resent" if again else status, again)
            for lid, kind, issued, sender, status, _, again in rows
        ]
        reasons = self.con.execute(
            "SELECT DISTINCT reason FROM notify_not_sent WHERE person_id = ? ORDER BY 1",
            [person_id],
        ).fetchall()
        return letters, [r[0] for r in reasons], {r[0]: r[5] for r in rows}

    def _pending_address(self, person_id: str) -> bool:
        from vigie.notify.reported import pending_moves

        return person_id in {pid for _, pid, _ in pending_moves(self.con, [person_id])}

    def _answer(self, lookup: Lookup) -> Lookup:
        from vigie.console.scripts import situations

        lookup.situations.extend(situations(lookup))
        return lookup


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
