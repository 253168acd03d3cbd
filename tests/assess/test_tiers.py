"""Per-person tiers: the rule table, in Python and compiled to SQL, agree."""

from __future__ import annotations

import duckdb
import pytest

from vigie.assess.tiers import TIER_RULES, TIERS, tier_for, tier_sql

CASES = [
    ({"identity.last_name", "health.hiv"}, "very_high"),
    ({"identity.last_name", "health.genetic", "contact.email"}, "very_high"),
    ({"credentials.password", "care.exam"}, "very_high"),
    ({"identity.last_name", "health.cancer"}, "high"),
    ({"identity.last_name", "care.exam"}, "high"),
    ({"identity.last_name", "national_id.nir"}, "high"),
    ({"financial.iban"}, "high"),
    ({"identity.first_name", "contact.phone"}, "medium"),
    ({"national_id.nir"}, "medium"),
    ({"identity.last_name", "identity.birth_date"}, "low"),
    ({"provider.prescriber"}, "low"),
    ({"credentials.password"}, "low"),
]


@pytest.mark.parametrize(("elements", "tier"), CASES)
def test_tier_for(elements: set[str], tier: str) -> None:
    got, reason = tier_for(elements)
    assert got == tier
    assert reason


def test_every_rule_names_a_known_tier_and_cites() -> None:
    for rule in TIER_RULES:
        assert rule.tier in TIERS and rule.cites and rule.groups


def test_sql_agrees_with_python() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE person_exposure (person_id INTEGER, element VARCHAR)")
    for pid, (elements, _) in enumerate(CASES):
        con.executemany(
            "INSERT INTO person_exposure VALUES (?, ?)", [(pid, e) for e in sorted(elements)]
        )
    rows = con.execute(tier_sql() + " ORDER BY person_id").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (pid, *tier_for(elements)) for pid, (elements, _) in enumerate(CASES)
    ]
