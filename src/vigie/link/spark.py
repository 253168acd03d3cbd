"""`vigie link --engine spark`: the same model trained and scored by Splink's Spark backend.

PySpark runs in local mode (Java 17). The records are built and standardised in DuckDB
as for the default engine, handed to Spark through Arrow, and the scored pairs come back
the same way; deciding, clustering and outputs stay in DuckDB. Spark's spills and
shuffles go to the workspace's temp folder, encrypted (`spark.io.encryption.enabled`),
and Splink's intermediate tables are persisted in memory, never written as parquet.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import ConfigError
from vigie.link import train

SPARK_HINT = "--engine spark needs PySpark: pip install 'vigie[spark]' (pyspark>=3.5)"
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


def require_pyspark() -> None:
    """A ConfigError saying how to install the extra when PySpark is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError(SPARK_HINT) from None


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


def session(work_dir: Path, rows: int) -> Any:
    """A local Spark session with Splink's similarity functions and encrypted spills."""
    require_pyspark()
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    work_dir.mkdir(parents=True, exist_ok=True)
    cores = max(1, os.cpu_count() or 1)
    partitions = str(max(cores, min(64, rows // 100_000)))  # small jobs: few partitions
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("vigie-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", os.environ.get("VIGIE_SPARK_MEMORY", "4g"))
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.local.dir", str(work_dir))
        .config("spark.io.encryption.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.extraJavaOptions", "-Dlog4j2.level=ERROR")
        .getOrCreate()
    )


def train_and_predict(
    con: duckdb.DuckDBPyConnection,
    records_table: str,
    settings: dict[str, Any],
    fields: set[str],
    *,
    lower: float,
    seed: int,
    work_dir: Path,
) -> train.Trained:
    """Estimate and score on Spark; the pairs >= `lower` land in train.PAIRS (DuckDB)."""
    from splink import Linker, SparkAPI

    logging.getLogger("py4j").setLevel(logging.ERROR)
    seconds: dict[str, float] = {}
    started = time.monotonic()
    table = con.execute(f"SELECT * FROM {records_table}").to_arrow_table()
    count = table.num_rows
    spark = session(work_dir, count)
    spark.sparkContext.setLogLevel("ERROR")
    try:
        frame = spark.createDataFrame(table.to_pandas())
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
        _pairs_to_duckdb(con, pairs.toPandas())
        seconds["predict"] = time.monotonic() - started
        trained = linker.misc.save_model_to_json()
    finally:
        spark.catalog.clearCache()
        spark.stop()
        shutil.rmtree(work_dir, ignore_errors=True)  # Spark's (encrypted) spills
    return train.finish(con, trained, seconds, training)


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
