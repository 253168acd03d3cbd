"""Write the link outputs to the store, all in one transaction (a re-run replaces them).

- `persons`: one row per affected person (a cluster holding at least one leak row):
  best current identity and address (from a registry when linked, else from the latest
  leak row, with its source), controllers, age group, deceased flag, link confidence.
- `person_records (person_id, table, _row, probability, via)`: leak row -> person; rows
  with no identity of their own reached through keys (`via` says how, see
  through_keys.py), and `record_orphans` for those that reach no person.
- `person_registry (person_id, controller, table, _row, probability)`.
- `person_exposure (person_id, element)`: union of scan_exposure over the person's rows.
- `link_review`: the queue of pairs for people to decide (see decide.py).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb

from vigie.link import through_keys
from vigie.link.decide import CLUSTERS, EDGES, REVIEW
from vigie.link.records import record_key
from vigie.workspace import table_exists, transaction

MEMBERS = "memory.main.link_members"
_AGE_GROUPS = ((18, "0-17"), (30, "18-29"), (45, "30-44"), (60, "45-59"), (75, "60-74"))


# What the outputs and figures read of a member; the identity shown for a person is read
# from the records for its best record only (a copy of every record's columns would hold
# the records twice in the link's memory, and spill at 2,000,000 persons).
_MEMBER_COLUMNS = (
    "unique_id",
    "tbl",
    "row_no",
    "kind",
    "controller",
    "exam_date",
    "deceased",
    "death_date",
    "phone",
    "email",
)


def _members_sql(records_table: str) -> str:
    """Each record with its person id and probability (strongest link it belongs to)."""
    return f"""
        WITH prob AS (
            SELECT uid, max(p) AS p FROM (
                SELECT unique_id_l AS uid, match_probability AS p FROM {EDGES}
                UNION ALL SELECT unique_id_r, match_probability FROM {EDGES}) GROUP BY 1),
        keyed AS (
            SELECT c.cluster_id,
                'P' || upper(substr(md5(min({record_key("r")})), 1, 12)) AS person_id
            FROM {CLUSTERS} c JOIN {records_table} r USING (unique_id)
            WHERE r.kind = 'leak' GROUP BY 1)
        SELECT k.person_id, {", ".join(f"r.{c}" for c in _MEMBER_COLUMNS)},
            coalesce(prob.p, 1.0) AS probability
        FROM {CLUSTERS} c JOIN keyed k USING (cluster_id)
        JOIN {records_table} r USING (unique_id)
        LEFT JOIN prob ON prob.uid = r.unique_id"""


def _age_group_sql(dob: str, on: date) -> str:
    age = (
        f"date_diff('year', {dob}, DATE '{on.isoformat()}') - "
        f"CASE WHEN strftime({dob}, '%m-%d') > '{on:%m-%d}' THEN 1 ELSE 0 END"
    )
    cases = " ".join(f"WHEN ({age}) < {limit} THEN '{label}'" for limit, label in _AGE_GROUPS)
    return f"CASE WHEN {dob} IS NULL THEN NULL {cases} ELSE '75+' END"


def _persons_sql(records_table: str, on: date) -> str:
    return f"""
        WITH best AS (
            SELECT person_id,
                arg_max(unique_id, (kind = 'registry', CASE WHEN kind = 'registry'
                    THEN probability END, exam_date, unique_id)) AS best_id
            FROM {MEMBERS} GROUP BY 1),
        agg AS (
            SELECT person_id,
                -- a list aggregate over no row is NULL, not []: persons in no registry
                coalesce(list_sort(list_distinct(
                    list(controller) FILTER (WHERE controller IS NOT NULL))), []) AS controllers,
                count(*) FILTER (WHERE kind = 'leak') AS leak_rows,
                count(*) FILTER (WHERE kind = 'registry') AS registry_rows,
                bool_or(deceased) AS deceased, max(death_date) AS death_date,
                min(probability) AS confidence,
                min(exam_date) AS first_exam, max(exam_date) AS last_exam,
                -- a registry's first (then the last record): arg_max streams where an
                -- ordered first() sorted every person's records
                arg_max(phone, (kind, unique_id)) FILTER (WHERE phone IS NOT NULL) AS any_phone,
                arg_max(email, (kind, unique_id)) FILTER (WHERE email IS NOT NULL) AS any_email
            FROM {MEMBERS} GROUP BY 1)
        SELECT a.person_id, r.disp_surname AS surname, r.disp_birth_name AS birth_name,
            r.disp_given AS first_names, r.dob AS birth_date, r.sex,
            r.address, r.postcode, r.disp_city AS city, r.departement,
            coalesce(r.phone, a.any_phone) AS phone, coalesce(r.email, a.any_email) AS email,
            r.kind AS identity_source, r.tbl AS source_table, r.row_no AS source_row,
            a.controllers, len(a.controllers) AS n_controllers,
            a.leak_rows, a.registry_rows, {_age_group_sql("r.dob", on)} AS age_group,
            a.deceased, a.death_date, a.confidence, a.first_exam, a.last_exam
        FROM agg a JOIN best b USING (person_id)
        JOIN {records_table} r ON r.unique_id = b.best_id"""


def write_outputs(
    con: duckdb.DuckDBPyConnection,
    records_table: str,
    *,
    reference_date: date,
    model_row: dict[str, Any],
) -> dict[str, int]:
    """Replace persons, person_records, person_registry, person_exposure and the queue.

    Returns the rows reached through keys and the orphans (through_keys.extend_records).
    """
    con.execute(f"CREATE OR REPLACE TABLE {MEMBERS} AS {_members_sql(records_table)}")
    has_exposure = table_exists(con, "scan_exposure")
    with transaction(con):
        con.execute(
            f"CREATE OR REPLACE TABLE persons AS {_persons_sql(records_table, reference_date)}"
        )
        con.execute(
            'CREATE OR REPLACE TABLE person_records AS SELECT person_id, tbl AS "table", '
            f"row_no AS _row, probability, NULL::VARCHAR AS via FROM {MEMBERS} "
            "WHERE kind = 'leak'"
        )
        reached = through_keys.extend_records(con)
        con.execute(
            "CREATE OR REPLACE TABLE person_records AS SELECT * FROM person_records "
            'ORDER BY person_id, "table", _row'
        )
        # a relational leak dates its requests, not its patients
        con.execute(
            "UPDATE persons SET first_exam = least(first_exam, c.first), "
            "last_exam = greatest(last_exam, c.last) FROM (SELECT person_id, "
            "min(exam_date) AS first, max(exam_date) AS last FROM "
            f"({through_keys.child_exams_sql(con)}) GROUP BY 1) c "
            "WHERE persons.person_id = c.person_id"
        )
        con.execute(
            "CREATE OR REPLACE TABLE person_registry AS SELECT person_id, controller, "
            f'tbl AS "table", row_no AS _row, probability FROM {MEMBERS} '
            "WHERE kind = 'registry' ORDER BY person_id, controller, tbl, row_no"
        )
        con.execute("CREATE OR REPLACE TABLE person_exposure (person_id VARCHAR, element VARCHAR)")
        if has_exposure:
            # Sorted by person for the console's lookups (zone maps); readers sort a
            # person's elements themselves: sorting 24 M rows on both columns too doubled
            # the statement's time at 2,000,000 persons.
            con.execute(
                "INSERT INTO person_exposure SELECT DISTINCT pr.person_id, se.element "
                'FROM person_records pr JOIN scan_exposure se ON se.table_name = pr."table" '
                "AND se._row = pr._row WHERE se.element IS NOT NULL ORDER BY 1"
            )
        con.execute("DELETE FROM link_review")
        con.execute(f"INSERT INTO link_review SELECT * FROM {REVIEW}")
        con.execute(
            "CREATE TABLE IF NOT EXISTS link_models (digest VARCHAR, created_at TIMESTAMPTZ, "
            "model JSON, settings JSON)"
        )
        if not con.execute(
            "SELECT 1 FROM link_models WHERE digest = ?", [model_row["digest"]]
        ).fetchall():
            con.execute(
                "INSERT INTO link_models VALUES (?, now(), ?, ?)",
                [
                    model_row["digest"],
                    json.dumps(model_row["model"], default=str),
                    json.dumps(model_row["settings"], default=str),
                ],
            )
    return reached
