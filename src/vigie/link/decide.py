"""Decide: links above the upper threshold, a review queue between the two thresholds.

People's decisions on queued pairs (`link_decisions`, in the store) are kept across
re-runs: an accepted pair is a link whatever its score, a rejected pair never is.
Persons are the connected components of the links (Splink's clustering).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from vigie.link.train import PAIRS, in_memory

UPPER = 0.95  # a pair at or above is linked without review
LOWER = 0.5  # a pair below is not linked; between the two it is queued
EDGES = "memory.main.link_edges"
CLUSTERS = "memory.main.link_clusters"
REVIEW = "memory.main.link_review_new"

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
    con.execute(f"""
        CREATE OR REPLACE TABLE {EDGES} AS
        WITH d AS (
            SELECT least(unique_id_l, unique_id_r) AS l, greatest(unique_id_l, unique_id_r) AS r,
                   last(decision ORDER BY decided_at) AS decision
            FROM store.main.link_decisions GROUP BY 1, 2)
        SELECT p.unique_id_l, p.unique_id_r,
               CASE WHEN d.decision = 'accept' THEN 1.0 ELSE p.match_probability END
                   AS match_probability
        FROM {PAIRS} p LEFT JOIN d ON d.l = least(p.unique_id_l, p.unique_id_r)
            AND d.r = greatest(p.unique_id_l, p.unique_id_r)
        WHERE coalesce(d.decision = 'accept', p.match_probability >= {thresholds.upper})
          AND d.decision IS DISTINCT FROM 'reject'
        UNION ALL
        SELECT d.l, d.r, 1.0 FROM d
        WHERE d.decision = 'accept' AND NOT EXISTS (SELECT 1 FROM {PAIRS} p
            WHERE least(p.unique_id_l, p.unique_id_r) = d.l
              AND greatest(p.unique_id_l, p.unique_id_r) = d.r)""")
    _cluster(con, records_table)
    con.execute(f"""
        CREATE OR REPLACE TABLE {REVIEW} AS
        SELECT row_number() OVER (ORDER BY p.match_probability DESC, p.unique_id_l,
                                  p.unique_id_r) AS pair_id,
               p.unique_id_l, p.unique_id_r, p.match_probability, p.match_weight
        FROM {PAIRS} p
        JOIN {CLUSTERS} cl ON cl.unique_id = p.unique_id_l
        JOIN {CLUSTERS} cr ON cr.unique_id = p.unique_id_r
        WHERE p.match_probability >= {thresholds.lower}
          AND p.match_probability < {thresholds.upper}
          AND cl.cluster_id <> cr.cluster_id
          AND NOT EXISTS (SELECT 1 FROM store.main.link_decisions d
              WHERE least(d.unique_id_l, d.unique_id_r) = least(p.unique_id_l, p.unique_id_r)
                AND greatest(d.unique_id_l, d.unique_id_r)
                    = greatest(p.unique_id_l, p.unique_id_r))
          -- only pairs that would bring a leak row to a person it is not yet with
          AND EXISTS (SELECT 1 FROM {records_table} r
              WHERE r.unique_id IN (p.unique_id_l, p.unique_id_r) AND r.kind = 'leak')""")
    return int(con.execute(f"SELECT count(*) FROM {REVIEW}").fetchall()[0][0])


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
