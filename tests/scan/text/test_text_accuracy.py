"""Accuracy on the hand-labelled notes, and a speed smoke test (time reported, not asserted)."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from text_eval import evaluate, load_notes

from vigie.scan.text import find_spans_batch

BAR = 0.95


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, float]]:
    result, _ = evaluate()
    return result


def test_labelled_set_has_at_least_300_notes() -> None:
    assert len(load_notes()) >= 300


def test_every_element_meets_the_bar_on_labelled_notes(
    table: dict[str, dict[str, float]],
) -> None:
    for element, row in table.items():
        print(f"{element:22} precision {row['precision']:.3f} recall {row['recall']:.3f}")
    low = {
        e: (round(r["precision"], 3), round(r["recall"], 3))
        for e, r in table.items()
        if r["precision"] < BAR or r["recall"] < BAR
    }
    assert not low


def _notes(n: int, seed: int = 3) -> list[str | None]:
    rng = random.Random(seed)
    phrases = [
        "RAS",
        "patient à jeun",
        "sous Préviscan, INR 2,4",
        "sérologie VIH négative",
        "rappeler Mme Durand au 06 12 34 56 78",
        "tube hémolysé",
        "enceinte 12 SA",
        "Dr Martin prévenu",
        "K sein, chimio en cours",
        "Appeler sa fille Marie",
    ]
    # Each filled note is made unique so the per-call cache does not hide the cost.
    return [
        f"{rng.choice(phrases)} #{i}" if rng.random() < 0.3 else rng.choice([None, ""])
        for i in range(n)
    ]


def test_batch_of_20000_short_notes_smoke(capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(20_000)
    started = time.perf_counter()
    results = list(find_spans_batch(notes))
    elapsed = time.perf_counter() - started
    assert len(results) == len(notes)
    assert all(r == [] for n, r in zip(notes, results, strict=True) if not n)
    with capsys.disabled():
        print(f"\nfind_spans_batch: {len(notes)} notes in {elapsed:.2f} s")
