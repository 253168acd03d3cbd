"""`vigie link WS`: standardise, train, score, decide, write outputs, figures, evaluate."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import ConfigError
from vigie.link import decide, evaluate, model, outputs, records, scope, train
from vigie.link.quiet import splink_quiet
from vigie.progress import Progress
from vigie.workspace import Workspace
from vigie.workspace.store import set_memory_limit

LINK_MEMORY_ENV = "VIGIE_LINK_MEMORY"
# Splink's scoring spills past DuckDB's limit and slows with it: at 5,000,000 persons
# (14.5 M records) predict took 291 s at 4 GB and 168 s at 10 GB for the same pairs; at
# 2,000,000 persons (6.0 M records) with the limit cut to 1.6 GB, 101 s instead of 47.
# Without a setting the limit grows with the records, from 4 GB, within 60 % of the machine.
_GB_PER_MILLION_RECORDS = 0.7
_FLOOR_GB = 4.0
_MACHINE_SHARE = 0.6


def link_memory(records: int, machine_bytes: int | None) -> str:
    """Link's DuckDB memory limit for `records` records on a machine of `machine_bytes`."""
    wanted = max(_FLOOR_GB, _GB_PER_MILLION_RECORDS * records / 1e6)
    if machine_bytes:
        wanted = min(wanted, max(_FLOOR_GB, _MACHINE_SHARE * machine_bytes / 1e9))
    return f"{wanted:.1f}GB"


def _machine_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system that says
        return None


@dataclass(frozen=True)
class LinkOptions:
    period: tuple[date, date] | None = None
    thresholds: decide.Thresholds = field(default_factory=decide.Thresholds)
    evaluate: Path | None = None
    seed: int = 1
    engine: str = "duckdb"  # or "spark" (Splink's Spark backend)
    spark_master: str | None = None  # a cluster's master URL; None: Spark in local mode


def _reference_date(ws: Workspace) -> date:
    """Ages are given at the incident date (occurred_at), else today."""
    try:
        occurred = ws.facts().get("occurred_at")
    except Exception:  # facts are optional for linkage
        occurred = None
    if isinstance(occurred, datetime):
        return occurred.date()
    if isinstance(occurred, date):
        return occurred
    if isinstance(occurred, str):
        try:
            return datetime.fromisoformat(occurred).date()
        except ValueError:
            pass
    return date.today()


def _train(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    fields: set[str],
    options: LinkOptions,
    target: Any,
) -> train.Trained:
    lower, seed = options.thresholds.lower, options.seed
    if options.engine == "spark":
        from vigie.link import spark

        work_dir = ws.path / ".tmp" / "spark"
        return spark.train_and_predict(
            con,
            records.RECORDS,
            settings,
            fields,
            lower=lower,
            seed=seed,
            work_dir=work_dir,
            target=target,
        )
    return train.train_and_predict(con, records.RECORDS, settings, fields, lower=lower, seed=seed)


def _spark_target(options: LinkOptions) -> Any:
    """Spark's target (local mode or a checked cluster); None for the DuckDB engine."""
    if options.engine != "spark":
        if options.spark_master:
            raise ConfigError("--spark-master needs --engine spark")
        return None
    from vigie.link import spark_session

    spark_session.require_pyspark()
    if options.spark_master:
        return spark_session.cluster_target(options.spark_master)
    return spark_session.Target()


def run_link(ws: Workspace, options: LinkOptions = LinkOptions()) -> dict[str, Any]:
    """Link the workspace's leak into persons and attach them to controllers."""
    started = time.monotonic()
    target = _spark_target(options)  # a cluster is checked before the records are built
    seconds: dict[str, float] = {}
    with ws.connect() as con, Progress("link: records", total=3, unit="steps", rate=False) as bar:
        bar.advance(0)  # shown from the start: reading records takes a while at 2M rows
        # DuckDB draws a progress bar on stdout for long queries: it would break --json
        con.execute("SET enable_progress_bar = false")
        # DuckDB spills (encrypted) beyond this, keeping a 2M-record run under 6 GB
        set_memory_limit(con, LINK_MEMORY_ENV, "4GB")
        sources = records.source_tables(con)
        count = records.build_records(con, sources)
        # a setting wins; without one the limit grows with the records just built
        memory = set_memory_limit(con, LINK_MEMORY_ENV, link_memory(count, _machine_memory()))
        seconds["records"] = time.monotonic() - started
        bar.label = f"link: training and scoring ({options.engine})"
        bar.advance()
        fields = train.present_fields(con, records.RECORDS)
        settings = model.build_settings(fields)
        with splink_quiet():
            trained = _train(ws, con, settings, fields, options, target)
        seconds.update(trained.seconds)
        mark = time.monotonic()
        bar.label = "link: deciding and writing persons"
        bar.advance()
        queue = decide.decide(con, records.RECORDS, options.thresholds)
        reached = outputs.write_outputs(
            con,
            records.RECORDS,
            reference_date=_reference_date(ws),
            model_row={"digest": trained.digest, "model": trained.model, "settings": settings},
        )
        result = scope.figures(con, outputs.MEMBERS, options.period)
        result["review_queue"] = queue
        result["records_through_keys"] = reached["reached"]
        result["orphans"] = reached["orphans"]
        seconds["decide"] = time.monotonic() - mark
        if options.evaluate is not None:
            result["evaluation"] = evaluate.evaluate(con, options.evaluate)
        result["model_digest"] = trained.digest
        result["model"] = {**trained.training.as_dict(), **model.summary(trained.model)}
        result["input_records"] = count
        result["pairs_scored"] = trained.pairs
        result["memory_limit"] = memory
        result["seconds"] = {k: round(v, 1) for k, v in seconds.items()}
        params = {
            "period": [d.isoformat() for d in options.period] if options.period else None,
            "upper": options.thresholds.upper,
            "lower": options.thresholds.lower,
            "model_digest": trained.digest,
            "model_version": model.MODEL_VERSION,
            "trained_on_incident": trained.training.trained,
            "engine": options.engine,
            "memory_limit": memory,
            "spark_master": options.spark_master,
            "tables": [s.name for s in sources],
        }
        counts = {k: result[k] for k in ("persons", "records", "unlinked", "review_queue")}
        for name in (
            records.RECORDS,
            train.PAIRS,
            decide.EDGES,
            decide.CLUSTERS,
            decide.REVIEW,
            decide.DECIDED,
            outputs.MEMBERS,
            evaluate.TRUTH,
            evaluate.PRED,
        ):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        ws.record("link", params, counts, started=started, con=con)
        bar.label = "link: done"
        bar.advance()
    return result
