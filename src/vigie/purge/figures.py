"""The aggregate figures kept after a purge: counts only, never a person's value.

Read from the store before the key is destroyed, and written as plain JSON beside the
breach register, since nothing in the store can be read afterwards.
"""

from __future__ import annotations

from typing import Any

import duckdb

from vigie.vocabulary import category
from vigie.workspace import quote_ident, table_exists, table_names

# (figure, table it needs, SQL giving (label, count) rows). Each counts persons or rows by a
# non-personal label; none selects a personal column's value.
_GROUPED: tuple[tuple[str, str, str], ...] = (
    (
        "persons_by_element",
        "person_exposure",
        "SELECT element, count(DISTINCT person_id) FROM person_exposure GROUP BY 1",
    ),
    (
        "leak_rows_by_element",
        "scan_exposure",
        "SELECT element, count(*) FROM scan_exposure GROUP BY 1",
    ),
    (
        "persons_by_controller",
        "person_registry",
        "SELECT controller, count(DISTINCT person_id) FROM person_registry GROUP BY 1",
    ),
    ("persons_by_tier", "person_risk", "SELECT tier, count(*) FROM person_risk GROUP BY 1"),
    ("persons_by_age_group", "persons", "SELECT age_group, count(*) FROM persons GROUP BY 1"),
    (
        "letters_by_controller",
        "notify_letters",
        "SELECT controller, count(*) FROM notify_letters GROUP BY 1",
    ),
    ("letters_by_tier", "notify_letters", "SELECT tier, count(*) FROM notify_letters GROUP BY 1"),
    (
        "not_sent_by_reason",
        "notify_not_sent",
        "SELECT reason, count(*) FROM notify_not_sent GROUP BY 1",
    ),
)

_TOTALS: tuple[tuple[str, str, str], ...] = (
    ("persons", "persons", "SELECT count(*) FROM persons"),
    ("leak_records_linked", "person_records", "SELECT count(*) FROM person_records"),
    ("letters", "notify_letters", "SELECT count(*) FROM notify_letters"),
    ("deceased", "persons", "SELECT count(*) FROM persons WHERE deceased"),
)


def aggregate_figures(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Totals and counts per element, category, controller, tier; absent stages are left out."""
    figures: dict[str, Any] = {}
    for name, table, sql in _TOTALS:
        if table_exists(con, table):
            figures[name] = int(con.execute(sql).fetchall()[0][0])
    for name, table, sql in _GROUPED:
        if table_exists(con, table):
            rows = con.execute(sql).fetchall()
            figures[name] = {str(label): int(n) for label, n in sorted(rows, key=_label)}
    if table_exists(con, "person_exposure"):
        figures["persons_by_category"] = _persons_by_category(con)
    return figures


def table_inventory(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Every table and view of the store with its row count: what the purge erases."""
    return {
        name: int(con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchall()[0][0])
        for name in table_names(con)
    }


def _persons_by_category(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    elements = [
        r[0] for r in con.execute("SELECT DISTINCT element FROM person_exposure").fetchall()
    ]
    if not elements:
        return {}
    # The element -> category map lives in Python (vocabulary); pass it to SQL as values.
    mapping = ", ".join("(?, ?)" for _ in elements)
    params = [v for e in elements for v in (e, category(e))]
    rows = con.execute(
        f"WITH m(element, category) AS (VALUES {mapping}) "
        "SELECT m.category, count(DISTINCT e.person_id) FROM person_exposure e "
        "JOIN m USING (element) GROUP BY 1 ORDER BY 1",
        params,
    ).fetchall()
    return {str(name): int(n) for name, n in rows}


def _label(row: tuple[Any, ...]) -> str:
    return str(row[0])
