"""Regenerate src/vigie/link/data/reference_model.json, vigie's reference linkage model.

The model is trained as `vigie link` trains it, on a synth incident (10,000 persons,
seed 2021: every EM session has thousands of pairs), with no reference of its own to
fall back on, so the file never feeds itself. The m and u of each level are kept by
comparison and label. Comparisons synth has no column for (another identifier than the
NIR) get the hand-set values of HAND_SET, documented here. Run it after any change to
the model (`MODEL_VERSION`); tests/link/test_reference.py fails until it is.

    python scripts/make_reference_model.py
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "vigie" / "link" / "data" / "reference_model.json"
PERSONS, SEED = 10_000, 2021

# Levels synth cannot teach. other_id (national_id.other: a hospital or foreign number)
# is personal, so like the NIR without its household sharing: equal is near-certain, a
# typo rare on both sides. Names swapped between columns: rare among matches, rarer among
# random pairs (u never met in synth's 1M random pairs). Without a NIR the vetoes on
# birth dates are off, and "all other" (first names or birth dates differ beyond a typo)
# is reached: first names that share nothing, as strong against as a learned level may be
# (the m floor, ~ -13 bits; twins), birth dates as far apart as "same year" (~ -8 bits).
HAND_SET = {
    "other_id": {
        "exact": {"m": 0.95, "u": 1e-5},
        "typo": {"m": 0.03, "u": 1e-4},
        "all other": {"m": 0.02, "u": 0.9999},
    },
    "surname": {"given and family names swapped": {"m": 0.002, "u": 1e-6}},
    "first_name": {
        "given and family names swapped": {"m": 0.002, "u": 1e-6},
        "all other": {"m": 1e-4, "u": 0.99},
    },
    "dob": {"all other": {"m": 0.003, "u": 0.99}},
}


def _train(work: Path) -> dict:
    from vigie.ingest import ingest_files
    from vigie.link import reference
    from vigie.link.pipeline import run_link
    from vigie.registry import add_registry
    from vigie.scan.stage import run_scan
    from vigie.synth import generate
    from vigie.workspace import Workspace

    synth = work / "synth"
    generate(synth, PERSONS, SEED, progress=False)
    ws = Workspace.create(work / "ws")
    ingest_files(ws, sorted((synth / "leak").iterdir()))
    with (synth / "registries" / "controllers.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            add_registry(ws, row["controller"], synth / "registries" / row["file"])
    run_scan(ws)
    reference.load = lambda: {"levels": {}}  # type: ignore[assignment]  # no self-feeding
    result = run_link(ws)
    if not result["model"]["trained"] or result["model"]["m_from_reference"]:
        sys.exit(f"the synth incident did not train the whole model: {result['model']}")
    with ws.connect() as con:
        rows = con.execute(
            "SELECT model FROM link_models WHERE digest = ?", [result["model_digest"]]
        ).fetchall()
    return json.loads(rows[0][0])


def main() -> None:
    from vigie.link import model, reference

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIGIE_KEY_DIR"] = str(Path(tmp) / "keys")
        os.environ.pop("VIGIE_KEY", None)
        trained = _train(Path(tmp))
    levels = reference.levels_of(trained)
    for comparison, hand_set in HAND_SET.items():
        levels[comparison] = {**hand_set, **levels.get(comparison, {})}
    missing = reference.missing_levels(levels)
    if missing:
        sys.exit(f"no reference value for {missing}: add them to HAND_SET")
    document = {
        "model_version": model.MODEL_VERSION,
        "source": f"vigie synth --persons {PERSONS} --seed {SEED}, trained by vigie link; "
        f"hand-set: {', '.join(HAND_SET)} (scripts/make_reference_model.py)",
        "levels": levels,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {sum(map(len, levels.values()))} levels")


if __name__ == "__main__":
    main()
