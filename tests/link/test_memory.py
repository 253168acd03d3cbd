"""Link's DuckDB memory limit grows with the records unless VIGIE_LINK_MEMORY says."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.link import pipeline
from vigie.link.pipeline import LinkOptions, link_memory, run_link
from vigie.workspace import Workspace

GB = 10**9


@pytest.mark.parametrize(
    ("records", "machine", "expected"),
    [
        (20_000, 24 * GB, "4.0GB"),  # small incidents keep the 4 GB floor
        (6_036_722, 24 * GB, "4.2GB"),  # 2,000,000 persons: about as before
        (14_497_397, 24 * GB, "10.1GB"),  # 5,000,000 persons: what ran in 379 s, not 562
        (100_000_000, 24 * GB, "14.4GB"),  # capped at 60 % of the machine
        (100_000_000, 4 * GB, "4.0GB"),  # never under the floor, even on a small machine
        (100_000_000, None, "70.0GB"),  # a machine that does not say: the records decide
    ],
)
def test_link_memory_follows_the_records_within_the_machine(
    records: int, machine: int | None, expected: str
) -> None:
    assert link_memory(records, machine) == expected


def test_the_limit_chosen_is_reported_and_audited_and_a_setting_wins(
    synth_small: tuple[Path, Path], link_keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIE_KEY_DIR", str(link_keys))
    monkeypatch.delenv("VIGIE_LINK_MEMORY", raising=False)
    ws = Workspace.open(synth_small[0])
    monkeypatch.setattr(pipeline, "_GB_PER_MILLION_RECORDS", 1000.0)  # GBs for 2,000 persons
    monkeypatch.setattr(pipeline, "_machine_memory", lambda: 10 * GB)  # whatever CI runs on
    result = run_link(ws, LinkOptions())
    chosen = result["memory_limit"]
    assert chosen == link_memory(result["input_records"], 10 * GB) == "6.0GB"  # the cap
    assert last_link_memory(ws) == chosen  # and audited
    monkeypatch.setenv("VIGIE_LINK_MEMORY", "3GB")
    assert run_link(ws, LinkOptions())["memory_limit"] == "3GB"


def last_link_memory(ws: Workspace) -> str:
    import json

    lines = [json.loads(line) for line in ws.audit_path.read_text().splitlines() if line]
    return [e for e in lines if e.get("verb") == "link"][-1]["params"]["memory_limit"]
