"""SIGKILL each writing stage at random moments; the re-run must end as if never killed."""

from __future__ import annotations

import pytest

from tests.crash.conftest import crash_points, tally
from tests.crash.harness import (
    Pipeline,
    audited_verbs,
    codes_in_out,
    differences,
    kill_delays,
    letters_once,
    run,
    run_killed,
    state_of,
    valid_codes,
)
from tests.crash.stages import STAGES

pytestmark = pytest.mark.crash
POINTS = [(s, i) for s in STAGES for i in range(crash_points())]


@pytest.mark.parametrize(("stage", "point"), POINTS, ids=[f"{s.name}-{i}" for s, i in POINTS])
def test_killed_stage_reruns_to_the_uninterrupted_result(
    pipeline: Pipeline, stage, point: int
) -> None:  # type: ignore[no-untyped-def]
    delay = kill_delays(stage.name, pipeline.durations[stage.name], crash_points())[point]
    pipeline.restore(stage.before)
    killed = run_killed(pipeline, stage.argv(pipeline), delay)
    tally(stage.name, "killed" if killed else "ended before the kill")
    codes_of_killed_run = codes_in_out(pipeline.ws)
    again = run(pipeline, stage.argv(pipeline))
    assert again.returncode == 0 or "already purged" in again.stderr, again.stderr[-2000:]
    verify = run(pipeline, ["audit", "verify", str(pipeline.ws)])
    assert verify.returncode == 0, verify.stderr
    assert differences(state_of(pipeline), pipeline.states[stage.name]) == []
    # A change in the store without its audit entry is a change nobody can account for.
    assert stage.audit_verb in audited_verbs(pipeline, stage.before)
    if stage.name == "notify":
        assert letters_once(pipeline)
        assert valid_codes(pipeline, codes_in_out(pipeline.ws)) == codes_in_out(pipeline.ws)
        survived = valid_codes(pipeline, codes_of_killed_run)
        assert survived in (set(), codes_of_killed_run)
    tally(stage.name, "passed")
