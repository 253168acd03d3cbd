"""Issue 13 figures: a relational leak at the large size (500,000 persons: ~0.8 M requests,
~3 M results) through scan and link, target under 3 minutes on this machine.

`vigie synth --shape relational` once (timed); the 28 registries added once to a base
workspace (in this process, not timed), copied for each form of the leak: the dump with
its declared keys (`sil_prod.sql`) and the CSV export whose keys scan finds from the
values (`csv/*.csv`). For each form, in child processes with their peak RSS: `vigie
ingest`, `vigie scan --json`, `vigie link --json`; then (in this process, not timed) the
relations against truth/keys.csv and link's evaluation against the truth (persons,
cluster F1, per-person exposure).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any

from benches.common import BENCH_ENV, VIGIE, Context, Sample, run_isolated

TITLE = "relational leak: scan and link"
TARGET = 180.0  # seconds, scan + link (issue 13)
FORMS = {"dump": "sil_prod.sql", "csv": "csv"}


def run_section(ctx: Context) -> list[str]:
    incident = ctx.work / f"relational-{ctx.large}"
    synth = run_isolated(
        [*VIGIE, "synth", str(incident), "--shape", "relational", "--persons", str(ctx.large),
         "--seed", "1", "--json"]
    )  # fmt: skip
    base = _registries(ctx.work / "relational-base", incident)
    results = {form: _form(ctx.work, base, incident, form) for form in FORMS}
    return _table(ctx.large, synth, results)


def _registries(ws_path: Path, incident: Path) -> Path:
    """A workspace holding the 28 registries (copied for each form: not timed)."""
    os.environ.update(BENCH_ENV)
    from vigie.registry import add_registry
    from vigie.workspace import Workspace

    ws = Workspace.create(ws_path)
    with (incident / "registries" / "controllers.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            add_registry(ws, row["controller"], incident / "registries" / row["file"])
    return ws_path


def _form(work: Path, base: Path, incident: Path, form: str) -> dict[str, Any]:
    ws = work / f"relational-ws-{form}"
    shutil.copytree(base, ws)
    leak = incident / "leak" / FORMS[form]
    files = sorted(leak.iterdir()) if leak.is_dir() else [leak]
    ingest = run_isolated([*VIGIE, "ingest", str(ws), *map(str, files), "--json"], BENCH_ENV)
    scan = run_isolated([*VIGIE, "scan", str(ws), "--json"], BENCH_ENV)
    link = run_isolated([*VIGIE, "link", str(ws), "--json"], BENCH_ENV)
    out = {
        "ingest": ingest,
        "scan": scan,
        "link": link,
        "scan_doc": json.loads(scan.output),
        "link_doc": json.loads(link.output),
        "keys": _keys(json.loads(scan.output)["keys"], incident / "truth" / "keys.csv", form),
        "evaluation": _evaluate(ws, incident / "truth"),
    }
    shutil.rmtree(ws)
    return out


def _keys(found: list[dict[str, Any]], truth: Path, form: str) -> tuple[int, int, int]:
    """(expected, found, correct): relations by table stem and column names."""

    def stem(table: str) -> str:
        return table.removeprefix("sil_prod__")

    with truth.open(encoding="utf-8") as fh:
        expected = {
            (r["table"], r["column"], r["ref_table"], r["ref_column"])
            for r in csv.DictReader(fh)
            if r["kind"] == "foreign" and (r["declared"] == "True") == (form == "dump")
        }
    got = {(stem(k["table"]), k["column"], stem(k["ref_table"]), k["ref_column"]) for k in found}
    return len(expected), len(got), len(expected & got)


def _evaluate(ws_path: Path, truth: Path) -> dict[str, Any]:
    from vigie.link import evaluate
    from vigie.workspace import Workspace

    with Workspace.open(ws_path).connect() as con:
        result = evaluate.evaluate(con, truth)
        con.execute(f"DROP TABLE IF EXISTS {evaluate.TRUTH}")
        con.execute(f"DROP TABLE IF EXISTS {evaluate.PRED}")
    return result


def _table(persons: int, synth: Sample, results: dict[str, Any]) -> list[str]:
    doc = json.loads(synth.output)
    rows = {f: n for f, n in doc["rows_per_file"].items() if f.startswith("csv/")}
    lines = [
        f"## relational leak, {persons:,} persons: scan and link",
        "",
        f"`vigie synth --shape relational`: {_t(synth)} s, peak {synth.peak_mb:,.0f} MB; "
        f"{doc['exam_rows']:,} exams; tables: {_sizes(rows)}.",
        "",
        "Times are wall / CPU (user + system) seconds of the child process; on a loaded "
        "machine the CPU time is the work done, the wall time what a user waited.",
        "",
        "| form | ingest (s) | scan (s), peak RSS (MB) | link (s), peak RSS (MB) | "
        "scan + link (s) | relations correct / expected (found) | persons | cluster F1 | "
        "health exposure P / R (lowest element) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for form, r in results.items():
        total = r["scan"].seconds + r["link"].seconds
        verdicts.append(total < TARGET)
        expected, found, correct = r["keys"]
        ev = r["evaluation"]
        p, rec = _lowest_health(ev.get("exposure", {}))
        cpu = r["scan"].cpu + r["link"].cpu
        lines.append(
            f"| {form} | {_t(r['ingest'])} | {_t(r['scan'])}, {r['scan'].peak_mb:,.0f} | "
            f"{_t(r['link'])}, {r['link'].peak_mb:,.0f} | {total:.1f} / {cpu:.1f} | "
            f"{correct} of {expected} ({found}) | "
            f"{r['link_doc']['persons']:,} | {ev['cluster']['f1']} | {p:.4f} / {rec:.4f} |"
        )
    dump = results["dump"]
    stages = ", ".join(f"{k} {v}" for k, v in dump["link_doc"].get("seconds", {}).items())
    lines += [
        "",
        f"Rows: {dump['scan_doc']['rows']:,} leak rows scanned; link: "
        f"{dump['link_doc']['records']:,} identity rows, "
        f"{dump['link_doc']['records_through_keys']:,} reached through keys, "
        f"{dump['link_doc']['orphans']:,} orphans. Link stages (dump, s): {stages}.",
        f"Target: scan + link under {TARGET:.0f} s: "
        + ("met" if all(verdicts) else "missed")
        + " (one run each; ingest is not part of the target).",
    ]
    return lines


def _t(sample: Sample) -> str:
    return f"{sample.seconds:.1f} / {sample.cpu:.1f}"


def _sizes(rows: dict[str, int]) -> str:
    return ", ".join(f"{Path(name).stem} {n:,} rows" for name, n in sorted(rows.items()))


def _lowest_health(exposure: dict[str, dict[str, float]]) -> tuple[float, float]:
    health = [s for e, s in exposure.items() if e.startswith("health.") or e == "care.exam"]
    if not health:
        return float("nan"), float("nan")
    return min(s["precision"] for s in health), min(s["recall"] for s in health)
