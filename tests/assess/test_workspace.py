"""assess in a real workspace: inputs from scan/link tables, tiers, history, register, audit."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from vigie.assess.inputs import categories_of, workspace_inputs
from vigie.assess.run import assess_workspace
from vigie.workspace import Workspace

NOW = datetime.fromisoformat("2021-02-24T09:00:00+01:00")
FACTS = """\
title: Test
controller_sector: health
occurred_at: 2021-02-12T00:00:00+01:00
aware_at: 2021-02-23T09:00:00+01:00
breach_types: [confidentiality]
cause: exfiltration
malicious: true
data_categories: []
persons: null
encryption_state: none
exfiltration_confirmed: true
published: true
"""
EXPOSURES = {
    "p1": ["identity.last_name", "health.hiv"],
    "p2": ["identity.last_name", "national_id.nir"],
    "p3": ["identity.first_name", "contact.email"],
    "p4": ["identity.last_name"],
    "p5": ["identity.last_name", "care.exam"],
}


def _make_tables(ws: Workspace) -> None:
    with ws.connect() as con:
        con.execute("CREATE TABLE persons (person_id VARCHAR, birth_date DATE)")
        con.executemany(
            "INSERT INTO persons VALUES (?, ?)",
            [
                ("p1", "1980-01-01"),
                ("p2", "2010-05-05"),
                ("p3", "1990-02-02"),
                ("p4", "2012-12-12"),
                ("p5", "1970-07-07"),
                ("p6", "1960-01-01"),
            ],
        )
        con.execute("CREATE TABLE person_exposure (person_id VARCHAR, element VARCHAR)")
        con.executemany(
            "INSERT INTO person_exposure VALUES (?, ?)",
            [(p, e) for p, elements in EXPOSURES.items() for e in elements],
        )
        con.execute('CREATE TABLE scan_exposure ("table" VARCHAR, _row BIGINT, element VARCHAR)')
        con.executemany(
            "INSERT INTO scan_exposure VALUES ('t', ?, ?)",
            [(i, e) for i, elements in enumerate(EXPOSURES.values()) for e in elements],
        )


def test_inputs_are_none_before_scan_and_link(workspace: Workspace) -> None:
    inputs = workspace_inputs(workspace)
    assert inputs.data_categories is None and inputs.persons is None
    assert inputs.minors is None and inputs.exposures is None


def test_inputs_from_hand_made_tables(workspace: Workspace) -> None:
    _make_tables(workspace)
    inputs = workspace_inputs(workspace, reference=date(2021, 2, 12))
    assert inputs.persons == 6
    assert inputs.minors == 2
    assert inputs.exposures == 5
    assert inputs.data_categories == {"identity", "health", "national_id", "contact"}


def test_categories_of_elements() -> None:
    assert categories_of(frozenset({"health.genetic", "insurance.number"})) == {
        "health",
        "genetic",
        "financial",
    }


def test_assess_workspace_stores_tiers_history_register_and_audit(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(FACTS)
    ws = Workspace.create(tmp_path / "ws", facts)
    _make_tables(ws)
    first, entry = assess_workspace(ws, now=NOW)
    assert first.persons_by_tier == {"very_high": 1, "high": 2, "medium": 1, "low": 2}
    assert first.case.persons == 6
    assert "minors" in first.case.categories
    assert any("data_categories issues de scan" in a for a in first.assumptions)
    _, again = assess_workspace(ws, now=NOW)  # the same assessment (a re-run after a kill)
    assert again == entry  # is recorded once
    _, entry2 = assess_workspace(ws, now=NOW + timedelta(hours=1))
    assert entry2 != entry
    with ws.connect() as con:
        risk = dict(con.execute("SELECT person_id, tier FROM person_risk").fetchall())
        reasons = con.execute("SELECT reasons FROM person_risk WHERE person_id='p1'").fetchall()
        history = con.execute("SELECT facts_digest, decision FROM assessments").fetchall()
    assert risk == {
        "p1": "very_high",
        "p2": "high",
        "p3": "medium",
        "p4": "low",
        "p5": "high",
        "p6": "low",
    }
    assert "VIH" in reasons[0][0][0]
    assert len(history) == 2 and history[0][0] == history[1][0]
    assert json.loads(history[1][1])["severity"]["level"] == "very_high"
    register = json.loads((ws.out_dir / "register" / "register.json").read_text())
    assert len(register["history"]) == 2
    assert register["decisions"]["notify_sa"]["required"] is True
    verbs = [json.loads(line)["verb"] for line in ws.audit_path.read_text().splitlines()]
    assert verbs == ["init", "assess", "assess", "assess"]
    assert ws.verify_audit() == 4


def test_facts_file_wins_over_scan_but_the_gap_is_said(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(FACTS.replace("data_categories: []", "data_categories: [identity]"))
    ws = Workspace.create(tmp_path / "ws", facts)
    _make_tables(ws)
    done, _ = assess_workspace(ws, now=NOW)
    assert "health" not in done.case.categories
    assert any("scan a trouvé des catégories" in a for a in done.assumptions)


def test_missing_aware_at_in_a_workspace_uses_its_creation(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(FACTS.replace("aware_at: 2021-02-23T09:00:00+01:00\n", ""))
    ws = Workspace.create(tmp_path / "ws", facts)
    done, _ = assess_workspace(ws, now=NOW)
    assert done.notify_sa["deadline"] is not None
    assert any("création de l'espace de travail" in a for a in done.assumptions)
