"""Declared keys in SQL dumps: real fixtures against the database's own catalog, snippets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vigie.ingest import ingest_files
from vigie.ingest.readers.base import DeclaredKey, SourceTable
from vigie.ingest.readers.mysql_dump import read_mysql_dump
from vigie.ingest.readers.pg_dump import read_pg_dump
from vigie.ingest.readers.sql_keys import alter_table_keys, create_table_keys
from vigie.workspace import Workspace

DUMPS = Path(__file__).parent.parent / "fixtures" / "dumps"
EXPECTED = json.loads((DUMPS / "expected_keys.json").read_text(encoding="utf-8"))
READERS = {"mysql_keys.sql": read_mysql_dump, "pg_keys.sql": read_pg_dump}


def _drained(tables: list[SourceTable] | Any) -> list[SourceTable]:
    out = []
    for table in tables:
        for _ in table.rows:
            pass
        out.append(table)
    return out


def _as_json(key: DeclaredKey) -> dict[str, Any]:
    return {
        "kind": key.kind,
        "columns": list(key.columns),
        "ref_table": key.ref_table,
        "ref_columns": list(key.ref_columns),
    }


def _sorted(keys: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(k, sort_keys=True) for k in keys)


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_fixture_keys_match_the_database_catalog(fixture: str) -> None:
    tables = _drained(READERS[fixture](DUMPS / fixture, lambda n: None))
    got = {t.name: _sorted([_as_json(k) for k in t.keys]) for t in tables}
    assert got == {name: _sorted(keys) for name, keys in EXPECTED[fixture].items()}


@pytest.mark.parametrize(
    "fixture", ["mysql_default.sql", "mysql_compact.sql", "pg_copy.sql", "pg_inserts.sql"]
)
def test_older_fixtures_declare_their_primary_keys(fixture: str) -> None:
    reader = read_pg_dump if fixture.startswith("pg_") else read_mysql_dump
    tables = _drained(reader(DUMPS / fixture, lambda n: None))
    primaries = {t.name: [k.columns for k in t.keys if k.kind == "primary"] for t in tables}
    assert all(cols == [("id",)] for name, cols in primaries.items() if name != "vide")
    assert primaries["vide"] == []


def _create(body: str) -> list[DeclaredKey]:
    return create_table_keys(body + ")", 0)


CREATE_CASES = [
    ("`id` int(11) NOT NULL, PRIMARY KEY (`id`)", [DeclaredKey("primary", ("id",))]),
    ("id int PRIMARY KEY, nom text", [DeclaredKey("primary", ("id",))]),
    (
        "patient_id int REFERENCES public.patients(id) ON DELETE CASCADE",
        [DeclaredKey("foreign", ("patient_id",), "patients", "public", ("id",))],
    ),
    ("x int REFERENCES t", [DeclaredKey("foreign", ("x",), "t", "", ())]),
    (
        "a int, b int, CONSTRAINT `fk` FOREIGN KEY (`a`, `b`) REFERENCES `db`.`t` (`x`, `y`)",
        [DeclaredKey("foreign", ("a", "b"), "t", "db", ("x", "y"), "fk")],
    ),
    (
        "nom varchar(10), UNIQUE KEY `u_nom` (`nom`(5))",
        [DeclaredKey("unique", ("nom",), name="u_nom")],
    ),
    ("`code` char(3) UNIQUE", [DeclaredKey("unique", ("code",))]),
    # Near misses: a plain index, a comment, a column whose name starts like a keyword.
    ("`ipp` int, KEY `idx_ipp` (`ipp`), INDEX (ipp)", []),
    ("`x` int COMMENT 'primary key of the mother, references patients(id)'", []),
    ("unique_code varchar(10), primary_doctor text, key_id int", []),
    ("a int, CHECK (a > 0), CONSTRAINT c CHECK (a < 9)", []),
]


@pytest.mark.parametrize(("body", "keys"), CREATE_CASES)
def test_create_table_keys(body: str, keys: list[DeclaredKey]) -> None:
    assert _create(body) == keys


def test_alter_table_keys_phpmyadmin_and_pg_dump() -> None:
    table, keys = alter_table_keys(
        "ALTER TABLE `demandes`\n  ADD PRIMARY KEY (`id`),\n  ADD KEY `ipp` (`ipp`),\n"
        "  ADD CONSTRAINT `fk` FOREIGN KEY (`ipp`) REFERENCES `patients` (`ipp`)"
    ) or ("", [])
    assert table == "`demandes`"
    assert keys == [
        DeclaredKey("primary", ("id",)),
        DeclaredKey("foreign", ("ipp",), "patients", "", ("ipp",), "fk"),
    ]
    found = alter_table_keys(
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (id)"
    )
    assert found == ("public.t", [DeclaredKey("primary", ("id",), name="t_pkey")])
    assert alter_table_keys("ALTER TABLE `t` DISABLE KEYS") == ("`t`", [])
    assert alter_table_keys("ALTER TABLE public.t OWNER TO postgres") == ("public.t", [])
    assert alter_table_keys("ALTER SEQUENCE s OWNED BY t.id") is None


def test_mysql_reader_takes_keys_added_by_alter_table(tmp_path: Path) -> None:
    path = tmp_path / "phpmyadmin.sql"
    path.write_text(
        "-- phpMyAdmin SQL Dump\nCREATE TABLE `p` (`id` int(11) NOT NULL);\n"
        "INSERT INTO `p` (`id`) VALUES (1),(2);\n"
        "CREATE TABLE `d` (`id` int(11) NOT NULL, `p_id` int(11) NOT NULL);\n"
        "INSERT INTO `d` (`id`, `p_id`) VALUES (1, 2);\n"
        "ALTER TABLE `p`\n  ADD PRIMARY KEY (`id`);\n"
        "ALTER TABLE `d`\n  ADD PRIMARY KEY (`id`),\n  ADD KEY `p_id` (`p_id`);\n"
        "ALTER TABLE `d`\n  ADD CONSTRAINT `d_ibfk_1` FOREIGN KEY (`p_id`)"
        " REFERENCES `p` (`id`);\n",
        encoding="utf-8",
    )
    tables = {t.name: t for t in _drained(read_mysql_dump(path, lambda n: None))}
    assert tables["p"].keys == [DeclaredKey("primary", ("id",))]
    assert tables["d"].keys == [
        DeclaredKey("primary", ("id",)),
        DeclaredKey("foreign", ("p_id",), "p", "", ("id",), "d_ibfk_1"),
    ]


def _keys_table(ws: Workspace) -> list[tuple[Any, ...]]:
    """(table, kind, columns, ref_table, ref_columns, ref_source), JSON decoded."""
    with ws.connect() as con:
        rows = con.execute(
            "SELECT name, kind, columns, ref_table, ref_columns, ref_source FROM _keys "
            "ORDER BY name, kind, CAST(columns AS VARCHAR)"
        ).fetchall()
    return [(r[0], r[1], json.loads(r[2]), r[3], r[4] and json.loads(r[4]), r[5]) for r in rows]


def test_ingest_stores_keys_in_store_names(workspace: Workspace) -> None:
    report = ingest_files(workspace, [DUMPS / "pg_keys.sql"]).as_dict()["files"][0]
    by_table = {t["name"]: t.get("keys", []) for t in report["tables"]}
    assert {"kind": "foreign", "columns": ["ipp"], "ref_table": "pg_keys__patients",
            "ref_columns": ["ipp"]} in by_table["pg_keys__demandes"]  # fmt: skip
    rows = _keys_table(workspace)
    composite = [r for r in rows if r[0] == "pg_keys__resultats" and len(r[2]) == 2]
    assert composite == [
        ("pg_keys__resultats", "foreign", ["code", "version"], "pg_keys__analyses",
         ["code", "version"], "ref.analyses"),
    ]  # fmt: skip
    # Ingesting the same bytes again is skipped, and says the same keys.
    again = ingest_files(workspace, [DUMPS / "pg_keys.sql"]).as_dict()["files"][0]
    assert again["skipped"] and again["tables"] == report["tables"]
    assert _keys_table(workspace) == rows


def test_foreign_key_to_a_table_not_in_the_file(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "part.sql"
    path.write_text(
        "-- MySQL dump 10.13\nCREATE TABLE `d` (`id` int, `p_id` int, `x` int,\n"
        "  PRIMARY KEY (`id`),\n  CONSTRAINT `f` FOREIGN KEY (`p_id`) REFERENCES `p` (`id`),\n"
        "  CONSTRAINT `g` FOREIGN KEY (`nope`) REFERENCES `d` (`id`));\n"
        "INSERT INTO `d` VALUES (1,1,1);\n",
        encoding="utf-8",
    )
    ingest_files(workspace, [path])
    assert _keys_table(workspace) == [
        ("part", "foreign", ["p_id"], None, None, "p"),
        ("part", "primary", ["id"], None, None, ""),
    ]
