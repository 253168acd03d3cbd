"""Composite keys a dump declares: kept as one relation on all their columns (scan_keys
`columns` / `ref_columns`), their coverage counted on tuples, shown in the tree, removed by
`--set` on any of their columns; the real MariaDB and PostgreSQL fixtures hold one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vigie.cli.scan_verbs import key_tree
from vigie.ingest import catalog, ingest_files
from vigie.scan.keys import discover
from vigie.scan.stage import run_scan
from vigie.workspace import Workspace, quote_ident

DUMPS = Path(__file__).parent.parent / "fixtures" / "dumps"


def _leak(con: Any, name: str, columns: dict[str, list[Any]]) -> None:
    catalog.ensure(con)
    ddl = ", ".join(f"{quote_ident(c)} VARCHAR" for c in columns)
    con.execute(f"CREATE TABLE {quote_ident(name)} ({ddl}, _source VARCHAR, _row BIGINT)")
    for i, row in enumerate(zip(*columns.values(), strict=True), start=1):
        marks = ", ".join("?" for _ in range(len(row) + 2))
        con.execute(f"INSERT INTO {quote_ident(name)} VALUES ({marks})", [*map(str, row), "d", i])
    rows = len(next(iter(columns.values())))
    catalog.add_table(con, name, "d", name, "leak", None, rows, list(columns))


def _sites(con: Any) -> None:
    """Two sites numbering their patients alike; requests name (site, IPP)."""
    _leak(con, "patients", {"SITE": [10, 10, 10, 20, 20, 20], "IPP": [1, 2, 3, 1, 2, 3]})
    _leak(
        con,
        "demandes",
        {"ID": [1, 2, 3, 4, 5], "SITE": [10, 20, 20, 10, 20], "IPP": [1, 1, 2, 3, 9]},
    )
    con.execute(
        "INSERT INTO _keys VALUES ('patients', 'd', 'primary', '[\"SITE\", \"IPP\"]', NULL, "
        "NULL, NULL, NULL), ('demandes', 'd', 'foreign', '[\"SITE\", \"IPP\"]', 'patients', "
        "'[\"SITE\", \"IPP\"]', 'fk_patient', NULL)"
    )


ELEMENTS: dict[tuple[str, str], str | None] = {
    ("patients", "SITE"): None, ("patients", "IPP"): None, ("demandes", "ID"): None,
    ("demandes", "SITE"): None, ("demandes", "IPP"): None,
}  # fmt: skip


def test_a_declared_composite_key_is_one_relation(workspace: Workspace) -> None:
    with workspace.connect() as con:
        _sites(con)
        (relation,) = discover(con, ELEMENTS, {})
    assert relation.pairs == [("SITE", "SITE"), ("IPP", "IPP")]
    assert (relation.table, relation.ref_table, relation.source) == (
        "demandes",
        "patients",
        "declared",
    )
    # (20, 9) names no patient: 4 of 5 tuples found, though 9 alone is no IPP and 1..3 are
    assert (relation.values, relation.orphans) == (5, 1)
    doc = relation.as_dict()
    assert doc["columns"] == ["SITE", "IPP"] and doc["ref_columns"] == ["SITE", "IPP"]


def test_set_on_one_of_its_columns_removes_it(workspace: Workspace) -> None:
    with workspace.connect() as con:
        _sites(con)
        assert discover(con, ELEMENTS, {("demandes", "IPP"): None}) == []


def test_the_tree_shows_the_columns_together() -> None:
    key = {
        "table": "resultats", "column": "code, version", "ref_table": "analyses",
        "ref_column": "code, version", "columns": ["code", "version"],
        "ref_columns": ["code", "version"], "source": "declared", "coverage": 1.0,
        "orphans": 0, "values": 3,
    }  # fmt: skip
    assert key_tree([key]) == [
        "analyses",
        "└─ resultats.(code, version) -> (code, version)  (declared; 100.0% of its values found)",
    ]


@pytest.mark.parametrize("dump", ["mysql_keys.sql", "pg_keys.sql"])
def test_real_dumps_composite_reference_is_kept(workspace: Workspace, dump: str) -> None:
    """MariaDB and PostgreSQL declare resultats (code, version) -> analyses (code, version)."""
    ingest_files(workspace, [DUMPS / dump])
    report = run_scan(workspace)
    composite = [k for k in report.keys if len(k["columns"]) == 2]
    assert len(composite) == 1, report.keys
    (key,) = composite
    assert key["table"].endswith("resultats") and key["ref_table"].endswith("analyses")
    assert key["columns"] == key["ref_columns"] == ["code", "version"]
    assert (key["source"], key["coverage"], key["orphans"]) == ("declared", 1.0, 0)
    with workspace.connect() as con:
        stored = con.execute(
            "SELECT columns, ref_columns FROM scan_keys WHERE len(columns) = 2"
        ).fetchall()
    assert stored == [(["code", "version"], ["code", "version"])]
    # its columns are taken by the declaration: no single-column relation of code or version
    assert not [k for k in report.keys if k["column"] in ("code", "version")]
