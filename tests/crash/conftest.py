"""The pipeline built once per session for every kill point, and the closing summary."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.crash.harness import Pipeline, run, state_of, timed
from tests.crash.stages import STAGES, remaining_registries

PERSONS = 80
TALLY: dict[str, dict[str, int]] = {}


def crash_points() -> int:
    """Kill points per stage: a few in `make test`, VIGIE_CRASH_POINTS in `make crash`."""
    return int(os.environ.get("VIGIE_CRASH_POINTS", "2"))


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    from vigie.synth import generate

    root = tmp_path_factory.mktemp("crash")
    p = Pipeline(root=root, incident=root / "incident", key_dir=root / "keys")
    p.key_dir.mkdir()
    generate(p.incident, PERSONS, 3, progress=False)
    init = run(p, ["init", str(p.ws), "--facts", str(p.incident / "incident.yaml")])
    assert init.returncode == 0, init.stderr
    p.snapshot("init")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(p.key_dir))
        _build(p)
    return p


def _build(p: Pipeline) -> None:
    """Each stage through the CLI, timed, its state and a snapshot after it."""
    for stage in STAGES:
        p.durations[stage.name] = timed(p, stage.argv(p))
        p.states[stage.name] = state_of(p)
        p.snapshot(stage.name)
        if stage.name == "registry":
            for argv in remaining_registries(p):
                timed(p, argv)
            p.snapshot("registries")
        if stage.name == "link":
            p.extra["pair"] = _first_pair(p)


def _first_pair(p: Pipeline) -> int:
    from vigie.workspace import Workspace

    with Workspace.open(p.ws).connect() as con:
        rows = con.execute("SELECT min(pair_id) FROM link_review").fetchall()
    assert rows[0][0] is not None, "no pair in the review queue: lower link's --lower"
    return int(rows[0][0])


@pytest.fixture(autouse=True)
def crash_keys(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    # In-process reads (state digests, code checks) use the pipeline's key folder.
    monkeypatch.setenv("VIGIE_KEY_DIR", str(pipeline.key_dir))


def tally(stage: str, outcome: str) -> None:
    counts = TALLY.setdefault(stage, {})
    counts[outcome] = counts.get(outcome, 0) + 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Per stage: kill points tried, killed mid-run or ended first, and passed."""
    if not TALLY:
        return
    terminalreporter.section("crash points")
    for stage, counts in TALLY.items():
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        terminalreporter.write_line(f"{stage:10} {parts}")
    total = sum(c.get("killed", 0) + c.get("ended before the kill", 0) for c in TALLY.values())
    passed = sum(c.get("passed", 0) for c in TALLY.values())
    terminalreporter.write_line(f"{'total':10} {total} kill points, {passed} passed")
