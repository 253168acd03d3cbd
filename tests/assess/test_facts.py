"""Facts validation: every problem at once, in one ConfigError naming the file and fields."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vigie.assess import parse_facts
from vigie.errors import ConfigError


def test_all_problems_are_reported_together() -> None:
    raw = {"cause": "hack", "breach_types": ["oops"], "persons": -3, "awre_at": "x"}
    with pytest.raises(ConfigError) as err:
        parse_facts(raw, "incident.yaml")
    text = str(err.value)
    assert text.startswith("incident.yaml: 4 problems")
    for part in ("'cause'", "'breach_types'", "'persons'", "did you mean 'aware_at'"):
        assert part in text
    assert "\n" not in text


@pytest.mark.parametrize(
    ("field", "value", "fault"),
    [
        ("controller_sector", "retail", "unknown value"),
        ("encryption_state", "aes", "unknown value"),
        ("data_categories", ["health", "dna"], "unknown value 'dna'"),
        ("malicious", "yes", "expected true or false"),
        ("exfiltration_confirmed", "maybe", "expected true, false or unknown"),
        ("persons", "many", "whole number"),
        ("persons", True, "whole number"),
        ("aware_at", "tuesday", "date-time"),
        ("controllers", [{"nom": "x"}], "expected a mapping with a 'name'"),
    ],
)
def test_bad_field_is_named(field: str, value: object, fault: str) -> None:
    with pytest.raises(ConfigError, match=fault) as err:
        parse_facts({field: value}, "f.yaml")
    assert f"field '{field}'" in str(err.value)


def test_missing_facts_are_not_errors() -> None:
    facts = parse_facts({}, "f.yaml")
    assert facts.aware_at is None and facts.data_categories is None


def test_template_empty_lists_mean_unknown() -> None:
    facts = parse_facts({"data_categories": [], "breach_types": []})
    assert facts.data_categories is None and facts.breach_types is None


def test_offsets_are_kept_and_naive_times_read_as_paris_time() -> None:
    kept = parse_facts({"aware_at": "2021-02-23T09:00:00+05:30"})
    assert kept.aware_at is not None
    assert kept.aware_at.utcoffset() == timedelta(hours=5, minutes=30)
    naive = parse_facts({"aware_at": "2021-02-23 09:00"})
    assert naive.aware_at is not None and naive.aware_at.utcoffset() == timedelta(hours=1)
    assert any("Europe/Paris" in n for n in naive.notes)


def test_exfiltration_unknown_is_none() -> None:
    assert parse_facts({"exfiltration_confirmed": "unknown"}).exfiltration_confirmed is None
