"""The report's figures, computed from the store tables: counts only, never a personal value.

Each figure is a list of (label, count) pairs in display order, or None when the stage that
writes its table has not run yet (the report then says which verb to run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from vigie.assess.tiers import TIERS
from vigie.vocabulary import ELEMENTS, category
from vigie.workspace import quote_ident, table_exists

Pairs = list[tuple[str, int]]
UNKNOWN = "inconnu"  # the key of a département that could not be told


@dataclass
class InventoryRow:
    """One exposed element in the leak: where scan found it and how many it touches."""

    element: str
    category: str
    columns: list[str] = field(default_factory=list)  # "table.column" in the leak
    text_mentions: int = 0  # free-text spans that expose it
    rows: int = 0  # leak rows exposing it
    persons: int | None = None  # persons exposing it (None before link)


@dataclass
class Figures:
    """Everything counted for the report."""

    totals: dict[str, int | None]
    charts: dict[str, Pairs | None]
    inventory: list[InventoryRow]
    exam_span: tuple[date, date] | None  # first and last exam date found in the leak


def collect(con: duckdb.DuckDBPyConnection) -> Figures:
    """Count everything the report shows from the tables of an open store."""
    has_persons = table_exists(con, "persons")
    has_exposure = has_persons and table_exists(con, "person_exposure")
    charts: dict[str, Pairs | None] = {
        "controllers": per_controller(con) if table_exists(con, "person_registry") else None,
        "departements": per_departement(con) if has_persons else None,
        "elements": per_element(con) if has_exposure else None,
        "categories": per_category(con) if has_exposure else None,
        "tiers": per_tier(con) if table_exists(con, "person_risk") else None,
        "exams": exams_per_month(con),
    }
    return Figures(
        totals=totals(con),
        charts=charts,
        inventory=inventory(con),
        exam_span=exam_span(con),
    )


def _pairs(rows: list[tuple[Any, ...]]) -> Pairs:
    return [(str(label), int(n)) for label, n in rows]


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def totals(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """Headline counts; None where the table that holds one does not exist yet."""
    catalogued = table_exists(con, "_files") and table_exists(con, "_tables")
    out: dict[str, int | None] = dict.fromkeys(
        ("leak_files", "leak_tables", "leak_rows", "registries"), 0
    )
    if catalogued:
        out["leak_files"] = _one(con, "SELECT count(*) FROM _files WHERE kind = 'leak'")
        out["leak_tables"] = _one(con, "SELECT count(*) FROM _tables WHERE kind = 'leak'")
        out["leak_rows"] = _one(
            con, "SELECT coalesce(sum(rows), 0) FROM _tables WHERE kind = 'leak'"
        )
        out["registries"] = _one(
            con, "SELECT count(DISTINCT controller) FROM _tables WHERE kind = 'registry'"
        )
    out["exposed_rows"] = (
        _one(con, "SELECT count(DISTINCT (table_name, _row)) FROM scan_exposure")
        if table_exists(con, "scan_exposure")
        else None
    )
    keys = ("persons", "minors", "deceased", "unattached", "several_controllers")
    if table_exists(con, "persons"):
        row = con.execute(
            "SELECT count(*), count(*) FILTER (age_group = '0-17'), "
            "count(*) FILTER (deceased), count(*) FILTER (coalesce(n_controllers, 0) = 0), "
            "count(*) FILTER (n_controllers > 1) FROM persons"
        ).fetchone()
        out.update({k: int(v) for k, v in zip(keys, row or (), strict=True)})
    else:
        out.update(dict.fromkeys(keys))
    out["controllers"] = (
        _one(con, "SELECT count(DISTINCT controller) FROM person_registry")
        if table_exists(con, "person_registry")
        else None
    )
    return out


def per_controller(con: duckdb.DuckDBPyConnection) -> Pairs:
    """Distinct persons attached to each controller (a person may count for several)."""
    rows = con.execute(
        "SELECT controller, count(DISTINCT person_id) AS n FROM person_registry "
        "GROUP BY 1 ORDER BY n DESC, 1"
    ).fetchall()
    return _pairs(rows)


def per_departement(con: duckdb.DuckDBPyConnection) -> Pairs:
    """Persons per département of residence (from their postcode), unknown last."""
    rows = con.execute(
        "SELECT departement, count(*) AS n FROM persons GROUP BY 1 "
        "ORDER BY departement IS NULL, n DESC, 1"
    ).fetchall()
    return [(str(code) if code else UNKNOWN, int(n)) for code, n in rows]


def per_element(con: duckdb.DuckDBPyConnection) -> Pairs:
    """Persons per exposed element, in the vocabulary's order."""
    rows = con.execute(
        "SELECT element, count(DISTINCT person_id) FROM person_exposure GROUP BY 1"
    ).fetchall()
    found = {str(e): int(n) for e, n in rows}
    order = [e for e in ELEMENTS if e in found] + sorted(set(found) - set(ELEMENTS))
    return [(e, found[e]) for e in order]


