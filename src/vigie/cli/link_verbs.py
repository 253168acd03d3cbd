"""Verbs of the link stage: `vigie link` and `vigie review`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument
from vigie.errors import ConfigError
from vigie.link import review as review_lib
from vigie.link.decide import LOWER, UPPER, Thresholds
from vigie.link.pipeline import LinkOptions, run_link
from vigie.link.scope import parse_period
from vigie.link.spark_session import require_pyspark


@app.command()
@workspace_argument
@click.option("--period", metavar="FROM..TO", help="Also count persons with an exam in it.")
@click.option(
    "--evaluate",
    "truth",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    metavar="TRUTH_DIR",
    help="Measure against ground truth (synth's truth/ folder).",
)
@click.option("--upper", type=float, default=UPPER, show_default=True, help="Link at or above.")
@click.option("--lower", type=float, default=LOWER, show_default=True, help="Review from here.")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Where Splink runs (spark: pip install 'vigie[spark]'; local mode unless --spark-master).",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="Run --engine spark on a cluster: spark://HOST:PORT, k8s://HOST:PORT or yarn "
    "(secret: VIGIE_SPARK_SECRET_FILE; see docs/scale.md).",
)
@verb
def link(
    workspace: Path,
    period: str | None,
    truth: Path | None,
    upper: float,
    lower: float,
    engine: str,
    spark_master: str | None,
) -> Result:
    """Resolve the leak into persons and attach each to the controllers holding them.

    Reads what `vigie scan` found; writes persons, person_records, person_registry,
    person_exposure and the review queue (link_review). Decisions made with
    `vigie review` are kept across runs.

    \b
    Example:
      vigie link incident --period 2018-06-01..2019-02-05
      vigie link incident --evaluate synth/truth --json
      VIGIE_SPARK_SECRET_FILE=spark.secret vigie link incident --engine spark \\
        --spark-master spark://10.0.0.5:7077
    """
    if spark_master and engine != "spark":
        raise ConfigError("--spark-master needs --engine spark")
    if engine == "spark":
        require_pyspark()
    if not 0 <= lower <= upper <= 1:
        raise ConfigError("thresholds: expected 0 <= --lower <= --upper <= 1")
    ws = open_workspace(workspace)
    options = LinkOptions(
        period=parse_period(period),
        thresholds=Thresholds(upper, lower),
        evaluate=truth,
        engine=engine,
        spark_master=spark_master,
    )
    result = run_link(ws, options)
    if result["model"]["reason"]:  # on stderr even with --json: a reader must know
        click.echo(f"vigie: link: {result['model']['reason']}", err=True)
    return Result(result, _text(result))


def _text(r: dict[str, Any]) -> str:
    lines = [
        f"{r['persons']:,} persons from {r['records']:,} leak rows "
        f"({r['unlinked']:,} in no registry: {r['unlinked_with_address']:,} with a leaked "
        f"address, {r['unreachable']:,} without)",
        f"review queue: {r['review_queue']:,} pairs (vigie review WS)",
        *(
            [
                f"rows reached through keys: {r['records_through_keys']:,} "
                f"({r['orphans']:,} orphans reach no person: table record_orphans)"
            ]
            if r.get("records_through_keys") or r.get("orphans")
            else []
        ),
        "per controller:",
        *(f"  {n:>9,}  {c}" for c, n in r["per_controller"].items()),
        "per département of residence:",
        "  " + ", ".join(f"{d}: {n:,}" for d, n in r["per_departement"].items()),
    ]
    if r.get("model"):
        lines += _model_lines(r["model"], r["model_digest"])
    if "period" in r:
        p = r["period"]
        lines.append(f"persons with an exam {p['from']}..{p['to']}: {p['persons']:,}")
    if "evaluation" in r:
        e = r["evaluation"]
        lines.append(
            "evaluation: pairwise P {precision} R {recall} F1 {f1}".format(**e["pairwise"])
            + "; cluster P {precision} R {recall} F1 {f1}".format(**e["cluster"])
            + f"; controllers {e['controllers']['accuracy']} exact "
            f"({e['controllers']['missing_a_controller']} missing, "
            f"{e['controllers']['extra_controller']} extra)"
        )
    return "\n".join(lines)


def _model_lines(model: dict[str, Any], digest: str) -> list[str]:
    prior = model.get("prior") or 0.0
    one_in = f"1 in {round(1 / prior):,}" if prior else "unknown"
    if not model.get("trained", True):
        source = "vigie's reference model: too few pairs to train on this incident"
    elif model.get("m_from_reference"):
        source = "trained on this incident, partly from vigie's reference model"
    else:
        source = "trained on this incident"
    lines = [
        f"model {digest[:12]} ({source}; evidence in bits, + for a match; "
        f"two records at random: {one_in}):"
    ]
    for comparison in model["comparisons"]:
        levels = ", ".join(
            f"{lv['level']} {'?' if lv['bits'] is None else format(lv['bits'], '+.1f')}"
            for lv in comparison["levels"]
        )
        lines.append(f"  {comparison['comparison']}: {levels}")
    return lines


@app.command()
@workspace_argument
@click.option("--list", "list_only", is_flag=True, help="List the queue, decide nothing.")
@click.option("--accept", "accept", type=int, multiple=True, metavar="PAIR", help="Accept pair.")
@click.option("--reject", "reject", type=int, multiple=True, metavar="PAIR", help="Reject pair.")
@click.option("--limit", type=int, default=20, show_default=True, help="Pairs shown.")
@verb
def review(
    workspace: Path,
    list_only: bool,
    accept: tuple[int, ...],
    reject: tuple[int, ...],
    limit: int,
) -> Result:
    """Show queued pairs side by side (masked) and record accept/reject decisions.

    Without options, asks about each pair in turn (a = accept, r = reject, s = skip,
    q = quit). Each decision is written to the audit log and kept across `vigie link`
    runs; re-run `vigie link` to apply them.

    \b
    Example:
      vigie review incident
      vigie review incident --accept 3 --reject 4
    """
    ws = open_workspace(workspace)
    decisions = [(p, "accept") for p in accept] + [(p, "reject") for p in reject]
    if decisions:
        done = review_lib.record_decisions(ws, decisions)
        return Result({"decided": done}, f"{len(done)} decision(s) recorded")
    pairs = review_lib.queue(ws, limit)
    if list_only or not pairs or not sys.stdin.isatty():
        text = "\n\n".join(review_lib.side_by_side(p) for p in pairs) or "review queue empty"
        return Result({"pairs": [p.as_dict() for p in pairs]}, text)
    done = []
    for pair in pairs:
        click.echo(review_lib.side_by_side(pair) + "\n")
        answer = click.prompt(
            "accept, reject, skip, quit", type=click.Choice("arsq"), default="s", err=True
        )
        if answer == "q":
            break
        if answer in "ar":
            done += review_lib.record_decisions(
                ws, [(pair.pair_id, "accept" if answer == "a" else "reject")]
            )
    return Result({"decided": done}, f"{len(done)} decision(s) recorded")
