"""Issue 15 figures: the cost curve of every stage as the incident grows (20k, 100k, 500k
and 2M persons by default; 5M only where the machine has the memory), and the fitted
exponent k of time ∝ n^k per stage.

Each stage is the real `vigie` command in a child process, run once per size, with the
child's peak RSS. Letters are rendered on a sample: `vigie notify --shard 1/K` with K
chosen so that the shard holds about SAMPLE persons, its time multiplied by K (what K
shards run one after the other on this machine would take; the table says so). Every
other stage runs on the whole incident.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benches.common import BENCH_ENV, VIGIE, Context, Sample, run, run_isolated

TITLE = "scale"
SIZES = (20_000, 100_000, 500_000, 2_000_000)
SAMPLE = 20_000  # persons in the notify shard that is timed
MIN_FREE_GB_5M = 12  # do not start 5M persons with less memory available than this
LETTER_DATE = "2021-03-01"
# The operator's path (the reference case): what a user runs once the leak is in hand.
OPERATOR = ("ingest", "registries", "scan", "link", "assess", "report")


@dataclass
class SizeRun:
    persons: int
    stages: dict[str, Sample] = field(default_factory=dict)
    shards: int = 1  # notify: K, the time shown is K x the shard's
    leak_rows: int = 0
    registry_rows: int = 0
    letters: int = 0
    link: dict[str, Any] = field(default_factory=dict)  # pairs scored, seconds per part
    failed: str = ""  # the stage that failed at this size, and its one-line error


def run_section(ctx: Context) -> list[str]:
    sizes = tuple(ctx.sizes) if ctx.sizes else _sizes(ctx)
    runs: list[SizeRun] = []
    stopped = ""
    for persons in sizes:
        free = available_gb()
        if persons >= 5_000_000 and free < MIN_FREE_GB_5M:
            stopped = (
                f"{persons:,} persons not run: {free:.1f} GB available when it was due to "
                f"start (less than the {MIN_FREE_GB_5M} GB asked for on this shared machine)."
            )
            print(f"bench scale: {stopped}", file=sys.stderr)
            break
        runs.append(measure(ctx.work, persons))
        if runs[-1].failed:
            stopped = f"{persons:,} persons stopped: {runs[-1].failed}"
            break
    return table(runs, stopped)


def _sizes(ctx: Context) -> tuple[int, ...]:
    factor = ctx.large / 500_000
    return tuple(sorted({max(2_000, round(s * factor)) for s in SIZES}))


def available_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def measure(work: Path, persons: int, *, with_notify: bool = True) -> SizeRun:
    """synth, then every stage on a fresh workspace; both deleted afterwards (disk)."""
    incident, ws = work / f"scale-incident-{persons}", work / f"scale-ws-{persons}"
    result = SizeRun(persons)
    try:
        synth = [*VIGIE, "synth", str(incident), "--persons", str(persons), "--seed", "3"]
        _stage(result, "synth", synth)
        run([*VIGIE, "init", str(ws), "--facts", str(incident / "incident.yaml")], BENCH_ENV)
        now = _clock(incident / "incident.yaml")
        leak = sorted(str(p) for p in (incident / "leak").iterdir())
        _stage(result, "ingest", [*VIGIE, "ingest", str(ws), *leak])
        index = incident / "registries" / "controllers.csv"
        _stage(result, "registries", [*VIGIE, "registry", "add", str(ws), "--index", str(index)])
        _stage(result, "scan", [*VIGIE, "scan", str(ws)])
        linked = _stage(result, "link", [*VIGIE, "link", str(ws), "--json"])
        doc = json.loads(linked.output)
        result.link = {"pairs": doc.get("pairs_scored"), "seconds": doc.get("seconds"),
                       "records": doc.get("input_records")}  # fmt: skip
        _stage(result, "assess", [*VIGIE, "assess", str(ws), "--now", now, "--json"])
        if with_notify:
            _notify(result, ws)
        _stage(result, "report", [*VIGIE, "report", str(ws), "--now", now, "--json"])
    except SystemExit as exc:  # a stage failed: the sizes before it and its stages stand
        result.failed = str(exc).removeprefix("bench: ")
        print(f"bench scale: {result.failed}", file=sys.stderr)
    finally:
        if ws.exists():
            with contextlib.suppress(Exception):  # a store a failed stage left unreadable
                result.leak_rows, result.registry_rows = _rows(ws)
        shutil.rmtree(incident, ignore_errors=True)
        shutil.rmtree(ws, ignore_errors=True)
    return result


def _stage(result: SizeRun, name: str, cmd: list[str]) -> Sample:
    sample = run_isolated(cmd, BENCH_ENV)
    result.stages[name] = sample
    # A long run's progress, one JSON line a stage (no personal value: times and sizes).
    line = {"persons": result.persons, "stage": name, "s": round(sample.seconds, 2),
            "cpu": round(sample.cpu, 2), "peak_mb": round(sample.peak_mb),
            "load": os.getloadavg()[0],
            "at": datetime.now().isoformat(timespec="seconds")}  # fmt: skip
    print(f"bench scale: {json.dumps(line)}", file=sys.stderr, flush=True)
    return sample


def _notify(result: SizeRun, ws: Path) -> None:
    shards = max(1, math.ceil(result.persons / SAMPLE))
    cmd = [*VIGIE, "notify", str(ws), "--date", LETTER_DATE, "--jobs", "2", "--json"]
    if shards > 1:
        cmd += ["--shard", f"1/{shards}"]
    sample = _stage(result, "notify", cmd)
    doc = json.loads(sample.output)
    result.shards = shards
    result.letters = int(doc["letters"])
    result.stages["notify"] = Sample(
        sample.seconds * shards, sample.peak_mb, sample.output, sample.cpu * shards
    )
    out = Path(doc["out"])
    shutil.rmtree(out, ignore_errors=True)  # disk: the PDFs


def _clock(facts: Path) -> str:
    """The day after awareness, as the demo plays it (the 72-hour clock reads the same)."""
    import yaml

    aware = yaml.safe_load(facts.read_text(encoding="utf-8"))["aware_at"]
    if isinstance(aware, str):
        aware = datetime.fromisoformat(aware)
    return (aware + timedelta(days=1)).isoformat()


def _rows(ws: Path) -> tuple[int, int]:
    os.environ.update(BENCH_ENV)
    from vigie.workspace import Workspace

    with Workspace.open(ws).connect(read_only=True) as con:
        found = con.execute(
            "SELECT sum(rows) FILTER (kind = 'leak'), sum(rows) FILTER (kind = 'registry') "
            "FROM _tables"
        ).fetchall()
    return int(found[0][0] or 0), int(found[0][1] or 0)


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) on log(persons): k in time ∝ n^k."""
    pts = [(math.log(n), math.log(t)) for n, t in points if t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def _fmt_k(k: float | None) -> str:
    return "–" if k is None else f"{k:.2f}"


def table(runs: list[SizeRun], stopped: str = "") -> list[str]:
    if not runs:
        return ["## scale: the cost curve", "", stopped or "No size was run."]
    sizes = [r.persons for r in runs]
    head = " | ".join(f"{n:,}" for n in sizes)
    lines = [
        "## scale: the cost curve",
        "",
        f"One run per size (seed 3), {datetime.now():%Y-%m-%d %H:%M}; each stage is the real "
        "command in a child process. Cells: wall time in seconds (CPU seconds, user + "
        "system, of the command and its children) / peak RSS in MB. k is the least-squares "
        "exponent of time ∝ n^k over all sizes, on wall time and on CPU time; the last "
        "column is the CPU slope between the two largest sizes (fixed costs, process start "
        "and model loads, flatten k at the small sizes).",
        "Leak rows: " + ", ".join(f"{r.leak_rows:,}" for r in runs)
        + "; registry rows: " + ", ".join(f"{r.registry_rows:,}" for r in runs) + ".",
        "",
        f"| stage | {head} | k (wall) | k (CPU) | k (CPU), last two |",
        "|---|" + "---|" * len(sizes) + "---|---|---|",
    ]  # fmt: skip
    for stage in runs[0].stages:
        label = "notify (extrapolated)" if stage == "notify" else stage
        lines.append(_row(label, [r.stages.get(stage) for r in runs], sizes))
    total = [_total(r) for r in runs]
    lines.append(_row(f"**operator's path** ({', '.join(OPERATOR)})", total, sizes))
    shards = ", ".join(f"1/{r.shards} ({r.letters:,} letters)" for r in runs)
    pairs = "; ".join(
        f"{r.persons:,}: {r.link.get('records') or 0:,} records, "
        f"{r.link.get('pairs') or 0:,} pairs scored, parts (s) {r.link.get('seconds')}"
        for r in runs
    )
    lines += [
        "",
        f"notify renders one shard (`--shard 1/K`, about {SAMPLE:,} persons: {shards}); its "
        "time is multiplied by K, what K shards would take one after the other here, and its "
        "peak is the shard's. Every other stage runs on the whole incident. The operator's "
        "path sums its stages' times; its peak is the largest stage's.",
        "",
        f"link, per size: {pairs}.",
    ]
    if stopped:
        lines += ["", stopped]
    return lines


def _total(run: SizeRun) -> Sample | None:
    found = [run.stages[s] for s in OPERATOR if s in run.stages]
    if not found or run.failed:
        return None
    return Sample(sum(s.seconds for s in found), max(s.peak_mb for s in found), "",
                  sum(s.cpu for s in found))  # fmt: skip


def _row(label: str, samples: list[Sample | None], sizes: list[int]) -> str:
    cells = [f"{s.seconds:,.1f} ({s.cpu:,.1f}) / {s.peak_mb:,.0f}" if s else "–" for s in samples]
    wall = [(n, s.seconds) for n, s in zip(sizes, samples, strict=True) if s]
    cpu = [(n, s.cpu) for n, s in zip(sizes, samples, strict=True) if s]
    ks = [exponent(wall), exponent(cpu), exponent(cpu[-2:])]
    return f"| {label} | {' | '.join(cells)} | {' | '.join(_fmt_k(k) for k in ks)} |"


def main() -> None:
    """`python scripts/benches/scale.py SIZE...`: the curve alone, JSON lines on stderr."""
    import tempfile

    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    work = Path(tempfile.mkdtemp(prefix="vigie-scale-"))
    started = time.monotonic()
    try:
        runs = [measure(work, n) for n in sizes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(table(runs)))
    print(f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
