"""Issue 3's accuracy bars, end to end through the library on a synth incident.

synth -> init -> ingest -> scan -> evaluate against synth's ground truth: every column
classified right, per-record exposure >= 0.99 precision and recall for structured
elements and >= 0.95 for each health element found in free text. The seed is not the
one the lexicon was tuned on (5).
"""

from __future__ import annotations

import csv

import pytest

from vigie.ingest import ingest_files
from vigie.scan.evaluate import ScanEvaluation, evaluate_scan
from vigie.scan.stage import run_scan
from vigie.synth import generate
from vigie.workspace import Workspace

PERSONS, SEED = 3000, 23
STRUCTURED_BAR, FREE_TEXT_BAR = 0.99, 0.95


@pytest.fixture(scope="module")
def incident(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanEvaluation, set[str]]:
    """The evaluation of one scanned synth incident, and the elements its notes carry."""
    root = tmp_path_factory.mktemp("accuracy")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(root / "keys"))
        mp.delenv("VIGIE_KEY", raising=False)
        out = root / "synth"
        generate(out, PERSONS, SEED, progress=False)
        ws = Workspace.create(root / "ws", facts=out / "incident.yaml")
        ingest_files(ws, sorted((out / "leak").iterdir()))
        run_scan(ws)
        evaluation = evaluate_scan(ws, out / "truth")
    with (out / "truth" / "leak_rows.csv").open(encoding="utf-8", newline="") as handle:
        in_notes = {e for row in csv.DictReader(handle) for e in row["note_elements"].split("|")}
    return evaluation, {e for e in in_notes if e.startswith("health.")}


def _below(evaluation: ScanEvaluation, elements: set[str], bar: float) -> dict[str, object]:
    return {
        e: (round(s.precision, 4), round(s.recall, 4), s.false_positives, s.false_negatives)
        for e, s in evaluation.elements.items()
        if e in elements and (s.precision < bar or s.recall < bar)
    }


def test_every_column_is_classified_correctly(
    incident: tuple[ScanEvaluation, set[str]],
) -> None:
    evaluation, _ = incident
    assert evaluation.columns_total > 0
    assert evaluation.column_errors == []


def test_structured_elements_reach_099_precision_and_recall(
    incident: tuple[ScanEvaluation, set[str]],
) -> None:
    evaluation, free_text = incident
    structured = set(evaluation.elements) - free_text
    assert {"national_id.nir", "identity.last_name", "health.blood_group"} <= structured
    assert _below(evaluation, structured, STRUCTURED_BAR) == {}


def test_free_text_health_elements_reach_095_precision_and_recall(
    incident: tuple[ScanEvaluation, set[str]],
) -> None:
    evaluation, free_text = incident
    # Every health element synth writes in notes is present and scored.
    assert free_text >= {
        "health.hiv",
        "health.pregnancy",
        "health.cancer",
        "health.genetic",
        "health.treatment",
        "health.diagnosis",
        "health.result",
    }
    assert free_text <= set(evaluation.elements)
    assert _below(evaluation, free_text, FREE_TEXT_BAR) == {}
