"""Key discovery: declared keys, inclusion dependencies, the guards against chance, --set."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from vigie.cli.scan_verbs import key_tree
from vigie.errors import ConfigError
from vigie.ingest import catalog
from vigie.scan import key_settings
from vigie.scan.key_names import related
from vigie.scan.keys import discover
from vigie.scan.relation import Relation
from vigie.workspace import Workspace, quote_ident

Columns = dict[str, list[Any]]


def _leak(con: duckdb.DuckDBPyConnection, name: str, columns: Columns, digest: str = "d1") -> None:
    """A leak table as ingest stores it: VARCHAR columns, lineage, a catalog row."""
    catalog.ensure(con)
    ddl = ", ".join(f"{quote_ident(c)} VARCHAR" for c in columns)
    con.execute(f"CREATE TABLE {quote_ident(name)} ({ddl}, _source VARCHAR, _row BIGINT)")
    rows = list(zip(*columns.values(), strict=True))
    for i, row in enumerate(rows, start=1):
        values = [None if v is None else str(v) for v in row]
        marks = ", ".join("?" for _ in range(len(values) + 2))
        con.execute(f"INSERT INTO {quote_ident(name)} VALUES ({marks})", [*values, digest, i])
    catalog.add_table(con, name, digest, name, "leak", None, len(rows), list(columns))


def _found(workspace: Workspace, tables: dict[str, Columns], **kw: Any) -> set[tuple[str, ...]]:
    with workspace.connect() as con:
        for name, columns in tables.items():
            _leak(con, name, columns)
        elements = {(t, c): None for t, cols in tables.items() for c in cols}
        elements.update(kw.get("elements", {}))
        relations = discover(con, elements, kw.get("settings", {}))
    return {(r.table, r.column, r.ref_table, r.ref_column) for r in relations}


N = 300


def _patients(first: int = 100_001) -> Columns:
    return {"IPP": list(range(first, first + N)), "NOM": ["X"] * N}


def test_named_reference_to_a_dense_key_is_found(workspace: Workspace) -> None:
    demandes = {
        "ID": [10_000_000 + 7 * i for i in range(900)],
        "IPP": [100_001 + i % N for i in range(900)],
    }
    found = _found(workspace, {"patients": _patients(), "demandes": demandes})
    assert found == {("demandes", "IPP", "patients", "IPP")}


@pytest.mark.parametrize(
    ("child", "key", "table"),
    [
        ("patient_id", "id", "patients"),
        ("NUM_DEMANDE", "ID", "demandes"),
        ("ID_LABO", "id", "laboratoires"),
        ("IPP_MERE", "IPP", "patients"),
        ("PatientIPP", "IPP", "dossiers"),
        ("ID_PATIENT", "IPP", "patients"),
        ("IPP", "ID", "patients"),
    ],
)
def test_names_that_relate(child: str, key: str, table: str) -> None:
    assert related(child, key, table)


@pytest.mark.parametrize(
    ("child", "key", "table"),
    [
        ("id", "id", "patients"),  # nothing distinctive on either side
        ("ID_DEMANDE", "IPP", "patients"),
        ("ID_LABO", "ID_RESULTAT", "resultats"),
        ("CP", "ID_EXAMEN", "dossiers_patients"),
        ("quantite", "id", "analyses"),
    ],
)
def test_names_that_do_not_relate(child: str, key: str, table: str) -> None:
    assert not related(child, key, table)


def test_small_integers_inside_a_dense_key_need_a_name(workspace: Workspace) -> None:
    """1..28 sits inside any key 1..N: without a name relation it is no reference."""
    results = {"ID_RESULTAT": list(range(1, 2001)), "QUANTITE": [1 + i % 28 for i in range(2000)]}
    labs = {"ID_LABO": list(range(1, 29)), "NOM": ["L"] * 28}
    requests = {
        "NUM": [f"D{i:06d}" for i in range(500)],
        "ID_LABO": [1 + i % 28 for i in range(500)],
    }
    found = _found(workspace, {"resultats": results, "laboratoires": labs, "demandes": requests})
    assert found == {("demandes", "ID_LABO", "laboratoires", "ID_LABO")}


def test_same_sized_sequences_are_no_reference(workspace: Workspace) -> None:
    """Two tables numbered 1..N (a few rows purged in one): similar N, unrelated names."""
    a = {"id": [i for i in range(1, 1001) if i % 97], "x": ["a"] * 990}
    b = {"numero": list(range(1, 1001)), "y": ["b"] * 1000}
    assert _found(workspace, {"a": a, "b": b}) == set()


def test_sparse_codes_are_found_without_a_name(workspace: Workspace) -> None:
    labs = {"FINESS": ["350010005", "220017313", "560024622"], "NOM": ["a", "b", "c"]}
    rows = {"SITE": ["350010005", "220017313", "560024622", "350010005"], "Z": ["1"] * 4}
    found = _found(workspace, {"labs": labs, "exams": rows})
    assert found == {("exams", "SITE", "labs", "FINESS")}


def test_orphans_are_tolerated_up_to_five_percent(workspace: Workspace) -> None:
    def requests(orphans: int) -> Columns:
        ipp = [100_001 + i % (N - 10) for i in range(600)]
        ipp[:orphans] = [900_000 + i for i in range(orphans)]
        return {"NUM": [f"R{i}" for i in range(600)], "IPP": ipp}

    assert _found(workspace, {"patients": _patients(), "demandes": requests(10)}) == {
        ("demandes", "IPP", "patients", "IPP")
    }


def test_too_many_orphans_is_no_reference(workspace: Workspace) -> None:
    ipp = [100_001 + i % N for i in range(600)] + [900_000 + i for i in range(40)]
    found = _found(
        workspace, {"patients": _patients(), "demandes": {"NUM": list(range(640)), "IPP": ipp}}
    )
    assert found == set()


def test_personal_columns_are_never_keys(workspace: Workspace) -> None:
    """A postcode column inside a dense key and named like it is still a postcode."""
    tables = {
        "dossiers": {"CP": list(range(35000, 35300)), "NOM": ["x"] * N},
        "cp": {"CP": [35000 + i % 300 for i in range(400)]},
    }
    found = _found(
        workspace,
        tables,
        elements={("dossiers", "CP"): "contact.postcode", ("cp", "CP"): "contact.postcode"},
    )
    assert found == set()


def test_mutual_inclusion_keeps_one_direction(workspace: Workspace) -> None:
    details = {"IPP": list(range(100_001, 100_001 + N)), "ALLERGIES": ["-"] * N}
    found = _found(workspace, {"patients": _patients(), "patients_details": details})
    assert len(found) == 1


def test_set_adds_and_removes_relations(workspace: Workspace) -> None:
    labs = {"ID_LABO": list(range(1, 29))}
    requests = {
        "NUM": [f"D{i}" for i in range(100)],
        "LABO_CODE": [1 + i % 28 for i in range(100)],
        "IPP": [100_001 + i for i in range(100)],
    }
    settings = {
        ("demandes", "LABO_CODE"): ("laboratoires", "ID_LABO"),
        ("demandes", "IPP"): None,
    }
    found = _found(
        workspace,
        {"laboratoires": labs, "demandes": requests, "patients": _patients()},
        settings=settings,
    )
    assert found == {("demandes", "LABO_CODE", "laboratoires", "ID_LABO")}


def test_key_settings_parse_and_check(workspace: Workspace) -> None:
    parsed = key_settings.parse(("a.x=ref:b.id", "a.y=ref:none", "a.z=contact.phone"))
    assert parsed == {"a.x": "b.id", "a.y": None}
    with pytest.raises(ConfigError, match=r"expected ref:TABLE\.COLUMN"):
        key_settings.parse(("a.x=ref:b",))
    with workspace.connect() as con:
        _leak(con, "a", {"x": [1]})
        key_settings.ensure(con)
        with pytest.raises(ConfigError, match=r"b\.id: no such leak table"):
            key_settings.apply(con, {"a.x": "b.id"}, {"a"})


def test_key_tree_draws_parents_first() -> None:
    def rel(t: str, c: str, rt: str, rc: str, values: int) -> dict[str, Any]:
        return Relation(t, c, rt, rc, 0.998, True, "declared", values, 2).as_dict()

    lines = key_tree(
        [
            rel("demandes", "ID_LABO", "laboratoires", "ID_LABO", 28),
            rel("demandes", "IPP", "patients", "IPP", 2000),
            rel("resultats", "ID_DEMANDE", "demandes", "ID_DEMANDE", 3000),
        ]
    )
    assert lines[0] == "patients"
    assert lines[1].startswith("└─ demandes.IPP -> IPP  (declared; 99.8% of its values found")
    assert lines[2].startswith("   └─ resultats.ID_DEMANDE -> ID_DEMANDE")
    assert lines[3] == "laboratoires"
    assert lines[4].endswith("[its relations above]")
