"""`make bench`: speed and memory of vigie's stages, written to BENCHMARKS.md.

Each measurement runs the real `vigie` command in a child process (wait4 gives that
child's own peak RSS), several times; we report the median. The machine is shared and
noisy, so a peer (DuckDB's own read_csv for CSV) runs in the same session and we report
the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIGIE = [sys.executable, "-m", "vigie", "--quiet"]


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    output: str


def run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, capture_output=True, env={**os.environ, **(env or {})})
    if proc.returncode:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stderr.decode()[-2000:]}")


def run_isolated(cmd: list[str], env: dict[str, str] | None = None) -> Sample:
    """Run through a tiny wrapper that reports the child's own peak RSS."""
    wrapper = (
        "import subprocess,sys,json,time;t=time.monotonic();"
        "p=subprocess.Popen(sys.argv[1:],stdout=subprocess.PIPE);o,_=p.communicate();"
        "import resource;m=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
        "sys.stdout.write(json.dumps({'rc':p.returncode,'s':time.monotonic()-t,'kb':m,"
        "'out':o.decode()}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd],
        capture_output=True,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode:
        raise SystemExit(f"bench: wrapper failed: {proc.stderr.decode()[-2000:]}")
    doc = json.loads(proc.stdout)
    if doc["rc"]:
        raise SystemExit(f"bench: {' '.join(cmd)} exited {doc['rc']}")
    return Sample(doc["s"], doc["kb"] / 1024, doc["out"])


def median(samples: list[Sample]) -> tuple[float, float]:
    return statistics.median(s.seconds for s in samples), max(s.peak_mb for s in samples)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import duckdb

    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; {platform.platform()}; "
        f"Python {platform.python_version()}; DuckDB {duckdb.__version__}"
    )


def bench_synth(work: Path, sizes: list[int], repeats: int) -> list[str]:
    rows = [
        "| persons | median time (s) | runs | peak RSS (MB) | leak rows |",
        "|---|---|---|---|---|",
    ]
    for size in sizes:
        samples = []
        for i in range(repeats):
            out = work / f"synth-{size}-{i}"
            samples.append(
                run_isolated(
                    [*VIGIE, "synth", str(out), "--persons", str(size), "--seed", "1", "--json"]
                )
            )
            if i:
                shutil.rmtree(out)
        t, peak = median(samples)
        leak_rows = json.loads(samples[0].output).get("leak_rows", "?")
        rows.append(f"| {size:,} | {t:.1f} | {repeats} | {peak:,.0f} | {leak_rows:,} |")
    return rows


def bench_ingest(work: Path, incident: Path, repeats: int) -> list[str]:
    import duckdb

    rows = [
        "| file | format | size (MB) | rows | median time (s) | rows/s | MB/s | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    peer_lines: list[str] = []
    env = {"VIGIE_KEY": "bench-key-not-secret"}
    for path in sorted((incident / "leak").iterdir()):
        samples = []
        for i in range(repeats):
            ws = work / f"ws-{path.name}-{i}"
            run([*VIGIE, "init", str(ws)], env)
            samples.append(run_isolated([*VIGIE, "ingest", str(ws), str(path), "--json"], env))
            shutil.rmtree(ws)
        t, peak = median(samples)
        doc = json.loads(samples[0].output)["files"][0]
        size = path.stat().st_size / 2**20
        n = doc["rows_read"]
        rows.append(
            f"| {path.name} | {doc['format']} | {size:.1f} | {n:,} | {t:.2f} | {n / t:,.0f} | "
            f"{size / t:.1f} | {peak:,.0f} |"
        )
        if doc["format"] == "csv":
            peer_times = []
            for _ in range(repeats):
                con = duckdb.connect()
                start = time.monotonic()
                con.execute(
                    "CREATE TABLE t AS SELECT * FROM read_csv(?, delim=';', header=true, "
                    "all_varchar=true, encoding='latin-1')",
                    [str(path)],
                )
                peer_times.append(time.monotonic() - start)
                con.close()
            peer = statistics.median(peer_times)
            peer_lines.append(
                f"- `{path.name}`: DuckDB `read_csv` (in-memory, plain, latin-1) "
                f"{peer:.2f} s ({n / peer:,.0f} rows/s) vs vigie ingest {t:.2f} s: vigie takes "
                f"{t / peer:.1f}x DuckDB's time (vigie also detects the encoding and dialect, "
                "keeps lineage and quarantine, and writes to an encrypted store)."
            )
    return [*rows, "", "Peer, same session:", "", *peer_lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--large", type=int, default=500_000)
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-"))
    try:
        synth_rows = bench_synth(work, [20_000, args.large], args.repeats)
        ingest_rows = bench_ingest(work, work / f"synth-{args.large}-0", args.repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
            f"Machine: {machine()}.",
            f"Each figure is the median of {args.repeats} runs of the real command in a child "
            "process; peak RSS is the largest of those runs. The machine is shared: compare "
            "ratios to the peer measured in the same session rather than absolute times.",
            "",
            "## synth",
            "",
            *synth_rows,
            "",
            f"## ingest, per format, on the {args.large:,}-person incident",
            "",
            *ingest_rows,
            "",
        ]
    )
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
