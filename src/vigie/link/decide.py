"""Decide: links above the upper threshold, a review queue between the two thresholds.

People's decisions on queued pairs (`link_decisions`, in the store) are kept across
re-runs: an accepted pair is a link whatever its score, a rejected pair never is.
Persons are the connected components of the links (Splink's clustering).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from vigie.link.records import record_key
from vigie.link.train import PAIRS, in_memory

UPPER = 0.95  # a pair at or above is linked without review
LOWER = 0.5  # a pair below is not linked; between the two it is queued
EDGES = "memory.main.link_edges"
CLUSTERS = "memory.main.link_clusters"
REVIEW = "memory.main.link_review_new"
DECIDED = "memory.main.link_decided"

_DECISIONS_DDL = """CREATE TABLE IF NOT EXISTS link_decisions (
    unique_id_l VARCHAR, unique_id_r VARCHAR, decision VARCHAR,
    decided_at TIMESTAMPTZ, match_probability DOUBLE)"""
_REVIEW_DDL = """CREATE TABLE IF NOT EXISTS link_review (
    pair_id BIGINT, unique_id_l VARCHAR, unique_id_r VARCHAR,
    match_probability DOUBLE, match_weight DOUBLE)"""


@dataclass(frozen=True)
class Thresholds:
    upper: float = UPPER
    lower: float = LOWER


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The decisions and review tables, kept in the store across runs."""
    con.execute(_DECISIONS_DDL)
    con.execute(_REVIEW_DDL)


def decide(con: duckdb.DuckDBPyConnection, records_table: str, thresholds: Thresholds) -> int:
    """Build EDGES (links), CLUSTERS (unique_id -> cluster_id) and REVIEW; returns queue size."""
    ensure_tables(con)
    _decided(con, records_table)
    con.execute(f"""
        CREATE OR REPLACE TABLE {EDGES} AS
        SELECT p.unique_id_l, p.unique_id_r,
               CASE WHEN d.decision = 'accept' THEN 1.0 ELSE p.match_probability END
                   AS match_probability
        FROM {PAIRS} p LEFT JOIN {DECIDED} d ON d.l = least(p.unique_id_l, p.unique_id_r)
            AND d.r = greatest(p.unique_id_l, p.unique_id_r)
        WHERE coalesce(d.decision = 'accept', p.match_probability >= {thresholds.upper})
          AND d.decision IS DISTINCT FROM 'reject'
        UNION ALL
        SELECT d.l, d.r, 1.0 FROM {DECIDED} d
        WHERE d.decision = 'accept' AND NOT EXISTS (SELECT 1 FROM {PAIRS} p
            WHERE least(p.unique_id_l, p.unique_id_r) = d.l
              AND greatest(p.unique_id_l, p.unique_id_r) = d.r)""")
    _cluster(con, records_table)
    con.execute(f"""
        CREATE OR REPLACE TABLE {REVIEW} AS
        WITH queued AS (
            SELECT p.* FROM {PAIRS} p
            JOIN {CLUSTERS} cl ON cl.unique_id = p.unique_id_l
            JOIN {CLUSTERS} cr ON cr.unique_id = p.unique_id_r
            WHERE p.match_probability >= {thresholds.lower}
              AND p.match_probability < {thresholds.upper}
              AND cl.cluster_id <> cr.cluster_id
              AND NOT EXISTS (SELECT 1 FROM {DECIDED} d
                  WHERE d.l = least(p.unique_id_l, p.unique_id_r)
                    AND d.r = greatest(p.unique_id_l, p.unique_id_r)))
        SELECT row_number() OVER (ORDER BY q.match_probability DESC, {record_key("a")},
                                  {record_key("b")}) AS pair_id,
               {record_key("a")} AS unique_id_l, {record_key("b")} AS unique_id_r,
               q.match_probability, q.match_weight
        FROM queued q
        JOIN {records_table} a ON a.unique_id = q.unique_id_l
        JOIN {records_table} b ON b.unique_id = q.unique_id_r
        -- only pairs that would bring a leak row to a person it is not yet with
        WHERE 'leak' IN (a.kind, b.kind)""")
    return int(con.execute(f"SELECT count(*) FROM {REVIEW}").fetchall()[0][0])


def _decided(con: duckdb.DuckDBPyConnection, records_table: str) -> None:
    """People's latest decision per pair, on this run's record ids (least id first)."""
    con.execute(f"""
        CREATE OR REPLACE TABLE {DECIDED} AS
        WITH latest AS (
            SELECT least(unique_id_l, unique_id_r) AS l, greatest(unique_id_l, unique_id_r) AS r,
                   last(decision ORDER BY decided_at) AS decision
            FROM store.main.link_decisions GROUP BY 1, 2),
        ids AS (
            SELECT unique_id, {record_key("x")} AS key FROM {records_table} x
            WHERE x.tbl IN (SELECT regexp_extract(k, '^(.*):[0-9]+$', 1)
                            FROM (SELECT l AS k FROM latest UNION SELECT r FROM latest)))
        SELECT least(a.unique_id, b.unique_id) AS l, greatest(a.unique_id, b.unique_id) AS r,
               latest.decision
        FROM latest JOIN ids a ON a.key = latest.l JOIN ids b ON b.key = latest.r""")


def _cluster(con: duckdb.DuckDBPyConnection, records_table: str) -> None:
    from splink import DuckDBAPI
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    with in_memory(con):
        db_api = DuckDBAPI(connection=con)
        clusters = cluster_pairwise_predictions_at_threshold(
            records_table.split(".")[-1],
            EDGES.split(".")[-1],
            db_api,
            node_id_column_name="unique_id",
            edge_id_column_name_left="unique_id_l",
            edge_id_column_name_right="unique_id_r",
            threshold_match_probability=0.0,
        )
        con.execute(
            f"CREATE OR REPLACE TABLE {CLUSTERS} AS "
            f"SELECT unique_id, cluster_id FROM {clusters.physical_name}"
        )
        from vigie.link.train import _drop_splink_tables

        _drop_splink_tables(con)
