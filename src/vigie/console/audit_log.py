"""The audit log as the lead's page shows it: entries filtered, newest first, in pages.

Pure functions over the log's lines (the role check and the chain's verification are the
data layer's: `data.audit_log`). An entry holds no personal value by construction (ids,
logins, counts), so it is shown as it is, summed up in a few French words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAGE_SIZE = 50
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERSON_ID = re.compile(r"^P[0-9A-F]{6,39}$")


@dataclass(frozen=True)
class AuditFilter:
    """What the lead filters on; an empty field filters nothing."""

    verb: str = ""
    login: str = ""
    day: str = ""  # YYYY-MM-DD, UTC as the log's times
    person_id: str = ""

    @classmethod
    def parse(cls, query: dict[str, str]) -> AuditFilter:
        """From a query string, bounded; a malformed day or person id filters nothing."""
        day = query.get("jour", "").strip()
        person = query.get("personne", "").strip().upper()
        return cls(
            verb=query.get("action", "").strip()[:40],
            login=query.get("compte", "").strip().lower()[:64],
            day=day if DAY.match(day) else "",
            person_id=person if PERSON_ID.match(person) else "",
        )

    def matches(self, entry: dict[str, Any]) -> bool:
        params = entry.get("params") or {}
        if self.verb and entry.get("verb") != self.verb:
            return False
        if self.login and login_of(entry) != self.login:
            return False
        if self.day and not str(entry.get("time", "")).startswith(self.day):
            return False
        if self.person_id:
            ids = params.get("person_ids") or ()
            return params.get("person_id") == self.person_id or self.person_id in ids
        return True

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for the page links)."""
        pairs = {"action": self.verb, "compte": self.login, "jour": self.day,
                 "personne": self.person_id}  # fmt: skip
        return {k: v for k, v in pairs.items() if v}


@dataclass(frozen=True)
class AuditPage:
    entries: list[dict[str, Any]]  # newest first
    total: int  # entries matching the filter
    page: int
    pages: int
    verbs: list[str]  # every verb of the log, for the filter's list
    logins: list[str]  # every login named in the log
    verified: int | None  # entries in the chain when it verifies
    broken: str | None  # why it does not, else None


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page shows it."""

    seq: int
    time: str  # UTC, "2021-02-24 09:00:00"
    action: str  # in French when known
    login: str | None
    detail: str
    person_id: str | None  # a single person the entry names (a link to its entries)


def row(entry: dict[str, Any], labels: dict[str, dict[str, str]]) -> AuditRow:
    params = entry.get("params") or {}
    verb = str(entry.get("verb"))
    person = params.get("person_id")
    return AuditRow(
        seq=int(entry.get("seq") or 0),
        time=str(entry.get("time", "")).replace("T", " ").removesuffix("+00:00"),
        action=labels["verbs"].get(verb, verb),
        login=login_of(entry),
        detail=describe(entry, labels),
        person_id=str(person) if person else None,
    )


def read_lines(path: Path) -> list[dict[str, Any]]:
    """Every entry that parses (a damaged line is skipped here: verification names it)."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def login_of(entry: dict[str, Any]) -> str | None:
    """Who acted: a console login (`by`), or the account a users/console verb concerns."""
    params = entry.get("params") or {}
    who = params.get("by") or params.get("login")
    return str(who) if who else None


def page_of(
    entries: list[dict[str, Any]], wanted: AuditFilter, page: int
) -> tuple[list[dict[str, Any]], int, int, int]:
    """(entries of `page`, matching total, page, pages), newest first."""
    found = [e for e in reversed(entries) if wanted.matches(e)]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], len(found), page, pages


def choices(entries: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    verbs = sorted({str(e.get("verb")) for e in entries if e.get("verb")})
    logins = sorted({w for e in entries if (w := login_of(e))})
    return verbs, logins


def describe(entry: dict[str, Any], labels: dict[str, dict[str, str]]) -> str:
    """A few words on what an entry did (ids, decisions, counts: never a personal value)."""
    params, counts = entry.get("params") or {}, entry.get("counts") or {}
    verb = entry.get("verb")
    if verb == "view":
        page = labels["pages"].get(str(params.get("page")), str(params.get("page")))
        ids = params.get("person_ids") or ()
        if params.get("pair_id") is not None:
            page = f"{page} {params['pair_id']}"
        if params.get("person_id"):
            return f"{page} : {params['person_id']}"
        return f"{page} : {len(ids)} fiche{'s' if len(ids) > 1 else ''}"
    if verb == "review":
        decision = labels["decisions"].get(str(params.get("decision")), "")
        return f"paire {params.get('pair_id')} {decision}".strip()
    shown = [f"{k} {_value(v)}" for k, v in counts.items() if not isinstance(v, dict)]
    return ", ".join(shown[:6])


def _value(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else f"{value:g}"
