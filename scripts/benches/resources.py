"""Issue 12 figures: peak memory of ingest, registry add, scan and link as the incident
grows (20k, 500k and 2M persons by default), to show that each stage streams or spills
instead of holding the incident in memory.

Each stage is the real `vigie` command in a child process, run once per size (minutes
at 2M persons); the table gives its time and the child's peak RSS, and the ratio of the
largest size's peak to the smallest's next to the ratio of their rows. A stage whose
peak grows far less than its input is bounded (DuckDB spills past its memory limit, to
encrypted temporary files).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from benches.common import BENCH_ENV, VIGIE, Context, Sample, run, run_isolated

TITLE = "resources"
SIZES = (20_000, 500_000, 2_000_000)


def run_section(ctx: Context) -> list[str]:
    sizes = _sizes(ctx)
    measured: dict[int, dict[str, Sample]] = {}
    rows: dict[int, int] = {}
    for persons in sizes:
        incident = ctx.work / f"resources-incident-{persons}"
        run([*VIGIE, "synth", str(incident), "--persons", str(persons), "--seed", "3"])
        measured[persons], rows[persons] = _pipeline(ctx.work / f"resources-ws-{persons}", incident)
        shutil.rmtree(incident, ignore_errors=True)
    return _table(sizes, measured, rows)


def _sizes(ctx: Context) -> tuple[int, ...]:
    """The default sizes, scaled with `--large` so a quick run (`--large 20000`) stays quick."""
    factor = ctx.large / 500_000
    return tuple(sorted({max(2_000, round(s * factor)) for s in SIZES}))


def _pipeline(ws: Path, incident: Path) -> tuple[dict[str, Sample], int]:
    run([*VIGIE, "init", str(ws)], BENCH_ENV)
    stages: dict[str, Sample] = {}
    leak = sorted(str(p) for p in (incident / "leak").iterdir())
    stages["ingest (all leak files)"] = run_isolated([*VIGIE, "ingest", str(ws), *leak], BENCH_ENV)
    stages["registry add (largest of the 28)"] = _registries(ws, incident / "registries")
    stages["scan"] = run_isolated([*VIGIE, "scan", str(ws)], BENCH_ENV)
    stages["link"] = run_isolated([*VIGIE, "link", str(ws), "--json"], BENCH_ENV)
    leak_rows = _leak_rows(ws)
    shutil.rmtree(ws, ignore_errors=True)
    return stages, leak_rows


def _registries(ws: Path, folder: Path) -> Sample:
    """Every registry as a user adds it; the peak is the largest call's, the time the sum."""
    samples = []
    with (folder / "controllers.csv").open(encoding="utf-8") as fh:
        for entry in csv.DictReader(fh):
            cmd = [*VIGIE, "registry", "add", str(ws), "--controller", entry["controller"]]
            samples.append(run_isolated([*cmd, str(folder / entry["file"])], BENCH_ENV))
    return Sample(
        sum(s.seconds for s in samples), max(s.peak_mb for s in samples), samples[-1].output
    )


def _leak_rows(ws: Path) -> int:
    import os

    os.environ.update(BENCH_ENV)
    from vigie.workspace import Workspace

    with Workspace.open(ws).connect() as con:
        found = con.execute("SELECT sum(rows) FROM _tables WHERE kind = 'leak'").fetchall()
    return int(found[0][0] or 0)


def _table(sizes: tuple[int, ...], measured: dict[int, dict[str, Sample]], rows: dict) -> list:
    header = " | ".join(f"{s:,} persons: time (s) / peak RSS (MB)" for s in sizes)
    lines = [
        "## resources: peak memory as the incident grows",
        "",
        "One run per size (seed 3): each stage is the real command in a child process.",
        "Leak rows: " + ", ".join(f"{rows[s]:,} at {s:,} persons" for s in sizes) + ".",
        "",
        f"| stage | {header} | peak growth, {sizes[0]:,} → {sizes[-1]:,} |",
        "|---|" + "---|" * len(sizes) + "---|",
    ]
    for stage in measured[sizes[0]]:
        cells = [
            f"{measured[s][stage].seconds:.1f} / {measured[s][stage].peak_mb:,.0f}" for s in sizes
        ]
        growth = measured[sizes[-1]][stage].peak_mb / measured[sizes[0]][stage].peak_mb
        lines.append(f"| {stage} | {' | '.join(cells)} | {growth:.1f}x |")
    input_growth = rows[sizes[-1]] / max(1, rows[sizes[0]])
    lines += [
        "",
        f"The input grows {input_growth:.0f}x between the smallest and the largest size. "
        "DuckDB's memory limit (link: `VIGIE_LINK_MEMORY`, 4 GB by default) bounds what the "
        "store's queries hold; past it they spill to encrypted temporary files.",
    ]
    return lines
