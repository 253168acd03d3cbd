"""vigie's reference model: m and u per comparison level, for what an incident cannot teach.

A small or clean incident has too few record pairs to train on (one row; two hundred
patients each listed once). Linkage still has to run, so what training cannot estimate
comes from `data/reference_model.json`: the parameters of the same model trained once on
a synth incident (`scripts/make_reference_model.py` regenerates it). Levels are keyed by
comparison and label, so the file follows the model as long as `MODEL_VERSION` does.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

REFERENCE_FILE = "reference_model.json"
RECALL = 0.8  # of the deterministic rules, as in training (train.estimate)
MAX_PRIOR = 0.5  # a file that is nearly all duplicates: no stronger prior than even odds


@cache
def load() -> dict[str, Any]:
    """The shipped reference: {"model_version", "source", "levels": {comparison: {label:
    {"m", "u"}}}}."""
    text = resources.files("vigie.link").joinpath("data", REFERENCE_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def levels_of(trained: dict[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    """m and u of every trained, non-null level of a saved Splink model, by comparison."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for comparison in trained.get("comparisons", []):
        found = {}
        for level in comparison.get("comparison_levels", []):
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or not isinstance(m, float | int):
                continue
            if isinstance(u, float | int):
                found[level["label_for_charts"]] = {"m": float(m), "u": float(u)}
        out[comparison["output_column_name"]] = found
    return out


def missing_levels(levels: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(comparison, label) of the model's levels, with every field present, that
    `levels` has no m and u for (the reference must cover them all)."""
    from vigie.link import model

    fields = {"nir", "other_id", "phone", "email", "sex", "postcode", "street", "first_name"}
    missing = []
    for household_ids in (True, False):  # without a NIR, the birth date veto is off
        present = fields if household_ids else fields - {"nir"}
        for comparison in model.build_settings(present | {"surname_key"})["comparisons"]:
            name = comparison["output_column_name"]
            for level in comparison["comparison_levels"]:
                label = level["label_for_charts"]
                if not level.get("is_null_level") and label not in levels.get(name, {}):
                    missing.append((name, label))
    return sorted(set(missing))


def default_prior(records: int, observed: int) -> float:
    """The prior when the incident's deterministic pairs cannot give one.

    Splink's estimate is observed / recall / all pairs. With no sure pair observed it
    would be 0 (nothing could ever link): we count half a pair instead, the usual
    correction for a count of zero, so only overwhelming evidence links. Too many sure
    pairs for the recall (two identical rows) or fewer than two records: even odds.
    """
    pairs = records * (records - 1) / 2
    if pairs < 1:
        return MAX_PRIOR
    return min(MAX_PRIOR, max(observed, 0.5) / RECALL / pairs)


def fill_u(comparisons: list[Any]) -> list[str]:
    """Give every level whose u the incident did not estimate the reference's u; return
    the comparisons where that happened (a level never seen among random pairs)."""
    reference = load()["levels"]
    filled = []
    for comparison in comparisons:
        known = reference.get(comparison.output_column_name, {})
        for level in comparison.comparison_levels:
            if level.is_null_level or level._u_is_trained:
                continue
            if level.label_for_charts in known:
                level.u_probability = known[level.label_for_charts]["u"]
                filled.append(comparison.output_column_name)
    return sorted(set(filled))


def fill_m(comparisons: list[Any]) -> list[str]:
    """Give each comparison that no EM session trained the reference's m (fixed m, the
    vetoes, stay as they are); return their names."""
    reference = load()["levels"]
    filled = []
    for comparison in comparisons:
        levels = [
            lv
            for lv in comparison.comparison_levels
            if not lv.is_null_level and not lv._fix_m_probability
        ]
        if any(lv._m_is_trained for lv in levels):
            continue
        known = reference.get(comparison.output_column_name, {})
        for level in levels:
            if level.label_for_charts in known:
                level.m_probability = known[level.label_for_charts]["m"]
        filled.append(comparison.output_column_name)
    return filled
