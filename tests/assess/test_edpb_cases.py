"""Calibration against the 18 worked cases of EDPB Guidelines 01/2021 (edpb_cases.yaml):
vigie's decisions on notifying the authority (Art. 33) and the persons (Art. 34) agree
with the guideline's, or differ where the table documents why."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from vigie.assess import assess_facts

TABLE = yaml.safe_load((Path(__file__).parent / "edpb_cases.yaml").read_text(encoding="utf-8"))
CASES = TABLE["cases"]
NOW = datetime.fromisoformat("2023-03-02T08:00:00+01:00")


def decide(case: dict[str, Any]) -> tuple[bool, bool]:
    doc = assess_facts({**TABLE["common"], **case["facts"]}, NOW).to_dict()
    return doc["notify_sa"]["required"], doc["notify_ds"]["required"]


def test_all_eighteen_cases_are_there() -> None:
    assert [c["id"] for c in CASES] == list(range(1, 19))


@pytest.mark.parametrize("case", CASES, ids=[f"case{c['id']:02d}" for c in CASES])
def test_vigie_decides_as_the_guideline_or_as_documented(case: dict[str, Any]) -> None:
    expected = case.get("vigie") or {"sa": case["sa"], "ds": case["ds"]}
    if "vigie" in case:
        assert case.get("why"), "a disagreement with the guideline needs its reason"
    assert decide(case) == (expected["sa"], expected["ds"]), case["name"]


def test_agreement_with_the_guideline() -> None:
    sa = sum(decide(c)[0] == c["sa"] for c in CASES)
    ds = sum(decide(c)[1] == c["ds"] for c in CASES)
    print(f"EDPB 01/2021: authority {sa}/18, persons {ds}/18")
    assert sa >= 17 and ds >= 17
