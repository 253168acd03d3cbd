"""`vigie assess` through a real subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.runner import Run, assert_one_line_error

# The lead registers assess_verbs in vigie.cli; importing it first makes the test
# independent of that wiring.
BOOT = "import sys, vigie.cli.assess_verbs; from vigie.cli import main; main(sys.argv[1:])"
REFERENCE = """\
title: Fuite de données de laboratoires
controller_sector: health
controllers: [{name: Océalab, dpo_email: dpo@example.org}]
occurred_at: 2021-02-12T00:00:00+01:00
aware_at: 2021-02-23T09:00:00+01:00
breach_types: [confidentiality]
cause: exfiltration
malicious: true
data_categories: [identity, contact, national_id, health]
persons: 491840
encryption_state: none
backup_available: true
exfiltration_confirmed: true
published: true
"""


def vigie(*args: str) -> Run:
    proc = subprocess.run(
        [sys.executable, "-c", BOOT, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(REFERENCE, encoding="utf-8")
    return path


def test_facts_alone_json(facts: Path) -> None:
    run = vigie("assess", "--facts", str(facts), "--now", "2021-02-28T09:00:00+01:00", "--json")
    assert run.code == 0, run.stderr
    doc = run.json()
    assert doc["severity"]["level"] == "very_high"
    assert doc["notify_sa"]["deadline"] == "2021-02-26T09:00:00+01:00"
    assert doc["notify_sa"]["late_by_hours"] == 48
    assert doc["notify_ds"]["required"] and doc["health_report"]["required"]
    assert doc["register"]["required"] is True


def test_facts_alone_prints_the_french_summary(facts: Path) -> None:
    run = vigie("assess", "--facts", str(facts), "--now", "2021-02-24T09:00:00+01:00")
    assert run.code == 0, run.stderr
    assert "Gravité : très élevée" in run.stdout
    assert "26/02/2021 à 09:00" in run.stdout and "reste 48 h" in run.stdout


def test_workspace_run_writes_the_register(tmp_path: Path, facts: Path) -> None:
    ws = tmp_path / "ws"
    assert vigie("init", str(ws), "--facts", str(facts)).code == 0
    run = vigie("assess", str(ws), "--now", "2021-02-24T09:00:00+01:00", "--json")
    assert run.code == 0, run.stderr
    entry = Path(run.json()["register_entry"])
    assert entry.parent == ws / "out" / "register"
    assert json.loads(entry.read_text())["decisions"]["notify_sa"]["required"] is True


@pytest.mark.parametrize(
    ("args", "fault"),
    [
        ((), "give a workspace WS or --facts FILE"),
        (("--facts", "nowhere.yaml"), "no such facts file"),
        (("--facts", "FACTS", "--now", "yesterday"), "--now: not an ISO 8601"),
        (("--facts", "FACTS", "--now", "2021-02-24T09:00"), "give a UTC offset"),
        (("--facts", "BAD"), "2 problems in the incident facts"),
        (("not-a-workspace",), "not a vigie workspace"),
    ],
)
def test_errors_are_one_line(
    tmp_path: Path, facts: Path, args: tuple[str, ...], fault: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cause: hack\npersons: lots\n")
    swap = {"FACTS": str(facts), "BAD": str(bad), "not-a-workspace": str(tmp_path / "nope")}
    run = vigie("assess", *[swap.get(a, a) for a in args])
    assert_one_line_error(run)
    assert fault in run.stderr


def test_help_has_an_example() -> None:
    run = vigie("assess", "--help")
    assert run.code == 0 and "Example:" in run.stdout
