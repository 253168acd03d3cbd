"""The patient's number (IPP): national_id.other only where it is the key of a table of
persons that other tables reference or whose name says so; every other id column stays
unclassified, and link never compares it."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from vigie.ingest import catalog
from vigie.link.records import source_tables
from vigie.scan import patient_number
from vigie.scan.profile import ColumnProfile
from vigie.scan.relation import Relation
from vigie.scan.stage import run_scan
from vigie.workspace import Workspace, quote_ident

N = 50
IDENTITY = {"NOM": "identity.last_name", "PRENOM": "identity.first_name"}


def _table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list[Any]]) -> None:
    catalog.ensure(con)
    ddl = ", ".join(f"{quote_ident(c)} VARCHAR" for c in columns)
    con.execute(f"CREATE TABLE {quote_ident(name)} ({ddl}, _source VARCHAR, _row BIGINT)")
    for i, row in enumerate(zip(*columns.values(), strict=True), start=1):
        marks = ", ".join("?" for _ in range(len(row) + 2))
        values = [None if v is None else str(v) for v in row]
        con.execute(f"INSERT INTO {quote_ident(name)} VALUES ({marks})", [*values, "d", i])
    catalog.add_table(con, name, "d", name, "leak", None, N, list(columns))


def _profile(table: str, column: str, element: str | None = None) -> ColumnProfile:
    return ColumnProfile(table, column, element, None, 0.5, "test", N, 0, 0, N)


def _marked(
    workspace: Workspace,
    tables: dict[str, dict[str, list[Any]]],
    refs: tuple[tuple[str, str, str, str], ...] = (),
    overridden: frozenset[tuple[str, str]] = frozenset(),
) -> set[tuple[str, str]]:
    profiles = []
    for name, columns in tables.items():
        for column in columns:
            source = "override" if (name, column) in overridden else "detected"
            profiles.append((_profile(name, column, IDENTITY.get(column)), source))
    relations = [Relation(t, c, rt, rc, 1.0, False, "inclusion", N, 0) for t, c, rt, rc in refs]
    with workspace.connect() as con:
        for name, columns in tables.items():
            _table(con, name, columns)
        marked = patient_number.mark(con, profiles, relations)
    found = set()
    for profile, _ in marked:
        if profile.recognizer == patient_number.RECOGNIZER:
            assert profile.element == "national_id.other"
            assert profile.example is not None and set(profile.example) == {"*"}  # masked
            found.add((profile.table, profile.column))
    return found


def _persons(key: str, values: list[Any] | None = None) -> dict[str, list[Any]]:
    return {
        key: values if values is not None else list(range(100_001, 100_001 + N)),
        "NOM": [f"N{i}" for i in range(N)],
        "PRENOM": [f"P{i}" for i in range(N)],
    }


@pytest.mark.parametrize(
    "name",
    ["IPP", "ipp", "NUM_PATIENT", "patient_id", "ID_PATIENT", "NIP", "patient_number",
     "NO_PATIENT", "Numéro patient", "IPP_PATIENT"],
)  # fmt: skip
def test_names_of_a_patient_number(name: str) -> None:
    assert patient_number.named_as_patient_number(name)


@pytest.mark.parametrize(
    "name",
    ["ID", "ID_DEMANDE", "NUM_DOSSIER", "IPP_MERE", "ID_PATIENT_EXTERNE", "CODE_LABO",
     "NUM_SEJOUR", "patient_name", "row_id"],
)  # fmt: skip
def test_names_that_are_not_a_patient_number(name: str) -> None:
    assert not patient_number.named_as_patient_number(name)


def test_the_referenced_key_of_the_patients_table_is_their_number(workspace: Workspace) -> None:
    requests = {"ID_DEMANDE": list(range(1, N + 1)), "IPP": list(range(100_001, 100_001 + N))}
    found = _marked(
        workspace,
        {"patients": _persons("CLE"), "demandes": requests},
        (("demandes", "IPP", "patients", "CLE"),),
    )
    assert found == {("patients", "CLE")}  # not the requests' number, nor their IPP column


def test_a_named_key_needs_no_reference(workspace: Workspace) -> None:
    assert _marked(workspace, {"patients": _persons("NUM_PATIENT")}) == {
        ("patients", "NUM_PATIENT")
    }


def test_an_unreferenced_row_number_is_not_a_patient_number(workspace: Workspace) -> None:
    assert _marked(workspace, {"patients": _persons("ID")}) == set()


@pytest.mark.parametrize(
    "values",
    [
        [100_001 + i // 2 for i in range(N)],  # an exam table: the IPP repeats
        [None, *range(100_002, 100_001 + N)],  # a row without one
    ],
)
def test_a_column_that_is_not_the_tables_key_is_not_reported(
    workspace: Workspace, values: list[Any]
) -> None:
    assert _marked(workspace, {"examens": _persons("IPP", values)}) == set()


def test_a_referenced_key_of_a_table_of_labs_is_not_personal(workspace: Workspace) -> None:
    labs = {"ID_LABO": list(range(1, N + 1)), "NOM_LABO": [f"L{i}" for i in range(N)]}
    requests = {"ID_LABO": [1 + i % 5 for i in range(N)], "IPP": list(range(N))}
    found = _marked(
        workspace,
        {"laboratoires": labs, "demandes": requests},
        (("demandes", "ID_LABO", "laboratoires", "ID_LABO"),),
    )
    assert found == set()


def test_a_column_a_person_set_is_left_alone(workspace: Workspace) -> None:
    found = _marked(
        workspace, {"patients": _persons("IPP")}, overridden=frozenset({("patients", "IPP")})
    )
    assert found == set()


def test_scan_reports_the_ipp_and_link_does_not_compare_it(workspace: Workspace) -> None:
    """End to end on stored tables: the element, each patients row exposes it, and link's
    records take the names but not the IPP as a personal id."""
    with workspace.connect() as con:
        _table(
            con,
            "patients",
            {
                "IPP": list(range(100_001, 100_001 + N)),
                "NOM": ["MARTIN", "DURAND", "BERNARD", "PETIT", "ROBERT"] * (N // 5),
                "PRENOM": ["Marie", "Jean", "Pierre", "Sophie", "Luc"] * (N // 5),
                "DATE_NAISSANCE": [f"19{50 + i}-0{1 + i % 9}-1{i % 10}" for i in range(N)],
            },
        )
    run_scan(workspace)
    with workspace.connect() as con:
        column = con.execute(
            "SELECT element, recognizer FROM scan_columns WHERE column_name = 'IPP'"
        ).fetchall()
        exposed = con.execute(
            "SELECT count(*) FROM scan_exposure WHERE element = 'national_id.other'"
        ).fetchall()[0][0]
        (source,) = source_tables(con)
    assert column == [("national_id.other", "patient_number")]
    assert exposed == N
    assert "other_id" not in source.roles and "last_name" in source.roles
