"""Canonical identity records, built from the columns scan found in every table.

One row per leak or registry row that carries identity (`link_records`, in the
connection's in-memory catalog so nothing of it is written to disk): standardised names,
birth date, sex, NIR, address and contact, plus the exam date (leak) and the deceased
flag (registries).
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from vigie.errors import InputError
from vigie.link import standardise as std
from vigie.workspace import quote_ident, table_exists
from vigie.workspace.store import column_names

log = logging.getLogger(__name__)

RECORDS = "memory.main.link_records"
_ID_STRIDE = 2**40  # rows per table in unique_id

# scan element -> record role; several columns may share a role (street + complement).
ROLE_OF_ELEMENT = {
    "identity.last_name": "last_name",
    "identity.birth_name": "birth_name",
    "identity.first_name": "first_names",
    "identity.birth_date": "birth_date",
    "identity.sex": "sex",
    "national_id.nir": "nir",
    "national_id.ins": "ins",
    "national_id.other": "other_id",
    "contact.address": "address",
    "contact.postcode": "postcode",
    "contact.city": "city",
    "contact.phone": "phone",
    "contact.email": "email",
    "care.exam": "exam",
}
_IDENTIFYING = ("last_name", "birth_name", "first_names", "birth_date", "nir", "other_id")
# Registries flag deceased patients; scan has no element for it, so the header tells.
_DECEASED_HEADER = re.compile(r"dec[eè]d|d[eé]c[eè]s|deceased|death|mort|dcd", re.IGNORECASE)
_DEATH_DATE_HEADER = re.compile(r"date|dt_|_dt", re.IGNORECASE)
_TRUE = ("O", "OUI", "Y", "YES", "1", "TRUE", "VRAI", "X", "D", "DCD", "DECEDE")


@dataclass
class SourceTable:
    """A table holding identity, with the columns that play each role."""

    name: str
    kind: str
    controller: str | None
    roles: dict[str, list[str]] = field(default_factory=dict)
    deceased: str | None = None
    death_date: str | None = None


def source_tables(con: duckdb.DuckDBPyConnection) -> list[SourceTable]:
    """Leak and registry tables with at least two identifying columns, per scan_columns."""
    if not table_exists(con, "scan_columns"):
        raise InputError("no scan results in this workspace: run `vigie scan WS` first")
    catalog = con.execute(
        "SELECT name, kind, controller, columns FROM _tables ORDER BY kind, name"
    ).fetchall()
    # A patient's number (IPP, scan/patient_number.py) is numbered per lab system: two
    # systems' 100001 are two people, so it is never compared as a personal id.
    own_number = (
        " AND recognizer IS DISTINCT FROM 'patient_number'"
        if "recognizer" in column_names(con, "scan_columns")
        else ""
    )
    found = con.execute(
        "SELECT table_name, column_name, element, confidence FROM scan_columns "
        f"WHERE element IS NOT NULL{own_number}"
    ).fetchall()
    by_table: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for table, column, element, confidence in found:
        by_table[table].append((column, element, confidence or 0.0))
    tables = []
    for name, kind, controller, columns_json in catalog:
        columns = json.loads(columns_json) if columns_json else []
        source = _source_table(name, kind, controller, columns, by_table.get(name, []))
        if sum(1 for r in _IDENTIFYING if r in source.roles) >= 2:
            tables.append(source)
    return tables


def _source_table(
    name: str,
    kind: str,
    controller: str | None,
    columns: list[str],
    found: list[tuple[str, str, float]],
) -> SourceTable:
    source = SourceTable(name=name, kind=kind, controller=controller)
    order = {c: i for i, c in enumerate(columns)}
    ranked: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for column, element, confidence in found:
        role = ROLE_OF_ELEMENT.get(element)
        if role and column in order:
            ranked[role].append((-confidence, order[column], column))
    for role, candidates in ranked.items():
        if role == "address":  # street lines, in the file's order
            source.roles[role] = [c for _, _, c in sorted(candidates, key=lambda t: t[1])]
        else:  # the most confident column plays the role
            source.roles[role] = [sorted(candidates)[0][2]]
    if "nir" not in source.roles and "ins" in source.roles:
        source.roles["nir"] = source.roles["ins"]
    if kind == "registry":
        for column in columns:
            if _DECEASED_HEADER.search(column):
                if _DEATH_DATE_HEADER.search(column):
                    source.death_date = source.death_date or column
                else:
                    source.deceased = source.deceased or column
    return source


def _col(source: SourceTable, role: str) -> str:
    cols = source.roles.get(role)
    return quote_ident(cols[0]) if cols else "NULL"


def _select(source: SourceTable, index: int) -> str:
    """One table's identity columns as text (standardised later, per distinct value).

    `unique_id` is a number (Splink's joins on it are a third faster than on text):
    the table's index in `sources` times 2^40 plus the row. People's review decisions
    name records by `record_key` (table:row), which does not depend on the run.
    """
    addr = source.roles.get("address", [])
    street = "NULL"
    if addr:
        first = f"CAST({quote_ident(addr[0])} AS VARCHAR)"
        street = first
        if len(addr) > 1:  # a house-number column goes with the street line after it
            number = f"regexp_full_match(trim({first}), '[0-9]+ ?[A-Za-z]?')"
            joined = f"concat_ws(' ', {first}, {quote_ident(addr[1])})"
            street = f"CASE WHEN {number} THEN {joined} ELSE {first} END"
    address = (
        "nullif(trim(concat_ws(', ', " + ", ".join(quote_ident(c) for c in addr) + ")), '')"
        if addr
        else "NULL"
    )
    deceased = "false"
    if source.deceased:
        flag = f"upper(strip_accents(trim(CAST({quote_ident(source.deceased)} AS VARCHAR))))"
        deceased = f"coalesce({flag} IN ({', '.join(repr(v) for v in _TRUE)}), false)"
    death = std.birth_date(quote_ident(source.death_date)) if source.death_date else "NULL"
    if source.death_date:
        deceased = f"({deceased} OR {death} IS NOT NULL)"
    controller = "NULL" if source.controller is None else _literal(source.controller)
    return f"""
        SELECT CAST({index} AS BIGINT) * {_ID_STRIDE} + CAST(_row AS BIGINT) AS unique_id,
            {_literal(source.name)} AS tbl, CAST(_row AS BIGINT) AS row_no,
            {_literal(source.kind)} AS kind, {controller} AS controller,
            {_text(_col(source, "last_name"))} AS last_txt,
            {_text(_col(source, "birth_name"))} AS birth_txt,
            {_text(_col(source, "first_names"))} AS given_txt,
            {_text(_col(source, "city"))} AS city_txt,
            {_text(_col(source, "birth_date"))} AS dob_txt,
            {std.sex(_col(source, "sex"))} AS sex_raw,
            {std.nir(_col(source, "nir"))} AS nir,
            nullif(regexp_replace(upper(CAST({_col(source, "other_id")} AS VARCHAR)),
                '[^A-Z0-9]', '', 'g'), '') AS other_id,
            {_text(street)} AS street_txt, {address} AS address,
            {_text(_col(source, "postcode"))} AS postcode_txt,
            nullif(trim(CAST({_col(source, "phone")} AS VARCHAR)), '') AS phone_raw,
            {std.email(_col(source, "email"))} AS email,
            {_text(_col(source, "exam"))} AS exam_txt,
            {deceased} AS deceased, {death} AS death_date
        FROM {quote_ident(source.name)}"""


# Standardised per distinct value (names, streets and dates repeat a lot): map name ->
# (function, text columns it reads, standardised columns it gives).
_MAPS = {
    "name": (std.name, ("last_txt", "birth_txt"), ("last_raw", "birth_raw")),
    "given": (std.given_names, ("given_txt",), ("given",)),
    "date": (std.birth_date, ("dob_txt", "exam_txt"), ("dob", "exam_date")),
    "street": (std.street, ("street_txt",), ("street",)),
    "postcode": (std.postcode, ("postcode_txt",), ("postcode",)),
    "city": (std.city, ("city_txt",), ("city",)),
}


def _standardised_sql(con: duckdb.DuckDBPyConnection) -> str:
    """The SELECT standardising _link_src: each map (a temp table `_link_map_<name>`,
    made here) computed once per distinct value and joined back."""
    joins, outputs = [], []
    for name, (function, sources, targets) in _MAPS.items():
        values = " UNION ".join(f"SELECT {c} AS v FROM _link_src" for c in sources)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _link_map_{name} AS "
            f"SELECT v, {function('v')} AS s FROM (SELECT DISTINCT v FROM ({values})) "
            "WHERE v IS NOT NULL"
        )
        for i, (source, target) in enumerate(zip(sources, targets, strict=True)):
            alias = f"m_{name}_{i}"
            joins.append(f"LEFT JOIN _link_map_{name} {alias} ON {alias}.v = x.{source}")
            outputs.append(f"{alias}.s AS {target}")
    return f"""
        SELECT x.unique_id, x.tbl, x.row_no, x.kind, x.controller,
            x.last_txt AS disp_last, x.birth_txt AS disp_birth, x.given_txt AS disp_given,
            x.city_txt AS disp_city, x.sex_raw, x.nir, x.other_id, x.address, x.phone_raw,
            x.email, x.deceased, x.death_date, {", ".join(outputs)}
        FROM _link_src x {" ".join(joins)}"""


def build_records(con: duckdb.DuckDBPyConnection, sources: list[SourceTable]) -> int:
    """Create `link_records` (in memory) from `sources`; returns its row count."""
    if not sources:
        raise InputError("no table with identity columns (names, birth date, NIR) to link")
    union = "\nUNION ALL\n".join(_select(s, i) for i, s in enumerate(sources))
    con.execute(f"CREATE OR REPLACE TEMP TABLE _link_src AS {union}")
    standardised = _standardised_sql(con)
    _add_phones(con)
    # one pass from the source rows to the records: no intermediate table of 2M rows
    con.execute(f"CREATE OR REPLACE TABLE {RECORDS} AS {_derived_sql(standardised)}")
    for table in ("_link_src", "_link_phones", *(f"_link_map_{name}" for name in _MAPS)):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return int(con.execute(f"SELECT count(*) FROM {RECORDS}").fetchall()[0][0])


def _add_phones(con: duckdb.DuckDBPyConnection) -> None:
    # phonenumbers is slow per call: standardise each distinct value once.
    # plain French numbers are done in SQL (coalesce in _derived_sql); the rest here
    values = con.execute(
        "SELECT DISTINCT phone_raw FROM _link_src WHERE phone_raw IS NOT NULL "
        f"AND {std.phone_plain_fr('phone_raw')} IS NULL"
    ).fetchall()
    raw = [v for (v,) in values]
    phones = pa.table(
        {
            "raw": pa.array(raw, pa.string()),
            "e164": pa.array(list(map(std.phone_e164, raw)), pa.string()),
        }
    )
    con.register("_link_phones_arrow", phones)
    con.execute("CREATE OR REPLACE TEMP TABLE _link_phones AS SELECT * FROM _link_phones_arrow")
    con.unregister("_link_phones_arrow")


def _derived_sql(standardised: str) -> str:
    # No ORDER BY: Splink 5 samples records by a hash of their id, not by their position,
    # and sorting 6 M wide records doubled this statement's time at 2,000,000 persons.
    valid = std.nir_valid("r.nir")
    return f"""
        SELECT r.unique_id, r.tbl, r.row_no, r.kind, r.controller,
            coalesce(r.last_raw, r.birth_raw) AS surname,
            coalesce(r.birth_raw, r.last_raw) AS birth_surname,
            replace(coalesce(r.last_raw, r.birth_raw), ' ', '') AS surname_key,
            replace(coalesce(r.birth_raw, r.last_raw), ' ', '') AS birth_surname_key,
            list_distinct(list_filter(string_split(coalesce(r.last_raw, '') || ' '
                || coalesce(r.birth_raw, ''), ' '), lambda x: length(x) > 1)) AS surname_tokens,
            coalesce(r.disp_last, r.disp_birth) AS disp_surname,
            CASE WHEN r.disp_birth IS NOT NULL AND r.disp_last IS NOT NULL
                AND r.birth_raw <> r.last_raw THEN r.disp_birth END AS disp_birth_name,
            r.disp_given, r.disp_city,
            r.given, {std.first_name("r.given")} AS first_name,
            CASE WHEN r.given IS NOT NULL THEN string_split(r.given, ' ') END AS given_tokens,
            r.dob, strftime(r.dob, '%Y-%m-%d') AS dob_s, strftime(r.dob, '%Y') AS dob_y,
            coalesce(r.sex_raw, {std.sex_from_nir("r.nir", valid, "r.dob")}) AS sex,
            r.nir, {valid} AS nir_valid, r.other_id,
            r.street, r.address, r.postcode, {std.departement("r.postcode")} AS departement,
            r.city, coalesce({std.phone_plain_fr("r.phone_raw")}, p.e164) AS phone,
            r.email, r.exam_date, r.deceased, r.death_date
        FROM ({standardised}) r LEFT JOIN _link_phones p ON p.raw = r.phone_raw"""


def record_key(alias: str) -> str:
    """SQL of a record's stable name, `table:row` (review decisions, evaluation)."""
    return f"{alias}.tbl || ':' || CAST({alias}.row_no AS VARCHAR)"


def _text(column: str) -> str:
    """The value as written (for letters and standardising), trimmed."""
    return f"nullif(trim(CAST({column} AS VARCHAR)), '')"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
