"""Issue 15 item 3: `vigie link --engine spark --spark-master` on a real Spark standalone
cluster (a master and two workers on loopback, started from the pyspark installation as
tests/link/test_spark.py does) against `vigie link` on DuckDB, on the same workspace:
`--large` leak rows against three times as many registry rows (2M records by default),
as the link section builds them.

Timed as a user runs them, one run each (the Spark run takes many minutes here). Memory
is sampled from /proc every half second: the vigie process with its driver JVM, and the
cluster (master, workers and their executors). Scored as the link section does (pairwise
F1 over the leaked persons' rows against synth's truth), and Spark's persons against
DuckDB's (pairwise agreement of the two clusterings).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benches.common import ROOT, VIGIE, Context
from benches.link import (
    _evaluate,
    _export_for_peer,
    _export_vigie_clusters,
    _incident,
    _pairwise_f1,
    _prepare,
)

TITLE = "spark"
WORKERS = 2
WORKER_CORES = 1
# Per worker: an executor of EXECUTOR_MEMORY; the driver JVM gets VIGIE_SPARK_MEMORY.
WORKER_MEMORY = os.environ.get("BENCH_SPARK_WORKER_MEMORY", "4g")
EXECUTOR_MEMORY = os.environ.get("BENCH_SPARK_EXECUTOR_MEMORY", "3500m")
DRIVER_MEMORY = os.environ.get("BENCH_SPARK_DRIVER_MEMORY", "4g")
TIMEOUT = float(os.environ.get("BENCH_SPARK_TIMEOUT", "5400"))  # the Spark run, seconds


def run_section(ctx: Context) -> list[str]:
    sys.path.insert(0, str(ROOT))  # tests.link.spark_cluster starts the cluster
    from tests.link.spark_cluster import standalone_cluster

    leak_rows = ctx.large
    incident = _incident(ctx, leak_rows, 3 * leak_rows)
    ws = ctx.work / "link-ws"
    counts = _prepare(ws, incident) if not ws.exists() else _counts(ws)
    truth = ctx.work / "link-truth.parquet"
    if not truth.exists():
        _export_for_peer(ws, incident / "truth", ctx.work / "link-peer-in.parquet", truth)
    load_before = os.getloadavg()
    duck = _measured([*VIGIE, "link", str(ws), "--json"], {}, [])
    print(f"bench: spark: duckdb {duck.seconds:.0f} s {duck.peak_mb}", file=sys.stderr)
    duck_out = ctx.work / "spark-duckdb-out.parquet"
    _export_vigie_clusters(ws, duck_out)
    duck_eval = _evaluate(ws, incident / "truth")
    with standalone_cluster(
        Path(tempfile.mkdtemp(prefix="spark-cluster-", dir=ctx.work)),
        workers=WORKERS,
        worker_cores=WORKER_CORES,
        worker_memory=WORKER_MEMORY,
        executor_memory=EXECUTOR_MEMORY,
    ) as cluster:
        env = {**cluster.env(), "VIGIE_SPARK_MEMORY": DRIVER_MEMORY}
        command = [*VIGIE[:-1], "-vv", "link", str(ws), "--engine", "spark"]  # -vv: progress
        command += ["--spark-master", cluster.master_url, "--json"]
        spark = _measured(command, env, [p.pid for p in cluster.processes], TIMEOUT)
    if not spark.finished:
        return _unfinished(counts, duck, spark, load_before)
    spark_out = ctx.work / "spark-spark-out.parquet"
    _export_vigie_clusters(ws, spark_out)
    spark_eval = _evaluate(ws, incident / "truth")
    scores = {"duckdb": _pairwise_f1(duck_out, truth), "spark": _pairwise_f1(spark_out, truth)}
    agreement = _agreement(spark_out, duck_out)
    raw = {"counts": counts, "duckdb": duck.__dict__, "spark": spark.__dict__, "scores": scores}
    print(
        f"bench: spark raw: {json.dumps({**raw, 'agreement': agreement}, default=str)}",
        file=sys.stderr,
    )  # kept in the bench's log if the table below fails
    return _table(counts, duck, spark, scores, (duck_eval, spark_eval), agreement, load_before)


def _counts(ws_path: Path) -> dict[str, int]:
    from benches.common import BENCH_ENV
    from vigie.workspace import Workspace

    os.environ.update(BENCH_ENV)  # the bench's workspaces' key (as link._prepare sets it)

    with Workspace.open(ws_path).connect(read_only=True) as con:
        kinds = con.execute("SELECT kind, sum(rows) FROM _tables GROUP BY kind").fetchall()
    return {str(k): int(v) for k, v in kinds}


@dataclass
class Measured:
    seconds: float
    output: dict
    peak_mb: dict[str, float] = field(default_factory=dict)
    finished: bool = True
    last_step: str = ""  # Splink's last progress line (-vv), for a run cut short


def _measured(
    cmd: list[str], env: dict[str, str], cluster_pids: list[int], timeout: float | None = None
) -> Measured:
    """Run `cmd`, sampling the RSS of its process tree and of the cluster's every 0.5 s;
    past `timeout` the run is killed and returned with `finished` False."""
    from benches.common import BENCH_ENV

    started = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,  # the progress lines are read as text (bytes failed on every run's end)
        env={**os.environ, **BENCH_ENV, **env},
        start_new_session=True,  # killed with its driver JVM on timeout
    )
    peaks = {"vigie (driver)": 0.0, "cluster": 0.0, "total": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            children = _children()
            driver = _tree_rss(proc.pid, children)
            cluster = sum(_tree_rss(pid, children) for pid in cluster_pids)
            for key, value in (("vigie (driver)", driver), ("cluster", cluster)):
                peaks[key] = max(peaks[key], value)
            peaks["total"] = max(peaks["total"], driver + cluster)
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
        finished = True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        finished = False
    done.set()
    sampler.join()
    seconds = time.monotonic() - started
    if finished and proc.returncode:
        raise SystemExit(f"bench: {' '.join(cmd)} exited {proc.returncode}: {err[-2000:]!r}")
    progress = [line for line in err.splitlines() if _PROGRESS.search(line)]
    return Measured(
        seconds,
        json.loads(out) if finished else {},
        {k: v / 1024 for k, v in peaks.items()},
        finished,
        progress[-1][:160] if progress else "",
    )


_PROGRESS = re.compile(r"Estimating u for|Iteration \d+:|Starting EM|Blocking time|Predict time")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _tree_rss(pid: int, children: dict[int, list[int]]) -> float:
    """RSS in KB of a process and all its descendants (the driver JVM, the executors)."""
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        stack += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += float(line.split()[1])
        except OSError:
            continue
    return total


def _agreement(spark_out: Path, duck_out: Path) -> dict[str, float | int]:
    """Spark's persons against DuckDB's: pairwise agreement over all records, and the
    records whose person differs."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE j AS SELECT s.unique_id, s.cluster_id AS s, d.cluster_id AS d "
        "FROM read_parquet(?) s JOIN read_parquet(?) d USING (unique_id)",
        [str(spark_out), str(duck_out)],
    )

    def pairs(group: str) -> float:
        sql = "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM "
        sql += f"(SELECT count(*) n FROM j GROUP BY {group})"
        return float(con.execute(sql).fetchall()[0][0])

    both, spark, duck = pairs("s, d"), pairs("s"), pairs("d")
    precision = both / spark if spark else 1.0
    recall = both / duck if duck else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    moved = con.execute(
        "SELECT count(*) FROM j WHERE s IN (SELECT s FROM j GROUP BY s "
        "HAVING count(DISTINCT d) > 1) OR d IN (SELECT d FROM j GROUP BY d "
        "HAVING count(DISTINCT s) > 1)"
    ).fetchall()[0][0]
    return {"f1": round(f1, 6), "records_in_differing_persons": int(moved)}


