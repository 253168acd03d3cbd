"""Keys between leak tables: which column's values are another table's key (scan_keys).

Declared keys come first: a FOREIGN KEY a SQL dump or a FHIR file declares (ingest's
`_keys`) is a relation whatever its values say, composite ones too (`resultats (code,
version) -> analyses (code, version)`: `columns` and `ref_columns` list the pairs in
order; link joins on all of them). A single-column one that names a table of another file
(FHIR bulk exports write a file per resource type: `Observation.ndjson` references
`Patient`) goes to the leak table of that name (`_tables.source_table`) that declares a
single-column primary key; of several, the one holding most of its values. Then
inclusion dependencies, single-column, for the columns no declaration covers:

1. Columns considered: leak tables only; columns scan classified as no element or as a
   national identifier (a name, date, postcode or phone is never a key); *id-like* values
   (1-32 letters, digits, `-` or `_`, at least one digit) in >= 99 % of non-empty cells.
2. A *key* is such a column whose every row holds a distinct value (at least two rows);
   a declared PRIMARY KEY or UNIQUE column is one too.
3. A column of another table *references* a key when >= 95 % of its distinct values are
   found in it (COVERAGE; the rest are orphans: a patient purged, a request deleted)...
4. ...and the inclusion cannot be chance. A key of integers that fill at least half of
   their range (1..N, 100001..120000: *dense*) contains any column of numbers in that range;
   so does a column with a single value. Those need a name relation (key_names.py:
   `IPP` -> `patients.IPP`, `patient_id` -> `patients.id`). Other keys (sparse numbers,
   codes) accept the inclusion alone when the chance that d distinct unrelated values all
   fall in the key, density^d (density 0.01 assumed for codes), is below 1e-6.
5. One key per column: a name relation first, then a key in the same file, then in the
   same folder, then the higher coverage, the sparser key, the table name. Keys within one
   table (a mother's IPP in `patients`) are found only when declared. Two unique columns
   that contain each other keep one direction: from the table with more rows.

`vigie scan --set T.C=ref:T2.C2` adds a relation (`ref:none` removes the column's, or the
composite relation the column is part of); those win over both declared and discovered
ones. Composite keys are found only when declared: inclusion is tested column by column.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from vigie.scan.key_names import related
from vigie.scan.relation import Relation, composite, matched, measured, value_sql
from vigie.workspace.store import column_names, quote_ident

log = logging.getLogger(__name__)

COVERAGE = 0.95
ID_SHARE = 0.99
DENSE = 0.5
CHANCE = 1e-6
CODE_DENSITY = 0.01
ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9_-]{0,31}"
INT_PATTERN = "0|[1-9][0-9]{0,17}"


@dataclass
class Column:
    """What key discovery needs to know of one column (one SQL pass per table)."""

    table: str
    column: str
    rows: int
    present: int  # non-empty cells
    distinct: int
    idlike: int
    integers: int
    low: int | None  # integer range, when every value is an integer
    high: int | None
    shortest: int
    longest: int

    @property
    def is_key(self) -> bool:
        return self.rows >= 2 and self.present == self.rows == self.distinct == self.idlike

    @property
    def is_child(self) -> bool:
        return self.present > 0 and self.idlike >= ID_SHARE * self.present

    @property
    def density(self) -> float | None:
        """Share of its integer range a key fills; None for codes."""
        if self.integers < self.present or self.low is None or self.high is None:
            return None
        return self.distinct / (self.high - self.low + 1)


@dataclass(frozen=True)
class TableInfo:
    source_table: str  # the name in its file (SQL table, CSV stem)
    digest: str
    folder: str


def column_stats(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> list[Column]:
    if not columns:
        return []
    parts = []
    for c in columns:
        v = value_sql(c)
        is_int = f"regexp_full_match({v}, '{INT_PATTERN}')"
        parts += [
            f"count({v})",
            f"count(DISTINCT {v})",
            f"count(*) FILTER (WHERE regexp_full_match({v}, '{ID_PATTERN}') "
            f"AND regexp_matches({v}, '[0-9]'))",
            f"count(*) FILTER (WHERE {is_int})",
            f"min(TRY_CAST({v} AS BIGINT)) FILTER (WHERE {is_int})",
            f"max(TRY_CAST({v} AS BIGINT)) FILTER (WHERE {is_int})",
            f"coalesce(min(length({v})), 0)",
            f"coalesce(max(length({v})), 0)",
        ]
    row = con.execute(f"SELECT count(*), {', '.join(parts)} FROM {quote_ident(table)}").fetchone()
    assert row is not None
    out = []
    for i, c in enumerate(columns):
        present, distinct, idlike, ints, low, high, shortest, longest = row[1 + 8 * i : 9 + 8 * i]
        out.append(
            Column(table, c, row[0], present, distinct, idlike, ints, low, high, shortest, longest)
        )
    return out


def _relation(
    con: duckdb.DuckDBPyConnection, table: str, column: str, ref: tuple[str, str], source: str
) -> Relation:
    relation = Relation(table, column, ref[0], ref[1], 0.0, source == "declared", source, 0, 0)
    return measured(con, relation)


def tables_info(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, TableInfo]:
    rows = con.execute(
        "SELECT t.name, t.source_table, t.digest, f.path FROM _tables t "
        "LEFT JOIN _files f ON f.digest = t.digest AND f.kind = t.kind WHERE t.kind = 'leak'"
    ).fetchall()
    return {
        r[0]: TableInfo(r[1] or r[0], r[2] or "", str(Path(r[3]).parent) if r[3] else "")
        for r in rows
        if r[0] in tables
    }


Foreign = tuple[str, tuple[str, ...], str, tuple[str, ...]]  # (t, columns, ref_t, ref_columns)


@dataclass
class Declared:
    """What `_keys` declares between leak tables."""

    foreign: list[Foreign] = field(default_factory=list)  # composite ones too
    unique: set[tuple[str, str]] = field(default_factory=set)  # single primary or unique
    primary: dict[str, str] = field(default_factory=dict)  # table -> its single primary key
    elsewhere: list[tuple[str, str, str]] = field(default_factory=list)  # (t, c, ref_source)


def declared_keys(con: duckdb.DuckDBPyConnection, tables: set[str]) -> Declared:
    """The keys the leak tables declare; one to another file's table single-column only."""
    out = Declared()
    try:
        rows = con.execute(
            "SELECT name, kind, columns, ref_table, ref_columns, ref_source FROM _keys "
            "ORDER BY rowid"
        ).fetchall()
    except duckdb.CatalogException:  # a store from before keys were kept
        return out
    for name, kind, cols_json, ref_table, ref_json, ref_source in rows:
        cols = tuple(json.loads(cols_json))
        if name not in tables or not cols:
            continue
        if kind in ("primary", "unique"):
            if len(cols) == 1:
                out.unique.add((name, cols[0]))
                if kind == "primary":
                    out.primary[name] = cols[0]
        elif ref_table in tables and ref_json:
            ref_cols = tuple(json.loads(ref_json))
            if len(ref_cols) == len(cols):
                out.foreign.append((name, cols, ref_table, ref_cols))
        elif ref_table is None and ref_source and len(cols) == 1:
            out.elsewhere.append((name, cols[0], ref_source))
    return out


