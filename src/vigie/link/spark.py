"""`vigie link --engine spark`: the same model trained and scored by Splink's Spark backend.

Spark runs in local mode, or on a cluster with `--spark-master` (spark_session.py: the
session, its security and its errors). The records are built and standardised in DuckDB
as for the default engine and shipped to Spark over the session (Arrow batches, through
the driver; on a cluster they cross the network inside Spark's authenticated, encrypted
RPC, never as a file); the scored pairs come back the same way. Deciding, clustering and
outputs stay in DuckDB. Splink's intermediate tables are persisted in the executors'
memory (spilled encrypted), never written as parquet.
"""

from __future__ import annotations

import copy
import re
import time
from pathlib import Path
from typing import Any

import duckdb

from vigie.link import train
from vigie.link.spark_session import Target, job_failure, open_session, require_pyspark

__all__ = ["Target", "require_pyspark", "spark_settings", "train_and_predict"]

# Splink registers its Scala similarity functions under these names on Spark.
_SPARK_FUNCTIONS = {
    "jaro_winkler_similarity(": "jaro_winkler(",
    "list_has_any(": "arrays_overlap(",
    "list_contains(": "array_contains(",
}

# Spark has no hamming(): count the positions that differ (same-length values only).
_HAMMING = re.compile(r"hamming\((\w+), (\w+)\)")


def _spark_hamming(match: re.Match[str]) -> str:
    left, right = match.groups()
    return (
        f"size(filter(sequence(1, length({left})), "
        f"i -> substr({left}, i, 1) <> substr({right}, i, 1)))"
    )


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The model's SQL (written for DuckDB) in Spark's dialect."""
    out = copy.deepcopy(settings)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            sql = level["sql_condition"]
            for duck, spark in _SPARK_FUNCTIONS.items():
                sql = sql.replace(duck, spark)
            sql = _HAMMING.sub(_spark_hamming, sql)
            level["sql_condition"] = sql
    return out


def train_and_predict(
    con: duckdb.DuckDBPyConnection,
    records_table: str,
    settings: dict[str, Any],
    fields: set[str],
    *,
    lower: float,
    seed: int,
    work_dir: Path,
    target: Target | None = None,
) -> train.Trained:
    """Estimate and score on Spark; the pairs >= `lower` land in train.PAIRS (DuckDB).

    A Spark failure becomes one ConfigError naming the Java exception (never its
    message, which may quote a value)."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException
    from splink import Linker, SparkAPI
    from splink.internals.exceptions import SplinkException

    target = target or Target()
    seconds: dict[str, float] = {}
    started = time.monotonic()
    table = con.execute(f"SELECT * FROM {records_table}").to_arrow_table()
    with open_session(target, work_dir, table.num_rows) as spark:
        try:
            frame = _ship(spark, table)
            del table
            db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
            linker = Linker(db_api.register(frame), spark_settings(settings), log_level=None)
            # one u chunk: on Spark each chunk is a job, and its fixed cost dominates
            training = train.estimate(linker, con, records_table, fields, seed, chunks=1)
            seconds["train"] = time.monotonic() - started
            started = time.monotonic()
            predictions = linker.inference.predict(threshold_match_probability=lower)
            pairs = predictions.as_spark_dataframe().select(
                "unique_id_l", "unique_id_r", "match_probability", "match_weight"
            )
            _pairs_to_duckdb(con, pairs.toArrow())
            seconds["predict"] = time.monotonic() - started
            trained = linker.misc.save_model_to_json()
        except (PySparkException, Py4JError, SplinkException, ConnectionError) as exc:
            raise job_failure(target, exc) from None
    return train.finish(con, trained, seconds, training)


def _ship(spark: Any, table: Any) -> Any:
    """The records on the executors, once: Arrow batches sent over the session (inside
    tasks, over Spark's encrypted RPC), shuffled into the session's partitions and cached
    there (spilled encrypted).

    A task carries the records of its input partition whenever it reads one, cached or
    not: read straight, every Splink job scanning the records would send them all again
    (36 MB per task at 2M records). After the shuffle, tasks read shuffle blocks and
    carry none. A small Arrow input is kept out of the query plan too (the local-relation
    threshold is 0 in spark_session)."""
    from pyspark import StorageLevel

    frame = spark.createDataFrame(table)  # one partition per 10,000-record batch
    partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
    frame = frame.repartition(partitions).persist(StorageLevel.MEMORY_AND_DISK)
    frame.count()  # sent now; Splink's jobs read the executors' copy
    return frame


def _pairs_to_duckdb(con: duckdb.DuckDBPyConnection, pairs: Any) -> None:
    con.register("_spark_pairs", pairs)
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {train.PAIRS} AS SELECT CAST(unique_id_l AS BIGINT) "
            "AS unique_id_l, CAST(unique_id_r AS BIGINT) AS unique_id_r, "
            "CAST(match_probability AS DOUBLE) AS match_probability, "
            "CAST(match_weight AS DOUBLE) AS match_weight FROM _spark_pairs"
        )
    finally:
        con.unregister("_spark_pairs")