def _unfinished(
    counts: dict[str, int], duck: Measured, spark: Measured, load_before: tuple[float, ...]
) -> list[str]:
    records = counts.get("leak", 0) + counts.get("registry", 0)
    load_after = os.getloadavg()
    return [
        f"## spark: `vigie link --spark-master` on a standalone cluster, {records:,} records",
        "",
        f"The cluster run did not finish in {spark.seconds:,.0f} s (BENCH_SPARK_TIMEOUT) and "
        f"was stopped; its last step: `{spark.last_step}`. Peak memory until then: vigie + "
        f"driver {spark.peak_mb['vigie (driver)']:,.0f} MB, cluster "
        f"{spark.peak_mb['cluster']:,.0f} MB, total {spark.peak_mb['total']:,.0f} MB. DuckDB "
        f"on the same workspace: {duck.seconds:,.0f} s, {duck.output['persons']:,} persons, "
        f"peak {duck.peak_mb['vigie (driver)']:,.0f} MB. Load average before: "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.1f}" for x in load_after)
        + ".",
    ]


def _table(
    counts: dict[str, int],
    duck: Measured,
    spark: Measured,
    scores: dict[str, dict[str, float]],
    evals: tuple[dict, dict],
    agreement: dict[str, float | int],
    load_before: tuple[float, float, float],
) -> list[str]:
    load_after = os.getloadavg()
    records = counts.get("leak", 0) + counts.get("registry", 0)
    rows = []
    for name, run, score, ev in (
        ("DuckDB (default)", duck, scores["duckdb"], evals[0]),
        (
            f"Spark cluster ({WORKERS} workers x {WORKER_CORES} core)",
            spark,
            scores["spark"],
            evals[1],
        ),
    ):
        rows.append(
            f"| {name} | {run.seconds:,.0f} | {run.output['persons']:,} "
            f"| {run.peak_mb['vigie (driver)']:,.0f} | {run.peak_mb['cluster']:,.0f} "
            f"| {run.peak_mb['total']:,.0f} | {score['precision']} | {score['recall']} "
            f"| {score['f1']} | {ev['cluster']['f1']} |"
        )
    stages = spark.output["seconds"]
    return [
        f"## spark: `vigie link --spark-master` on a standalone cluster, {records:,} records",
        "",
        f"{counts.get('leak', 0):,} leak rows against {counts.get('registry', 0):,} registry "
        f"rows; one run each, same workspace, same session. The cluster: a master and "
        f"{WORKERS} workers on loopback ({WORKER_CORES} core, {WORKER_MEMORY} each; "
        f"executors {EXECUTOR_MEMORY}; driver {DRIVER_MEMORY}), RPC authentication, network "
        "and I/O encryption on, records shipped over the session. Memory: peak RSS sampled "
        "every 0.5 s (the vigie process with its driver JVM; the cluster's daemons and "
        "executors; their sum at one instant). Pairwise figures over the leaked persons' "
        "rows, as the link section.",
        "",
        "| engine | time (s) | persons | vigie + driver peak (MB) | cluster peak (MB) "
        "| total peak (MB) | pairwise P | pairwise R | pairwise F1 | cluster F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Spark / DuckDB time: {spark.seconds / duck.seconds:.1f}x. Spark's stages (s): "
        + ", ".join(f"{k} {v}" for k, v in stages.items())
        + f"; pairs scored {spark.output['pairs_scored']:,} (DuckDB "
        f"{duck.output['pairs_scored']:,}). Spark's persons against DuckDB's: pairwise "
        f"agreement F1 {agreement['f1']}, {agreement['records_in_differing_persons']:,} "
        "records in persons that differ. Load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.1f}" for x in load_after)
        + ".",
    ]