def _in_another_file(
    con: duckdb.DuckDBPyConnection, declared: Declared, info: dict[str, TableInfo]
) -> list[Foreign]:
    """Foreign keys to a table of another file, resolved by the table's name in its file."""
    out: list[Foreign] = []
    for table, column, source in declared.elsewhere:
        wanted = {source, source.rsplit(".", 1)[-1]}
        ranked = []
        for candidate, key in sorted(declared.primary.items()):
            if candidate == table or info[candidate].source_table not in wanted:
                continue
            _, found = matched(con, table, column, candidate, key)
            other_folder = info[candidate].folder != info[table].folder
            ranked.append(((-found, other_folder, candidate), (candidate, key)))
        if ranked:
            candidate, key = min(ranked)[1]
            out.append((table, (column,), candidate, (key,)))
    return out


def _declared(
    con: duckdb.DuckDBPyConnection, declared: list[Foreign]
) -> dict[tuple[str, str], Relation]:
    out = {}
    for table, cols, ref_table, ref_cols in declared:
        if len(cols) == 1:
            out[(table, cols[0])] = _relation(
                con, table, cols[0], (ref_table, ref_cols[0]), "declared"
            )
        else:
            relation = measured(con, composite(table, cols, (ref_table, ref_cols), "declared"))
            out[(table, relation.column)] = relation
    return out


