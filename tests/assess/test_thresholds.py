"""Thresholds are constants: a change is one line, and the decisions follow it."""

from __future__ import annotations

from datetime import datetime

import pytest

from vigie.assess import assess_facts, severity
from vigie.assess.obligations import art33_authority, art34_persons

NOW = datetime.fromisoformat("2023-03-03T10:00:00+01:00")
MEDIUM_CASE = {
    "controller_sector": "other",
    "aware_at": "2023-03-02T10:00:00+01:00",
    "breach_types": ["confidentiality"],
    "cause": "exfiltration",
    "malicious": True,
    "data_categories": ["identity", "contact", "national_id"],
    "encryption_state": "none",
    "exfiltration_confirmed": True,
}


@pytest.mark.parametrize(
    ("score", "level"),
    [(1.99, "low"), (2.0, "medium"), (2.99, "medium"), (3.0, "high"), (4.0, "very_high")],
)
def test_levels_follow_the_enisa_bands(score: float, level: str) -> None:
    assert severity.level_for(score) == level


def test_level_thresholds_are_the_enisa_ones() -> None:
    assert dict(severity.LEVEL_THRESHOLDS) == {"very_high": 4.0, "high": 3.0, "medium": 2.0}


def test_raising_the_high_threshold_changes_the_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    # national_id 2 x EI 1 + CB 1 = 3.0: high, so the persons are told.
    assert assess_facts(MEDIUM_CASE, NOW).notify_ds["required"] is True
    monkeypatch.setattr(
        severity, "LEVEL_THRESHOLDS", (("very_high", 4.0), ("high", 3.5), ("medium", 2.0))
    )
    decided = assess_facts(MEDIUM_CASE, NOW)
    assert decided.severity.level == "medium"
    assert decided.notify_ds["required"] is False


def test_the_deadline_follows_its_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    assert art33_authority.DEADLINE_HOURS == 72
    assert assess_facts(MEDIUM_CASE, NOW).notify_sa["deadline"] == "2023-03-05T10:00:00+01:00"
    monkeypatch.setattr(art33_authority, "DEADLINE_HOURS", 24)
    assert assess_facts(MEDIUM_CASE, NOW).notify_sa["deadline"] == "2023-03-03T10:00:00+01:00"


def test_high_risk_levels_constant() -> None:
    assert frozenset({"high", "very_high"}) == art34_persons.HIGH_RISK_LEVELS
