"""Who gets a letter: every person of `persons`, each either planned for a letter or
listed with the reason they get none (deceased, no usable address, nothing exposed).
The reasons add up: persons = letters + every not-sent reason (tested)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb

from vigie.assess.tiers import tier_for
from vigie.errors import StoreError
from vigie.notify.address import AddressProblem, Recipient, format_address
from vigie.notify.minors import MinorsPolicy
from vigie.notify.variants import MAJORITY
from vigie.workspace import table_exists

NOT_SENT_REASONS = (
    "deceased",
    "no_address",
    "bad_postcode",
    "address_too_long",
    "address_too_many_lines",
    "no_exposure",
)
_PROBLEM_REASON = {
    "no_address": "no_address",
    "bad_postcode": "bad_postcode",
    "line_too_long": "address_too_long",
    "too_many_lines": "address_too_many_lines",
}

# Lists come back joined by the unit separator: DuckDB's conversion of a list column to
# Python lists took most of the 16 s this query cost at 500,000 persons (5 s as strings).
# The age on the letter's date is computed here for the same reason (no date objects).
# A shard's condition (on `p.person_id`) applies to the exposure too: its elements are
# gathered for its own persons only (gathered for all, a 1/100 shard of 2,000,000
# persons took 2.9 GB, and DuckDB cannot spill a list aggregate).
_SEPARATOR = "\x1f"
_PEOPLE_SQL = """
SELECT p.person_id, p.sex, p.first_names, p.surname, p.address, p.postcode, p.city,
    year($on) - year(p.birth_date) - CASE WHEN month(p.birth_date) > month($on)
        OR (month(p.birth_date) = month($on) AND day(p.birth_date) > day($on)) THEN 1 ELSE 0 END,
    coalesce(p.deceased, false), array_to_string(coalesce(p.controllers, []), chr(31)),
    p.email, p.phone, {tier}, array_to_string(coalesce(e.elements, []), chr(31))
FROM persons p
LEFT JOIN (SELECT p.person_id, list_sort(list(DISTINCT element)) AS elements
           FROM person_exposure p {where} GROUP BY 1) e USING (person_id)
{risk_join}
{where}
ORDER BY p.person_id
"""


@dataclass(frozen=True)
class Person:
    person_id: str
    recipient: Recipient
    deceased: bool
    controllers: tuple[str, ...]
    email: str | None
    phone: str | None
    tier: str | None
    elements: tuple[str, ...]
    age: int | None = None  # on the letter's date


@dataclass(frozen=True)
class Planned:
    """A person who gets a letter, with the address block to print; `variant` and
    `elements` say whom the letter speaks to and what it may name (minors.py)."""

    person: Person
    address: tuple[str, ...]
    tier: str
    variant: str = "adult"
    elements: tuple[str, ...] = ()  # empty: the person's own

    @property
    def named(self) -> tuple[str, ...]:
        """The elements the letter names."""
        return self.elements or self.person.elements

    @property
    def to_parents(self) -> bool:
        return self.variant in ("minor", "minor_generic")


def load_people(con: duckdb.DuckDBPyConnection, on: date, where: str | None = None) -> list[Person]:
    """Every person with the fields a letter needs; minors are judged on `on`. `where`: a
    condition on `p.person_id` made by vigie (a shard's, vigie.notify.shards), never input."""
    for table in ("persons", "person_exposure"):
        if not table_exists(con, table):
            raise StoreError(f"no {table} table: run `vigie link` (and `vigie assess`) first")
    has_risk = table_exists(con, "person_risk")
    sql = _PEOPLE_SQL.format(
        tier="r.tier" if has_risk else "NULL",
        risk_join="LEFT JOIN person_risk r USING (person_id)" if has_risk else "",
        where=f"WHERE {where}" if where else "",
    )
    return [_person(row) for row in con.execute(sql, {"on": on}).fetchall()]


def _person(row: tuple[Any, ...]) -> Person:
    (pid, sex, first, surname, address, postcode, city, age, deceased, controllers) = row[:10]
    email, phone, tier, elements = row[10:]
    recipient = Recipient(sex, first, surname, address, postcode, city,
                          age is not None and age < MAJORITY)  # fmt: skip
    return Person(
        pid, recipient, bool(deceased), _items(controllers), email, phone, tier,
        _items(elements), age,
    )  # fmt: skip


def _items(joined: str) -> tuple[str, ...]:
    return tuple(joined.split(_SEPARATOR)) if joined else ()


def plan(
    people: list[Person], policy: MinorsPolicy | None = None
) -> tuple[list[Planned], list[tuple[str, str]]]:
    """Letters to write, sorted by postcode (print-house order), and (person, reason).
    Minors with items the law lets them keep from their parents follow `policy`."""
    policy = policy or MinorsPolicy()
    planned: list[Planned] = []
    not_sent: list[tuple[str, str]] = []
    for person in people:
        if person.deceased:
            not_sent.append((person.person_id, "deceased"))
            continue
        if not person.elements:
            not_sent.append((person.person_id, "no_exposure"))
            continue
        variant = policy.variant(person.age, person.elements)
        recipient = person.recipient
        if variant == "minor_own":  # to the minor by name, not to the representatives
            person = replace(person, recipient=replace(recipient, minor=False))
            recipient = person.recipient
        block = format_address(recipient)
        if isinstance(block, AddressProblem):
            not_sent.append((person.person_id, _PROBLEM_REASON[block.code]))
            continue
        tier = person.tier or tier_for(person.elements)[0]
        named = policy.generic(person.elements) if variant == "minor_generic" else ()
        if variant == "adult" and person.recipient.minor:  # no age known, minor by flag
            variant = "minor"
        planned.append(Planned(person, block, tier, variant, named))
    planned.sort(key=lambda p: (p.address[-1][:5], p.person.person_id))
    return planned, not_sent


def reconcile(persons: int, letters: int, not_sent: list[tuple[str, str]]) -> dict[str, int]:
    """The not-sent counts by reason; raises if the figures do not add up to `persons`."""
    counts = {reason: 0 for reason in NOT_SENT_REASONS}
    for _, reason in not_sent:
        counts[reason] += 1
    if letters + sum(counts.values()) != persons:
        raise StoreError(f"notify: {persons} persons but {letters} letters + {counts} not sent")
    return counts
