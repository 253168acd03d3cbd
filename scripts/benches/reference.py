"""Issue 15 figure: the reference case end to end, as the operator runs it — ingest of the
leak, the 28 registries in one `vigie registry add --index`, scan, link, assess, report —
at the large size (500,000 persons by default). Goal: under 120 s and 6 GB on this
2-core machine. synth is not part of the operator's path and is not counted.
"""

from __future__ import annotations

import os

from benches.common import Context
from benches.scale import OPERATOR, measure

TITLE = "reference case end to end"
GOAL_SECONDS, GOAL_MB = 120, 6 * 1024


def run_section(ctx: Context) -> list[str]:
    load_before = os.getloadavg()
    run = measure(ctx.work, ctx.large, with_notify=False)
    load_after = os.getloadavg()
    total = sum(run.stages[s].seconds for s in OPERATOR)
    peak = max(run.stages[s].peak_mb for s in OPERATOR)
    met = total < GOAL_SECONDS and peak < GOAL_MB
    cells = " | ".join(f"{run.stages[s].seconds:,.1f} ({run.stages[s].cpu:,.1f}) / "
                       f"{run.stages[s].peak_mb:,.0f}" for s in OPERATOR)  # fmt: skip
    cpu = sum(run.stages[s].cpu for s in OPERATOR)
    return [
        f"## reference case: {ctx.large:,} persons end to end",
        "",
        f"The operator's path as a user runs it, each verb the real command in a child process "
        f"(wall seconds (CPU seconds) / peak RSS in MB); {run.leak_rows:,} leak rows, "
        f"{run.registry_rows:,} registry rows. Load average "
        f"{', '.join(f'{x:.1f}' for x in load_before)} before, "
        f"{', '.join(f'{x:.1f}' for x in load_after)} after.",
        "",
        f"| {' | '.join(OPERATOR)} | total | peak |",
        "|---|" + "---|" * (len(OPERATOR) + 1),
        f"| {cells} | **{total:,.1f} s** ({cpu:,.1f} s CPU) | **{peak:,.0f} MB** |",
        "",
        f"Goal: under {GOAL_SECONDS} s and {GOAL_MB // 1024} GB: "
        f"{'met' if met else 'not met'} (synth, not part of the path, took "
        f"{run.stages['synth'].seconds:,.1f} s).",
    ]
