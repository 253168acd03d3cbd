"""`vigie scan`: classify every stored column, then record what each leaked row exposes."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import duckdb

from vigie.progress import Progress
from vigie.scan import exposure, fhir_paths, keys, overrides, patient_number, relation
from vigie.scan import key_settings as key_settings_mod
from vigie.scan.documents import document_summary, scan_documents
from vigie.scan.profile import ColumnProfile, profile_table
from vigie.scan.sampling import column_totals, data_columns, row_sample
from vigie.vocabulary import category
from vigie.workspace import Workspace, transaction
from vigie.workspace.store import set_memory_limit

log = logging.getLogger(__name__)

_COLUMNS_DDL = """
CREATE OR REPLACE TABLE scan_columns (
    table_name VARCHAR, column_name VARCHAR, kind VARCHAR, element VARCHAR,
    recognizer VARCHAR, confidence DOUBLE, evidence VARCHAR, non_empty BIGINT,
    valid BIGINT, invalid BIGINT, example VARCHAR, source VARCHAR)
"""


@dataclass
class ScanReport:
    columns: list[dict[str, Any]] = field(default_factory=list)
    elements: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    seconds: float = 0.0
    documents: dict[str, Any] = field(default_factory=dict)
    keys: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "elements": self.elements,
            "categories": self.categories,
            "rows": self.rows,
            "documents": self.documents,
            "keys": self.keys,
            "seconds": round(self.seconds, 2),
        }


def run_scan(
    ws: Workspace,
    settings: dict[str, str | None] | None = None,
    key_settings: dict[str, str | None] | None = None,
) -> ScanReport:
    """Profile every ingested table, apply overrides, store columns, keys and exposures.

    `settings`: {"TABLE.COLUMN": element or None}; `key_settings`: {"TABLE.COLUMN":
    "TABLE.COLUMN" referenced, or None to remove the column's relation} (vigie.scan.keys).
    """
    started = time.monotonic()
    with ws.connect() as con:
        # Scan is one transaction: without a limit DuckDB holds its new rows (exposure,
        # spans: tens of millions at 2M persons) in memory until COMMIT; with one it writes
        # them out and spills its sorts (encrypted).
        set_memory_limit(con, "VIGIE_SCAN_MEMORY", "1GB")
        tables = _tables(con)
        if not tables and not _has_documents(con):
            from vigie.errors import StoreError

            raise StoreError(f"{ws.path}: nothing ingested yet; run `vigie ingest` first")
        with transaction(con):
            overrides.ensure(con)
            key_settings_mod.ensure(con)
            if settings:
                overrides.apply(con, settings, {t for t, _ in tables})
            if key_settings:
                leak_tables = {t for t, kind in tables if kind == "leak"}
                key_settings_mod.apply(con, key_settings, leak_tables)
            chosen = overrides.load(con)
            profiles, by_row = _profile_all(con, tables, chosen)
            leak = [(p, s) for k, p, s in profiles if k == "leak"]
            elements = {(p.table, p.column): p.element for p, _ in leak}
            relations = keys.discover(con, elements, key_settings_mod.load(con))
            leak = patient_number.mark(con, leak, relations)
            profiles = [("leak", p, s) for p, s in leak] + [x for x in profiles if x[0] != "leak"]
            con.execute(_COLUMNS_DDL)
            for kind, profile, source in profiles:
                con.execute(
                    "INSERT INTO scan_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        profile.table,
                        profile.column,
                        kind,
                        profile.element,
                        profile.recognizer,
                        profile.confidence,
                        profile.evidence,
                        profile.non_empty,
                        profile.valid,
                        profile.invalid,
                        profile.example,
                        source,
                    ],
                )
            relation.record_keys(con, relations)
            rows = exposure.record_exposure(con, [p for p, _ in leak], by_row=by_row)
            documents = scan_documents(con)
        report = _report(con, rows)
        report.documents = document_summary(con) if documents else {}
        report.keys = [r.as_dict() for r in relations]
    report.seconds = time.monotonic() - started
    params: dict[str, Any] = {"overrides": dict(settings or {})}
    if key_settings:
        params["key_overrides"] = dict(key_settings)
    ws.record(
        "scan",
        params,
        {
            "tables": len(tables),
            "keys": len(report.keys),
            "columns": len(report.columns),
            "rows": rows,
            "documents": documents,
            "elements": report.elements,
        },
        started=started,
    )
    return report


def _has_documents(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        return bool(con.execute("SELECT count(*) FROM documents").fetchall()[0][0])
    except duckdb.CatalogException:
        return False


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    try:
        rows = con.execute("SELECT name, kind FROM _tables ORDER BY kind, name").fetchall()
    except duckdb.CatalogException:
        return []
    return [(r[0], r[1]) for r in rows]


def _profile_all(
    con: duckdb.DuckDBPyConnection,
    tables: list[tuple[str, str]],
    chosen: dict[tuple[str, str], str | None],
) -> tuple[list[tuple[str, ColumnProfile, str]], dict[tuple[str, str], str]]:
    """Every column's profile, and the per-row element rules of FHIR columns (fhir_paths)."""
    out: list[tuple[str, ColumnProfile, str]] = []
    by_row: dict[tuple[str, str], str] = {}
    fhir = fhir_paths.fhir_tables(con)
    with Progress("scan: profiling", total=len(tables), unit="tables") as bar:
        for table, kind in tables:
            columns = data_columns(con, table)
            totals = column_totals(con, table, columns)
            sample = row_sample(con, table, columns)
            found = []
            if table in fhir:
                decided = fhir_paths.profile_fhir_table(con, table, fhir[table], totals, sample)
                found = decided.profiles
                by_row.update({(table, c): sql for c, sql in decided.by_row.items()})
                sample = {c: sample[c] for c in decided.rest}
            found += profile_table(sample, table=table, totals=totals)
            for profile in found:
                key = (table, profile.column)
                if key in chosen:
                    profile = overrides.overridden(profile, chosen[key])
                    by_row.pop(key, None)  # a person's setting holds for every row
                    out.append((kind, profile, "override"))
                else:
                    out.append((kind, profile, "detected"))
            bar.advance()
    return out, by_row


def _report(con: duckdb.DuckDBPyConnection, rows: int) -> ScanReport:
    report = ScanReport(rows=rows)
    for r in con.execute(
        "SELECT table_name, column_name, kind, element, confidence, non_empty, example, "
        "evidence, source FROM scan_columns ORDER BY kind, table_name, column_name"
    ).fetchall():
        report.columns.append(
            {
                "table": r[0],
                "column": r[1],
                "kind": r[2],
                "element": r[3],
                "confidence": round(r[4], 3),
                "count": r[5],
                "example": r[6],
                "evidence": r[7],
                "source": r[8],
            }
        )
    for element, n in con.execute(
        "SELECT element, count(*) FROM scan_exposure GROUP BY element ORDER BY element"
    ).fetchall():
        report.elements[element] = n
    pairs = ", ".join(f"('{e}', '{category(e)}')" for e in report.elements)
    if pairs:
        query = _CATEGORY_ROWS.format(pairs=pairs)
        report.categories = {cat: n for cat, n in con.execute(query).fetchall()}
    return report


# Rows exposing at least one element of each category.
_CATEGORY_ROWS = """
SELECT c.category, count(DISTINCT (e.table_name, e._row)) FROM scan_exposure e
JOIN (VALUES {pairs}) c(element, category) USING (element)
GROUP BY c.category ORDER BY c.category
"""
