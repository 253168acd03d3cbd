"""The seam between assess and the earlier stages: what scan and link left in the store.

Contract (tables written by scan and link; any may be absent, its facts are then None):
- `scan_exposure` with a column `element` (one row per exposed element found);
- `persons` with `person_id`, and optionally `is_minor` (boolean) or `birth_date` (DATE);
- `person_exposure (person_id, element)`: one row per element exposed for a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from vigie.workspace import Workspace, table_exists
from vigie.workspace.store import column_names, scalar

MINOR_AGE = 18
# Element prefix -> assessment category (DESIGN.md, vocabulary of exposed elements).
ELEMENT_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("health.genetic", ("health", "genetic")),
    ("identity.", ("identity",)),
    ("contact.", ("contact",)),
    ("national_id.", ("national_id",)),
    ("financial.", ("financial",)),
    ("insurance.", ("financial",)),
    ("health.", ("health",)),
    ("care.exam", ("health",)),
    ("credentials.", ("credentials",)),
)


@dataclass(frozen=True)
class WorkspaceInputs:
    """What scan and link tell assess; None where the stage has not run."""

    data_categories: frozenset[str] | None = None
    elements: frozenset[str] | None = None
    persons: int | None = None
    minors: int | None = None
    exposures: int | None = None  # persons with an exposure set in person_exposure


def categories_of(elements: frozenset[str]) -> frozenset[str]:
    """The assessment categories of a set of exposed elements."""
    found: set[str] = set()
    for element in elements:
        for prefix, cats in ELEMENT_CATEGORIES:
            if element == prefix or (prefix.endswith(".") and element.startswith(prefix)):
                found.update(cats)
                break
    return frozenset(found)


def workspace_inputs(ws: Workspace, reference: date | None = None) -> WorkspaceInputs:
    """Read the scan and link tables of `ws`; minors are counted at `reference` (today)."""
    with ws.connect() as con:
        return read_inputs(con, reference or date.today())


def read_inputs(con: duckdb.DuckDBPyConnection, reference: date) -> WorkspaceInputs:
    elements = None
    if table_exists(con, "scan_exposure"):
        rows = con.execute(
            "SELECT DISTINCT element FROM scan_exposure WHERE element IS NOT NULL"
        ).fetchall()
        elements = frozenset(str(r[0]) for r in rows)
    persons = minors = exposures = None
    if table_exists(con, "persons"):
        persons = int(scalar(con, "SELECT count(*) FROM persons"))
        minors = _minors(con, reference)
    if table_exists(con, "person_exposure"):
        exposures = int(scalar(con, "SELECT count(DISTINCT person_id) FROM person_exposure"))
        if elements is None:
            rows = con.execute("SELECT DISTINCT element FROM person_exposure").fetchall()
            elements = frozenset(str(r[0]) for r in rows if r[0] is not None)
    return WorkspaceInputs(
        data_categories=categories_of(elements) if elements is not None else None,
        elements=elements,
        persons=persons,
        minors=minors,
        exposures=exposures,
    )


def _minors(con: duckdb.DuckDBPyConnection, reference: date) -> int | None:
    columns = set(column_names(con, "persons"))
    if "is_minor" in columns:
        return int(scalar(con, "SELECT count(*) FROM persons WHERE is_minor"))
    if "birth_date" in columns:
        try:
            cutoff = reference.replace(year=reference.year - MINOR_AGE)
        except ValueError:  # 29 February
            cutoff = reference.replace(year=reference.year - MINOR_AGE, day=28)
        sql = "SELECT count(*) FROM persons WHERE TRY_CAST(birth_date AS DATE) > ?"
        return int(scalar(con, sql, [cutoff]))
    return None
