"""A relation between two leak tables, how much of it the data holds, and `scan_keys`.

`table.column` holds values of `ref_table.ref_column`, the key of its table; a composite
relation (declared by a dump: `FOREIGN KEY (ID_SITE, IPP) REFERENCES patients (ID_SITE,
IPP)`) pairs several columns in order. Coverage is the share of the column's distinct
non-empty values (tuples) found in the key; the rest are orphans.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import duckdb

from vigie.workspace.store import quote_ident

_DDL = """
CREATE OR REPLACE TABLE scan_keys (
    table_name VARCHAR, column_name VARCHAR, ref_table VARCHAR, ref_column VARCHAR,
    coverage DOUBLE, declared BOOLEAN, source VARCHAR, distinct_values BIGINT,
    orphan_values BIGINT, columns VARCHAR[], ref_columns VARCHAR[])
"""


@dataclass(frozen=True)
class Relation:
    """`table.column` holds values of `ref_table.ref_column`, the key of its table.

    A composite relation (declared only) joins on several columns: `columns` and
    `ref_columns` pair them in order, and `column` / `ref_column` name them for people
    (`code, version`); a single-column relation leaves both tuples empty."""

    table: str
    column: str
    ref_table: str
    ref_column: str
    coverage: float  # share of the column's distinct values (tuples) found in the key
    declared: bool  # the dump declares it (FOREIGN KEY ... REFERENCES)
    source: str  # declared | inclusion | set
    values: int  # distinct non-empty values in the column
    orphans: int  # of them, not found in the key
    columns: tuple[str, ...] = ()
    ref_columns: tuple[str, ...] = ()

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(column, referenced column) joined on, in order."""
        if self.columns:
            return list(zip(self.columns, self.ref_columns, strict=True))
        return [(self.column, self.ref_column)]

    def as_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["coverage"] = round(self.coverage, 4)
        doc["columns"] = [c for c, _ in self.pairs]
        doc["ref_columns"] = [r for _, r in self.pairs]
        return doc


def composite(
    table: str, columns: tuple[str, ...], ref: tuple[str, tuple[str, ...]], source: str
) -> Relation:
    """A relation on several columns (no coverage yet: `measured` fills it)."""
    return Relation(
        table, ", ".join(columns), ref[0], ", ".join(ref[1]), 0.0, source == "declared",
        source, 0, 0, columns, ref[1],
    )  # fmt: skip


def value_sql(column: str) -> str:
    return f"nullif(trim(CAST({quote_ident(column)} AS VARCHAR)), '')"


def matched(
    con: duckdb.DuckDBPyConnection, table: str, column: str, ref_table: str, ref_column: str
) -> tuple[int, int]:
    """(distinct non-empty values of the column, how many of them the referenced column holds)."""
    v, k = value_sql(column), value_sql(ref_column)
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE v IN (SELECT {k} FROM {quote_ident(ref_table)}))"
        f" FROM (SELECT DISTINCT {v} AS v FROM {quote_ident(table)}) WHERE v IS NOT NULL"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def matched_tuples(
    con: duckdb.DuckDBPyConnection, table: str, ref_table: str, pairs: list[tuple[str, str]]
) -> tuple[int, int]:
    """`matched` for a composite key: distinct tuples with every part non-empty."""
    mine = ", ".join(f"{value_sql(c)} AS c{i}" for i, (c, _) in enumerate(pairs))
    theirs = ", ".join(f"{value_sql(r)} AS c{i}" for i, (_, r) in enumerate(pairs))
    full = " AND ".join(f"c{i} IS NOT NULL" for i in range(len(pairs)))
    names = ", ".join(f"c{i}" for i in range(len(pairs)))
    row = con.execute(
        f"WITH v AS (SELECT DISTINCT {mine} FROM {quote_ident(table)}), "
        f"k AS (SELECT DISTINCT {theirs} FROM {quote_ident(ref_table)}) "
        f"SELECT (SELECT count(*) FROM v WHERE {full}), "
        f"(SELECT count(*) FROM v SEMI JOIN k USING ({names}) WHERE {full})"
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def measured(con: duckdb.DuckDBPyConnection, r: Relation) -> Relation:
    """The relation with its coverage and orphans counted in the data."""
    if r.columns:
        values, found = matched_tuples(con, r.table, r.ref_table, r.pairs)
    else:
        values, found = matched(con, r.table, r.column, r.ref_table, r.ref_column)
    coverage = found / values if values else 0.0
    return replace(r, coverage=coverage, values=values, orphans=values - found)


def record_keys(con: duckdb.DuckDBPyConnection, relations: list[Relation]) -> None:
    con.execute(_DDL)
    for r in relations:
        con.execute(
            "INSERT INTO scan_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                r.table,
                r.column,
                r.ref_table,
                r.ref_column,
                r.coverage,
                r.declared,
                r.source,
                r.values,
                r.orphans,
                [c for c, _ in r.pairs],
                [k for _, k in r.pairs],
            ],
        )
