"""Rows with no identity of their own take the person of the row they reference.

After linkage `person_records` holds the rows that carry identity (a patients table). For
every relation scan found (`scan_keys`: `resultats.ID_DEMANDE -> demandes.ID_DEMANDE`,
`demandes.IPP -> patients.IPP`), a row of the referencing table whose value is the key of
a row that has a person gets that person, with the parent's probability and the path it
was reached by (`via`: `demandes.IPP -> patients.IPP`, then
`resultats.ID_DEMANDE -> demandes.ID_DEMANDE; demandes.IPP -> patients.IPP`). Rounds repeat
until nothing new is reached, so chains of any length are followed, parents first. A row
that has its own identity keeps its own person. When a key value repeats in the parent
(a broken key), the first parent row decides. A composite relation (a dump's `FOREIGN KEY
(ID_SITE, IPP) REFERENCES patients (ID_SITE, IPP)`, where each site numbers its own
patients) joins on all its columns; a row with a part empty reaches nobody.

Orphans: rows of a table that references a table of persons but reached no person (their
parent row is missing from the leak, or is an orphan itself) go to `record_orphans
("table", _row, via)`, reported, never silently dropped. The rows of a table referenced by
no person-bearing table (a labs table) are neither.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from vigie.link.standardise import birth_date as parse_date
from vigie.workspace import quote_ident, table_exists
from vigie.workspace.store import column_names

MAX_ROUNDS = 20  # a chain longer than this is a cycle


@dataclass(frozen=True)
class Hop:
    """`table` rows take the person of the `ref_table` row whose key their columns hold."""

    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.table}.{_names(self.columns)} -> {self.ref_table}.{_names(self.ref_columns)}"


def _names(columns: tuple[str, ...]) -> str:
    return columns[0] if len(columns) == 1 else "(" + ", ".join(columns) + ")"


def relations(con: duckdb.DuckDBPyConnection) -> list[Hop]:
    """Every relation scan kept (its column lists, when the store has them)."""
    if not table_exists(con, "scan_keys"):
        return []
    lists = {"columns", "ref_columns"} <= set(column_names(con, "scan_keys"))
    extra = ", columns, ref_columns" if lists else ""
    rows = con.execute(
        f"SELECT table_name, column_name, ref_table, ref_column{extra} FROM scan_keys "
        "ORDER BY ref_table, table_name, column_name"
    ).fetchall()
    return [
        Hop(r[0], tuple(r[4] or [r[1]]), r[2], tuple(r[5] or [r[3]]))
        if lists
        else Hop(r[0], (r[1],), r[2], (r[3],))
        for r in rows
    ]


def _value(alias: str, column: str) -> str:
    return f"nullif(trim(CAST({alias}.{quote_ident(column)} AS VARCHAR)), '')"


def _reach(con: duckdb.DuckDBPyConnection, hop: Hop) -> int:
    """Add the rows of `table` whose columns hold the key of a parent row with a person."""
    keys = ", ".join(f"{_value('p', c)} AS k{i}" for i, c in enumerate(hop.ref_columns))
    groups = ", ".join(str(i + 1) for i in range(len(hop.ref_columns)))
    on = " AND ".join(f"parents.k{i} = {_value('c', c)}" for i, c in enumerate(hop.columns))
    before = _count(con)
    con.execute(
        f"""
        INSERT INTO person_records
        WITH parents AS (
            SELECT {keys},
                arg_min(pr.person_id, p._row) AS person_id,
                arg_min(pr.probability, p._row) AS probability,
                arg_min(pr.via, p._row) AS via
            FROM {quote_ident(hop.ref_table)} p
            JOIN person_records pr ON pr."table" = ? AND pr._row = p._row
            GROUP BY {groups})
        SELECT parents.person_id, ?, c._row, parents.probability,
            CASE WHEN parents.via IS NULL THEN ? ELSE ? || '; ' || parents.via END
        FROM {quote_ident(hop.table)} c JOIN parents ON {on}
        WHERE NOT EXISTS (
            SELECT 1 FROM person_records x WHERE x."table" = ? AND x._row = c._row)""",
        [hop.ref_table, hop.table, str(hop), str(hop), hop.table],
    )
    return _count(con) - before


def _parents_first(hops: list[Hop]) -> list[Hop]:
    """Hops ordered so that a table's own hops come before those of the tables referencing
    it (demandes -> patients before resultats -> demandes); a cycle keeps its order."""
    ordered: list[Hop] = []
    left = list(hops)
    while left:
        ready = [h for h in left if not any(o.table == h.ref_table for o in left if o != h)]
        ready = ready or left[:1]  # a cycle: take the next one as it comes
        ordered += ready
        left = [h for h in left if h not in ready]
    return ordered


def _count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM person_records").fetchall()[0][0])


def extend_records(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Add the rows reached through keys to person_records; fill record_orphans.

    person_records must have a `via` column (NULL for rows with their own identity).
    Returns {"reached": rows added, "orphans": rows reaching no person}.
    """
    found = _parents_first(relations(con))
    have = {t for (t,) in con.execute('SELECT DISTINCT "table" FROM person_records').fetchall()}
    # A hop runs again only when its parent table gained persons since it last ran: in a
    # chain taken parents first, every hop runs once (a cycle runs until it settles).
    version = dict.fromkeys(have, 1)
    seen: dict[Hop, int] = {}
    reached = 0
    for _ in range(MAX_ROUNDS):
        added = 0
        for hop in found:
            if version.get(hop.ref_table, 0) == seen.get(hop, 0):
                continue
            seen[hop] = version[hop.ref_table]
            new = _reach(con, hop)
            if new:
                version[hop.table] = version.get(hop.table, 0) + 1
                added += new
        reached += added
        if not added:
            break
    con.execute(
        'CREATE OR REPLACE TABLE record_orphans ("table" VARCHAR, _row BIGINT, via VARCHAR)'
    )
    with_persons = {
        t for (t,) in con.execute('SELECT DISTINCT "table" FROM person_records').fetchall()
    }
    for hop in found:
        if hop.ref_table not in with_persons:
            continue
        con.execute(
            f"""
            INSERT INTO record_orphans
            SELECT DISTINCT ?, c._row, ? FROM {quote_ident(hop.table)} c
            WHERE NOT EXISTS (
                SELECT 1 FROM person_records x WHERE x."table" = ? AND x._row = c._row)
            AND NOT EXISTS (
                SELECT 1 FROM record_orphans o WHERE o."table" = ? AND o._row = c._row)""",
            [hop.table, str(hop), hop.table, hop.table],
        )
    orphans = int(con.execute("SELECT count(*) FROM record_orphans").fetchall()[0][0])
    return {"reached": reached, "orphans": orphans}


def child_exams_sql(con: duckdb.DuckDBPyConnection) -> str:
    """SELECT (person_id, exam_date) over the rows reached through keys that date an exam.

    A relational leak dates its requests (care.exam), not its patients: the persons' first
    and last exams and `--period` need these dates.
    """
    parts = []
    if table_exists(con, "scan_columns"):
        columns = con.execute(
            "SELECT table_name, arg_max(column_name, confidence) FROM scan_columns "
            "WHERE element = 'care.exam' GROUP BY 1 ORDER BY 1"
        ).fetchall()
        parts = [
            f"SELECT pr.person_id, {parse_date('c.' + quote_ident(column))} AS exam_date "
            f"FROM person_records pr JOIN {quote_ident(table)} c "
            f'ON pr."table" = {_literal(table)} AND c._row = pr._row WHERE pr.via IS NOT NULL'
            for table, column in columns
        ]
    body = " UNION ALL ".join(parts) or (
        "SELECT NULL::VARCHAR AS person_id, NULL::DATE AS exam_date WHERE false"
    )
    return f"SELECT * FROM ({body}) WHERE exam_date IS NOT NULL"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
