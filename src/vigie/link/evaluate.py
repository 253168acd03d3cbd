"""Measure a link run against ground truth (synth's truth/ folder, or the same format).

Truth files: `leak_rows.csv` (file, table, row, person_id; `file` may sit in a folder,
`csv/patients.csv`) and `registry_links.csv` (person_id, controller, registry_file, row).
Figures: pairwise and cluster precision, recall and F1, and how well each person's set
of controllers was found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import InputError
from vigie.workspace import table_exists

TRUTH = "memory.main.link_truth"
PRED = "memory.main.link_pred"


def load_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> int:
    """Map truth rows to store rows (unique_id = table:row); returns rows matched."""
    leak, registry = truth_dir / "leak_rows.csv", truth_dir / "registry_links.csv"
    if not leak.is_file():
        raise InputError("no leak_rows.csv here (expected synth's truth/ folder)", path=truth_dir)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {TRUTH} AS
        WITH files AS (
            SELECT t.name AS tbl, f.name AS file, t.source_table, t.kind, t.controller,
                   count(*) OVER (PARTITION BY t.digest, t.kind, t.controller) AS n
            FROM _tables t JOIN _files f ON f.digest = t.digest AND f.kind = t.kind
                AND f.controller IS NOT DISTINCT FROM t.controller),
        lk AS (SELECT * FROM read_csv(?, all_varchar = true, header = true))
        SELECT DISTINCT fl.tbl || ':' || lk.row AS unique_id, lk.person_id, 'leak' AS kind,
               NULL::VARCHAR AS controller
        FROM lk JOIN files fl ON fl.kind = 'leak' AND fl.file = parse_filename(lk.file)
            AND (fl.source_table = lk."table" OR fl.n = 1)""",
        [str(leak)],
    )
    if registry.is_file():
        con.execute(
            f"""
            INSERT INTO {TRUTH}
            WITH files AS (
                SELECT t.name AS tbl, f.name AS file, t.controller
                FROM _tables t JOIN _files f ON f.digest = t.digest AND f.kind = t.kind
                    AND f.controller IS NOT DISTINCT FROM t.controller
                WHERE t.kind = 'registry')
            SELECT fl.tbl || ':' || rg.row, rg.person_id, 'registry', rg.controller
            FROM read_csv(?, all_varchar = true, header = true) rg
            JOIN files fl ON fl.file = parse_filename(rg.registry_file)
                AND fl.controller = rg.controller""",
            [str(registry)],
        )
    return int(con.execute(f"SELECT count(*) FROM {TRUTH}").fetchall()[0][0])


def evaluate(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> dict[str, Any]:
    """Compare the stored outputs (person_records, person_registry) with the truth."""
    matched = load_truth(con, truth_dir)
    if matched == 0:
        raise InputError(
            "no truth row matches a stored table (wrong truth folder?)", path=truth_dir
        )
    # Orphans (rows reaching no person through keys, link/through_keys.py) are no person:
    # they count against the recall of their true person, not as persons of their own.
    orphans = (
        """SELECT "table" || ':' || _row FROM record_orphans"""
        if table_exists(con, "record_orphans")
        else "SELECT NULL::VARCHAR WHERE false"
    )
    con.execute(f"""
        CREATE OR REPLACE TABLE {PRED} AS
        SELECT t.unique_id, t.person_id, t.kind, coalesce(p.person_id, t.unique_id) AS cluster,
            t.unique_id IN ({orphans}) AS orphan
        FROM {TRUTH} t LEFT JOIN (
            SELECT person_id, "table" || ':' || _row AS unique_id FROM person_records
            UNION ALL
            SELECT person_id, "table" || ':' || _row FROM person_registry) p
        ON p.unique_id = t.unique_id""")
    return {
        "truth_rows": matched,
        "pairwise": _pairwise(con),
        "pairwise_leak": _pairwise(con, "WHERE kind = 'leak'"),
        "cluster": _clusters(con),
        "controllers": _controllers(con),
    }


def _prf(tp: float, predicted: float, actual: float) -> dict[str, float]:
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5)}


def _pairwise(con: duckdb.DuckDBPyConnection, where: str = "") -> dict[str, float]:
    def pairs(group: str) -> float:
        sql = (
            "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM "
            f"(SELECT count(*) AS n FROM {PRED} {where} GROUP BY {group})"
        )
        return float(con.execute(sql).fetchall()[0][0])

    return _prf(pairs("cluster, person_id"), pairs("cluster"), pairs("person_id"))


def _clusters(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """A person found when the leak rows of a predicted person are exactly theirs."""
    rows = con.execute(f"""
        WITH leak AS (SELECT * FROM {PRED} WHERE kind = 'leak'),
        pred AS (SELECT cluster, list_sort(list(unique_id)) AS ids FROM leak
            WHERE NOT orphan GROUP BY 1),
        truth AS (SELECT person_id, list_sort(list(unique_id)) AS ids FROM leak GROUP BY 1)
        SELECT (SELECT count(*) FROM pred JOIN truth USING (ids)),
               (SELECT count(*) FROM pred), (SELECT count(*) FROM truth)""").fetchall()[0]
    return _prf(float(rows[0]), float(rows[1]), float(rows[2]))


def _controllers(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Each leaked person's controllers: the registries of the predicted person holding
    most of their leak rows, against the registries that truly list them."""
    rows = con.execute(f"""
        WITH main AS (
            SELECT person_id, arg_max(cluster, n) AS cluster FROM (
                SELECT person_id, cluster, count(*) AS n FROM {PRED}
                WHERE kind = 'leak' GROUP BY 1, 2) GROUP BY 1),
        truth AS (SELECT m.person_id, list_sort(list_distinct(list(t.controller)
                    FILTER (WHERE t.controller IS NOT NULL))) AS want
                  FROM main m LEFT JOIN {TRUTH} t ON t.person_id = m.person_id
                      AND t.kind = 'registry' GROUP BY 1),
        got AS (SELECT m.person_id, list_sort(list_distinct(list(r.controller)
                    FILTER (WHERE r.controller IS NOT NULL))) AS have
                FROM main m LEFT JOIN person_registry r ON r.person_id = m.cluster
                GROUP BY 1)
        SELECT count(*),
            count(*) FILTER (WHERE coalesce(want, []) = coalesce(have, [])),
            count(*) FILTER (WHERE len(list_filter(coalesce(want, []),
                lambda x: NOT list_contains(coalesce(have, []), x))) > 0),
            count(*) FILTER (WHERE len(list_filter(coalesce(have, []),
                lambda x: NOT list_contains(coalesce(want, []), x))) > 0),
            count(*) FILTER (WHERE coalesce(len(want), 0) = 0 AND coalesce(len(have), 0) = 0)
        FROM truth JOIN got USING (person_id)""").fetchall()[0]
    total, exact, missing, extra, none = (int(v) for v in rows)
    return {
        "persons": total,
        "exact": exact,
        "accuracy": round(exact / total, 5) if total else 1.0,
        "missing_a_controller": missing,
        "extra_controller": extra,
        "in_no_registry": none,
    }
