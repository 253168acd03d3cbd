"""Match identities people type (the portal's "Suis-je concerné ?" requests) with the
workspace's leak and registry records, scored by the incident's own link model.

The typed identities become records through the very standardisation the leak's rows go
through (a source table of kind `request`, in the in-memory catalog: nothing typed reaches
a file). Splink then scores each request against the records sharing its birth date or its
surname, with the comparisons and parameters `vigie link` stored (`link_models`), so a
request is judged as a leak row would be: typos, a birth name for a usage name, a first
given name for several, day and month swapped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb

from vigie.errors import ConfigError, StoreError
from vigie.link import records, train
from vigie.link.quiet import splink_quiet
from vigie.workspace import table_exists

REQUESTS = "_link_requests"  # temp table: the typed identities, never on disk
CANDIDATES = "memory.main.link_match_input"
# Fields of the portal's form, by record role (see records.ROLE_OF_ELEMENT). The postcode
# typed is not compared: with no street beside it, the model would read "same postcode" as
# "another street in the same place" (evidence against), and a person who moved types a
# postcode the records do not hold. It breaks ties between persons (portal.answers).
FORM_ROLES = {
    "last_name": ["nom"],
    "first_names": ["prenom"],
    "birth_date": ["date_naissance"],
}
# Requests are scored only against records sharing one of these (Splink blocking rules):
# a typo in the birth date still meets the surname, a new surname still meets the date.
_BLOCKING = ("l.dob = r.dob", "l.surname_key = r.surname_key")


@dataclass(frozen=True)
class Match:
    """A leak or registry row a request matched, and how sure the model is."""

    table: str
    row: int
    kind: str  # leak | registry
    probability: float
    controller: str | None = None
    # The record's identity and address as written (what a note to a patient needs);
    # in memory only.
    sex: str | None = None
    first_names: str | None = None
    surname: str | None = None
    address: str | None = None
    postcode: str | None = None
    city: str | None = None


def stored_model(con: duckdb.DuckDBPyConnection, digest: str | None) -> dict[str, Any]:
    """The model of the last `vigie link` (by digest when known, else the newest)."""
    if not table_exists(con, "link_models"):
        raise StoreError("no link model in this workspace: run `vigie link WS` first")
    where, params = ("WHERE digest = ?", [digest]) if digest else ("", [])
    row = con.execute(
        f"SELECT model FROM link_models {where} ORDER BY created_at DESC LIMIT 1", params
    ).fetchone()
    if row is None:
        raise StoreError("the link model of the last `vigie link` is missing: run it again")
    model: dict[str, Any] = json.loads(row[0])
    return model


def score_requests(
    con: duckdb.DuckDBPyConnection,
    requests: list[dict[str, str]],
    model: dict[str, Any],
    *,
    lower: float,
) -> list[list[Match]]:
    """For each request (form fields by name), the records scoring at least `lower`,
    best first."""
    found: list[list[Match]] = [[] for _ in requests]
    if not requests:
        return found
    _load_requests(con, requests)
    try:
        sources = records.source_tables(con)
        request_source = records.SourceTable(REQUESTS, "request", None, dict(FORM_ROLES))
        records.build_records(con, [*sources, request_source])
        tf_tables = _term_frequencies(con, model)
        con.execute(
            f"""CREATE OR REPLACE TABLE {CANDIDATES} AS
            WITH asked AS (SELECT dob, surname_key FROM {records.RECORDS}
                           WHERE kind = 'request')
            SELECT * FROM {records.RECORDS} WHERE kind = 'request'
                OR dob IN (SELECT dob FROM asked)
                OR surname_key IN (SELECT surname_key FROM asked)"""
        )
        pairs = _predict(con, model, lower, tf_tables)
    finally:
        for table in (CANDIDATES, records.RECORDS, *_tf_names(model).values()):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute(f"DROP TABLE IF EXISTS {REQUESTS}")
    for request_no, table, row, kind, probability, *identity in pairs:
        found[int(request_no)].append(
            Match(str(table), int(row), str(kind), float(probability), *identity)
        )
    for matches in found:
        matches.sort(key=lambda m: -m.probability)
    return found


def _load_requests(con: duckdb.DuckDBPyConnection, requests: list[dict[str, str]]) -> None:
    columns = [*(c for cols in FORM_ROLES.values() for c in cols), "code_postal"]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REQUESTS} (_row BIGINT, "
        + ", ".join(f"{c} VARCHAR" for c in columns)
        + ")"
    )
    con.executemany(
        f"INSERT INTO {REQUESTS} VALUES (?{', ?' * len(columns)})",
        [[n, *(r.get(c, "") or None for c in columns)] for n, r in enumerate(requests)],
    )


def _tf_names(model: dict[str, Any]) -> dict[str, str]:
    """The model's term-frequency columns, each with the in-memory table of its lookup."""
    columns = {
        level["tf_adjustment_column"]
        for comparison in model.get("comparisons", [])
        for level in comparison.get("comparison_levels", [])
        if level.get("tf_adjustment_column")
    }
    return {c: f"memory.main.link_tf_{c}" for c in sorted(columns)}


def _term_frequencies(con: duckdb.DuckDBPyConnection, model: dict[str, Any]) -> dict[str, str]:
    """Term frequencies over all the leak and registry records, as `vigie link` saw them:
    computed on the few candidates of a request, every surname would look common."""
    tables = _tf_names(model)
    for column, table in tables.items():
        con.execute(
            f"""CREATE OR REPLACE TABLE {table} AS
            SELECT {column}, count(*) / sum(count(*)) OVER () AS tf_{column}
            FROM {records.RECORDS} WHERE kind <> 'request' AND {column} IS NOT NULL
            GROUP BY {column}"""
        )
    return tables


def _predict(
    con: duckdb.DuckDBPyConnection,
    model: dict[str, Any],
    lower: float,
    tf_tables: dict[str, str],
) -> list[tuple[Any, ...]]:
    """(request number, table, row, kind, probability) of the pairs >= `lower` that
    join a request to a leak or registry record."""
    try:
        from splink import DuckDBAPI, Linker
    except ImportError:
        raise ConfigError(train._SPLINK_HINT) from None
    settings = {
        **model,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in _BLOCKING
        ],
    }
    with splink_quiet(), train.in_memory(con):
        db_api = DuckDBAPI(connection=con)
        linker = Linker(db_api.register(CANDIDATES.split(".")[-1]), settings, log_level=None)
        for column, table in tf_tables.items():
            lookup = db_api.register(table.split(".")[-1])
            linker.table_management.register_term_frequency_lookup(lookup, column)
        predictions = linker.inference.predict(threshold_match_probability=lower)
        rows = con.execute(
            f"""SELECT q.row_no, c.tbl, c.row_no, c.kind, p.match_probability, c.controller,
                c.sex, c.disp_given, c.disp_surname, c.address, c.postcode, c.disp_city
            FROM {predictions.physical_name} p
            JOIN {CANDIDATES} q ON q.unique_id IN (p.unique_id_l, p.unique_id_r)
            JOIN {CANDIDATES} c ON c.unique_id IN (p.unique_id_l, p.unique_id_r)
            WHERE q.kind = 'request' AND c.kind <> 'request'"""
        ).fetchall()
        train._drop_splink_tables(con)
    return rows