def per_category(con: duckdb.DuckDBPyConnection) -> Pairs:
    """Persons with at least one element of each category (DESIGN.md's mapping)."""
    elements = [
        str(e) for (e,) in con.execute("SELECT DISTINCT element FROM person_exposure").fetchall()
    ]
    if not elements:
        return []
    mapping = ", ".join("(?, ?)" for _ in elements)
    params: list[str] = [v for e in elements for v in (e, category(e))]
    rows = con.execute(
        f"SELECT m.cat, count(DISTINCT x.person_id) AS n FROM person_exposure x "
        f"JOIN (VALUES {mapping}) m(element, cat) USING (element) GROUP BY 1 ORDER BY n DESC, 1",
        params,
    ).fetchall()
    return _pairs(rows)


def per_tier(con: duckdb.DuckDBPyConnection) -> Pairs:
    """Persons per risk tier, every tier shown (zero included), most severe first."""
    found = dict(con.execute("SELECT tier, count(*) FROM person_risk GROUP BY 1").fetchall())
    return [(tier, int(found.get(tier, 0))) for tier in TIERS]


def exam_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(table, column) of each leak table's exam date: its most confident care.exam column."""
    if not (table_exists(con, "scan_columns") and table_exists(con, "_tables")):
        return []
    rows = con.execute(
        "SELECT s.table_name, arg_max(s.column_name, s.confidence) FROM scan_columns s "
        "JOIN _tables t ON t.name = s.table_name AND t.kind = 'leak' "
        "WHERE s.element = 'care.exam' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return [(str(t), str(c)) for t, c in rows]


def _exam_dates_sql(con: duckdb.DuckDBPyConnection) -> str | None:
    from vigie.link.standardise import birth_date as parse_date  # the shared date reader

    parts = [
        f"SELECT {parse_date(quote_ident(column))} AS d FROM {quote_ident(table)}"
        for table, column in exam_columns(con)
    ]
    return " UNION ALL ".join(parts) or None


def exams_per_month(con: duckdb.DuckDBPyConnection) -> Pairs | None:
    """Leak rows per month of their exam date (`YYYY-MM`), empty months included."""
    dates = _exam_dates_sql(con)
    if dates is None:
        return None
    rows = con.execute(
        f"WITH d AS ({dates}), m AS (SELECT date_trunc('month', d) AS month, count(*) AS n "
        "FROM d WHERE d IS NOT NULL GROUP BY 1), "
        "r AS (SELECT unnest(generate_series(min(month), max(month), INTERVAL 1 MONTH)) AS month "
        "FROM m) SELECT strftime(r.month, '%Y-%m'), coalesce(m.n, 0) FROM r "
        "LEFT JOIN m USING (month) ORDER BY 1"
    ).fetchall()
    return _pairs(rows)


def exam_span(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    dates = _exam_dates_sql(con)
    if dates is None:
        return None
    row = con.execute(f"SELECT min(d), max(d) FROM ({dates})").fetchone()
    if not row or row[0] is None:
        return None
    return row[0], row[1]


def inventory(con: duckdb.DuckDBPyConnection) -> list[InventoryRow]:
    """The exposed elements of the leak: its columns, free-text mentions, rows, persons."""
    if not (table_exists(con, "scan_columns") and table_exists(con, "_tables")):
        return []
    found: dict[str, InventoryRow] = {}

    def row(element: str) -> InventoryRow:
        return found.setdefault(element, InventoryRow(element, category(element)))

    for element, table, column in con.execute(
        "SELECT s.element, s.table_name, s.column_name FROM scan_columns s "
        "JOIN _tables t ON t.name = s.table_name AND t.kind = 'leak' "
        "WHERE s.element IS NOT NULL ORDER BY 2, 3"
    ).fetchall():
        row(element).columns.append(f"{table}.{column}")
    if table_exists(con, "scan_spans"):
        for element, n in con.execute(
            "SELECT element, count(*) FROM scan_spans WHERE exposes GROUP BY 1"
        ).fetchall():
            row(element).text_mentions = int(n)
    if table_exists(con, "scan_exposure"):
        for element, n in con.execute(
            "SELECT element, count(DISTINCT (table_name, _row)) FROM scan_exposure GROUP BY 1"
        ).fetchall():
            row(element).rows = int(n)
    if table_exists(con, "person_exposure"):
        for element, n in con.execute(
            "SELECT element, count(DISTINCT person_id) FROM person_exposure GROUP BY 1"
        ).fetchall():
            row(element).persons = int(n)
        for item in found.values():
            item.persons = item.persons or 0
    order = {e: i for i, e in enumerate(ELEMENTS)}
    return sorted(found.values(), key=lambda r: (order.get(r.element, len(order)), r.element))