def discover(
    con: duckdb.DuckDBPyConnection,
    elements: dict[tuple[str, str], str | None],
    settings: dict[tuple[str, str], tuple[str, str] | None],
) -> list[Relation]:
    """Every relation between leak tables (the module docstring's rules, in order)."""
    tables = sorted({t for t, _ in elements})
    declared = declared_keys(con, set(tables))
    info = tables_info(con, tables)
    relations = _declared(con, declared.foreign + _in_another_file(con, declared, info))
    unique = declared.unique
    covered = {(r.table, c) for r in relations.values() for c, _ in r.pairs}
    stats: list[Column] = []
    for table in tables:
        eligible = [
            c
            for c in column_names(con, table)
            if (table, c) in elements and _may_be_key(elements[(table, c)])
        ]
        stats += column_stats(con, table, eligible)
    keys = [s for s in stats if s.is_key or (s.table, s.column) in unique]
    for child in stats:
        if (child.table, child.column) in covered or not child.is_child:
            continue
        found = _best(con, child, keys, info)
        if found is not None:
            relations[(child.table, child.column)] = found
    _drop_reverse(relations, {s.table: s.rows for s in stats})
    for (table, column), ref in settings.items():
        for at, r in list(relations.items()):
            if r.table == table and column in (c for c, _ in r.pairs):
                del relations[at]
        if ref is not None:
            relations[(table, column)] = _relation(con, table, column, ref, "set")
    return sorted(relations.values(), key=lambda r: (r.ref_table, r.table, r.column))


def _may_be_key(element: str | None) -> bool:
    return element is None or element.startswith("national_id.")


def _best(
    con: duckdb.DuckDBPyConnection, child: Column, keys: list[Column], info: dict[str, TableInfo]
) -> Relation | None:
    ranked = []
    for key in keys:
        if not _plausible(child, key):
            continue
        names = related(child.column, key.column, info[key.table].source_table)
        density = key.density
        if ((density is not None and density >= DENSE) or child.distinct < 2) and not names:
            continue  # inclusion in a dense range, or of one value, says nothing alone
        values, found = matched(con, child.table, child.column, key.table, key.column)
        if not values or found < COVERAGE * values:
            continue
        if not names and chance(density, found) >= CHANCE:
            continue
        mine, theirs = info[child.table], info[key.table]
        rank = (
            not names,
            mine.digest != theirs.digest,
            mine.folder != theirs.folder,
            -found / values,
            density if density is not None else CODE_DENSITY,
            key.table,
            key.column,
        )
        relation = Relation(
            child.table, child.column, key.table, key.column, found / values, False,
            "inclusion", values, values - found,
        )  # fmt: skip
        ranked.append((rank, relation))
    return min(ranked, key=lambda x: x[0])[1] if ranked else None


def _plausible(child: Column, key: Column) -> bool:
    """Cheap tests before a join: could 95 % of the column's values be in the key at all?"""
    if child.table == key.table:
        return False
    if child.shortest > key.longest or child.longest < key.shortest:
        return False
    if key.integers == key.present and child.integers < COVERAGE * child.present:
        return False
    if key.integers == 0 and child.integers == child.present:
        return False
    return child.distinct * COVERAGE <= key.distinct


def _drop_reverse(relations: dict[tuple[str, str], Relation], rows: dict[str, int]) -> None:
    """Of A.x -> B.y and B.y -> A.x, keep a declared one, else the one from the larger table."""
    for (table, column), r in list(relations.items()):
        back = relations.get((r.ref_table, r.ref_column))
        if back is None or back.ref_table != table or back.ref_column != column:
            continue
        if r.source != "inclusion":
            continue
        mine, theirs = rows.get(table, 0), rows.get(r.ref_table, 0)
        if back.source != "inclusion" or (mine, r.ref_table) < (theirs, table):
            del relations[(table, column)]


def chance(density: float | None, values: int) -> float:
    """How likely `values` unrelated values all fall in a key of this density (rule 4)."""
    return math.pow(density if density is not None else CODE_DENSITY, values)
