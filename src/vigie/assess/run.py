"""`vigie assess WS`: the facts completed by scan and link, the decisions stored with their
history, the per-person tiers, the register entry, and the audit record."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from vigie.assess.assessment import Assessment, assess_facts
from vigie.assess.facts import Facts, parse_facts
from vigie.assess.inputs import WorkspaceInputs, read_inputs
from vigie.assess.register_entry import facts_digest, write_entry
from vigie.assess.tiers import TIERS, tier_sql
from vigie.errors import StoreError
from vigie.workspace import Workspace, table_exists, transaction
from vigie.workspace.facts import load_facts

_HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS assessments (
    assessed_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ, facts_digest VARCHAR, decision JSON)
"""


def assess_workspace(
    ws: Workspace, facts_path: Path | None = None, now: datetime | None = None
) -> tuple[Assessment, Path]:
    """Assess the incident of `ws`; returns the assessment and its register entry's path."""
    started = time.monotonic()
    path = facts_path or ws.facts_path
    parsed = parse_facts(load_facts(path), path)
    now = now or datetime.now(UTC)
    with ws.connect() as con:
        reference = (parsed.occurred_at or parsed.aware_at or now).date()
        try:
            inputs = read_inputs(con, reference)
        except duckdb.Error as exc:
            raise _table_error(ws, exc) from None
        facts = complete_facts(parsed, inputs)
        assessment = assess_facts(facts, now, source=path, clock_start=_created_at(ws))
        digest = facts_digest(assessment)
        with transaction(con):
            try:
                _store_tiers(con, assessment)
            except duckdb.Error as exc:
                raise _table_error(ws, exc) from None
            con.execute(_HISTORY_DDL)
            decision = json.dumps(assessment.to_dict(), default=str)
            # The same assessment again (a re-run after a kill, the same --now and facts)
            # is recorded once.
            known = con.execute(
                "SELECT 1 FROM assessments WHERE assessed_at = ? AND facts_digest = ? "
                "AND decision::VARCHAR = ?",
                [assessment.assessed_at, digest, decision],
            ).fetchall()
            if not known:
                con.execute(
                    "INSERT INTO assessments VALUES (?, now(), ?, ?)",
                    [assessment.assessed_at, digest, decision],
                )
        entry = write_entry(ws.out_dir, assessment)
        counts = {"severity": assessment.severity.level, **assessment.persons_by_tier}
        params = {"facts_digest": digest, "now": now.isoformat(), "facts": str(path)}
        ws.record("assess", params, counts, started=started, con=con)
    return assessment, entry


def complete_facts(facts: Facts, inputs: WorkspaceInputs) -> Facts:
    """Fill the facts the file leaves out from scan and link (the file wins when it states)."""
    notes = list(facts.notes)
    changes: dict[str, object] = {}
    found = inputs.data_categories
    if found is not None:
        if facts.data_categories is None:
            changes["data_categories"] = tuple(sorted(found))
            notes.append(f"data_categories issues de scan : {', '.join(sorted(found)) or 'aucune'}")
        elif extra := sorted(found - set(facts.data_categories)):
            notes.append(
                f"scan a trouvé des catégories absentes des faits : {', '.join(extra)} ; "
                "le fichier des faits prévaut — ajoutez-les si elles sont réelles"
            )
    if facts.persons is None and inputs.persons is not None:
        changes["persons"] = inputs.persons
        notes.append(f"persons issu de link : {inputs.persons}")
    if facts.minors is None and inputs.minors is not None:
        changes["minors"] = inputs.minors
    return dataclasses.replace(facts, **changes, notes=tuple(notes))  # type: ignore[arg-type]


def _store_tiers(con: duckdb.DuckDBPyConnection, assessment: Assessment) -> None:
    if not (table_exists(con, "persons") and table_exists(con, "person_exposure")):
        return
    con.execute(
        "CREATE OR REPLACE TABLE person_risk AS "
        "SELECT p.person_id, coalesce(t.tier, 'low') AS tier, "
        "[coalesce(t.reason, 'aucune exposition enregistrée')] AS reasons "
        f"FROM persons p LEFT JOIN ({tier_sql('person_exposure')}) t USING (person_id)"
    )
    rows = con.execute("SELECT tier, count(*) FROM person_risk GROUP BY tier").fetchall()
    found = {str(tier): int(n) for tier, n in rows}
    assessment.persons_by_tier = {tier: found.get(tier, 0) for tier in TIERS}
    assessment.persons_by_tier_source = "person_risk"


def _table_error(ws: Workspace, exc: duckdb.Error) -> StoreError:
    # The engine's message may quote a cell value: only its kind is shown.
    return StoreError(
        f"{ws.store_path}: the scan/link tables do not have the expected columns "
        "(scan_exposure.element, persons.person_id, person_exposure(person_id, element)): "
        f"{type(exc).__name__}"
    )


def _created_at(ws: Workspace) -> datetime | None:
    try:
        manifest = json.loads((ws.path / "workspace.json").read_text())
        return datetime.fromisoformat(manifest["created_at"])
    except (OSError, ValueError, KeyError):
        return None
