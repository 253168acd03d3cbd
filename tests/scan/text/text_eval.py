"""Precision and recall of the free-text detection on the hand-labelled notes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from vigie.scan.text import exposed_elements, find_spans_batch

NOTES = Path(__file__).with_name("labelled_notes.yaml")
LABELS = {
    "hiv": "health.hiv",
    "pregnancy": "health.pregnancy",
    "cancer": "health.cancer",
    "genetic": "health.genetic",
    "treatment": "health.treatment",
    "diagnosis": "health.diagnosis",
    "result": "health.result",
    "other": "health.other",
    "last_name": "identity.last_name",
    "first_name": "identity.first_name",
    "birth_name": "identity.birth_name",
    "prescriber": "provider.prescriber",
    "phone": "contact.phone",
    "email": "contact.email",
    "nir": "national_id.nir",
    "iban": "financial.iban",
}


def load_notes() -> list[tuple[str, set[str]]]:
    raw = yaml.safe_load(NOTES.read_text("utf-8"))["notes"]
    return [(text, {LABELS[w] for w in labels.split()}) for text, labels in raw]


def evaluate(use_ner: bool = True) -> tuple[dict[str, dict[str, float]], list[tuple]]:
    """Per element: tp, fp, fn, precision, recall at note level; and the misses."""
    notes = load_notes()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses = []
    found_all = find_spans_batch((t for t, _ in notes), use_ner=use_ner)
    for (text, truth), spans in zip(notes, found_all, strict=True):
        found = exposed_elements(spans)
        for e in found & truth:
            tp[e] += 1
        for e in found - truth:
            fp[e] += 1
        for e in truth - found:
            fn[e] += 1
        if found != truth:
            misses.append((text, sorted(truth - found), sorted(found - truth)))
    table = {}
    for e in sorted(set(LABELS.values())):
        p = tp[e] / (tp[e] + fp[e]) if tp[e] + fp[e] else 1.0
        r = tp[e] / (tp[e] + fn[e]) if tp[e] + fn[e] else 1.0
        table[e] = {"tp": tp[e], "fp": fp[e], "fn": fn[e], "precision": p, "recall": r}
    return table, misses


if __name__ == "__main__":
    table, misses = evaluate()
    for text, missed, extra in misses:
        print(f"{text!r}\n    missed {missed} extra {extra}")
    for e, row in table.items():
        print(
            f"{e:22} P {row['precision']:.3f} R {row['recall']:.3f}  "
            f"tp {row['tp']} fp {row['fp']} fn {row['fn']}"
        )
