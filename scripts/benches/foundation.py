"""Issue 2 figures: synth time at 20k and the large size, ingest throughput per format."""

from __future__ import annotations

import json
import shutil
import statistics
import time
from pathlib import Path

import duckdb

from benches.common import BENCH_ENV, VIGIE, Context, median, run, run_isolated

TITLE = "synth and ingest"


def run_section(ctx: Context) -> list[str]:
    lines = ["## synth", "", *bench_synth(ctx.work, [20_000, ctx.large], ctx.repeats), ""]
    incident = ctx.work / f"synth-{ctx.large}-0"
    ctx.cache[f"{ctx.large}-1"] = incident
    lines += [f"## ingest, per format, on the {ctx.large:,}-person incident", ""]
    lines += bench_ingest(ctx.work, incident, ctx.repeats)
    return lines


def bench_synth(work: Path, sizes: list[int], repeats: int) -> list[str]:
    rows = [
        "| persons | median time (s) | runs | peak RSS (MB) | leak rows (exams) |",
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
        leak_rows = json.loads(samples[0].output)["exam_rows"]
        rows.append(f"| {size:,} | {t:.1f} | {repeats} | {peak:,.0f} | {leak_rows:,} |")
    return rows


def bench_ingest(work: Path, incident: Path, repeats: int) -> list[str]:

    rows = [
        "| file | format | size (MB) | rows | median time (s) | rows/s | MB/s | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    peer_lines: list[str] = []
    env = BENCH_ENV
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
                con = _peer_connection()
                start = time.monotonic()
                con.execute(
                    "CREATE TABLE t AS SELECT * FROM read_csv(?, delim=';', header=true, "
                    "all_varchar=true, encoding='CP1252')",
                    [str(path)],
                )
                peer_times.append(time.monotonic() - start)
                con.close()
            peer = statistics.median(peer_times)
            peer_lines.append(
                f"- `{path.name}`: DuckDB `read_csv` (in-memory, unencrypted, CP1252 "
                "through its encodings extension) "
                f"{peer:.2f} s ({n / peer:,.0f} rows/s) vs vigie ingest {t:.2f} s: vigie takes "
                f"{t / peer:.1f}x DuckDB's time (vigie also detects the encoding and dialect, "
                "keeps lineage and quarantine, and writes to an encrypted store)."
            )
    return [*rows, "", "Peer, same session:", "", *peer_lines]


def _peer_connection() -> duckdb.DuckDBPyConnection:
    """DuckDB reads Windows-1252 only through its `encodings` extension (shipped on PyPI)."""
    import importlib.util

    spec = importlib.util.find_spec("duckdb_extension_encodings")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("bench: pip install 'duckdb-extension-encodings==1.5.5' (dev extra)")
    base = Path(next(iter(spec.submodule_search_locations)))
    extension = sorted(base.glob("extensions/*/encodings.duckdb_extension"))[-1]
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.execute(f"LOAD '{extension}'")
    return con
