"""Per-person risk tier from the set of elements exposed for that person.

The rules are data (TIER_RULES), checked in order, the first match wins; the same table
compiles to SQL for the store (`tier_sql`), so 500,000 persons are tiered in one query.
A pattern ending in "." matches an element prefix (`health.` matches `health.hiv`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TIERS = ("very_high", "high", "medium", "low")
DEFAULT_TIER = "low"
DEFAULT_REASON = "aucune règle applicable : identité ou données accessoires seulement"


@dataclass(frozen=True)
class TierRule:
    """The person is in `tier` when every group has at least one matching element."""

    rule: str
    tier: str
    groups: tuple[tuple[str, ...], ...]
    reason: str
    cites: str


_EDPB = "EDPB, lignes directrices 9/2022, section IV (risque élevé)"
TIER_RULES: tuple[TierRule, ...] = (
    TierRule(
        "tier.hiv_genetic",
        "very_high",
        (("health.hiv", "health.genetic"),),
        "statut VIH ou données génétiques exposés",
        f"{_EDPB}; RGPD art. 9",
    ),
    TierRule(
        "tier.credentials_health",
        "very_high",
        (("credentials.",), ("health.", "care.exam")),
        "identifiants de connexion exposés avec des données de santé",
        f"{_EDPB}; ENISA 2013",
    ),
    TierRule(
        "tier.health",
        "high",
        (("health.", "care.exam"),),
        "données de santé exposées",
        f"{_EDPB}; RGPD art. 9",
    ),
    TierRule(
        "tier.nir_identity",
        "high",
        (("national_id.",), ("identity.",)),
        "numéro national avec identité : usurpation d'identité",
        "RGPD considérant 85",
    ),
    TierRule(
        "tier.financial",
        "high",
        (("financial.",),),
        "données financières exposées : fraude, perte financière",
        "RGPD considérant 85",
    ),
    TierRule(
        "tier.contact",
        "medium",
        (("contact.",),),
        "coordonnées exposées : hameçonnage ciblé",
        "RGPD considérant 85",
    ),
    TierRule(
        "tier.national_id",
        "medium",
        (("national_id.",),),
        "numéro national sans identité",
        "RGPD considérant 85",
    ),
    TierRule(
        "tier.identity", "low", (("identity.",),), "identité seule", "ENISA 2013, données simples"
    ),
)


def _matches(pattern: str, element: str) -> bool:
    return element.startswith(pattern) if pattern.endswith(".") else element == pattern


def tier_for(elements: Iterable[str]) -> tuple[str, str]:
    """The tier of one person and the rule's reason with its source."""
    present = set(elements)
    for rule in TIER_RULES:
        if all(any(_matches(p, e) for p in group for e in present) for group in rule.groups):
            return rule.tier, f"{rule.reason} ({rule.cites})"
    return DEFAULT_TIER, DEFAULT_REASON


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pattern_sql(pattern: str) -> str:
    if pattern.endswith("."):
        return f"bool_or(starts_with(element, {_literal(pattern)}))"
    return f"bool_or(element = {_literal(pattern)})"


def tier_sql(exposure_table: str = "person_exposure") -> str:
    """SELECT person_id, tier, reason FROM the exposure table (person_id, element)."""
    whens_tier, whens_reason = [], []
    for rule in TIER_RULES:
        cond = " AND ".join(
            "(" + " OR ".join(_pattern_sql(p) for p in group) + ")" for group in rule.groups
        )
        whens_tier.append(f"WHEN {cond} THEN {_literal(rule.tier)}")
        whens_reason.append(f"WHEN {cond} THEN {_literal(f'{rule.reason} ({rule.cites})')}")
    return (
        f"SELECT person_id, CASE {' '.join(whens_tier)} ELSE {_literal(DEFAULT_TIER)} END AS tier, "
        f"CASE {' '.join(whens_reason)} ELSE {_literal(DEFAULT_REASON)} END AS reason "
        f"FROM {exposure_table} GROUP BY person_id"
    )
