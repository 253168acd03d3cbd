"""Rows with no identity take their person through keys (result -> request -> patient)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from vigie.ingest import ingest_files
from vigie.link.pipeline import LinkOptions, run_link
from vigie.link.through_keys import extend_records
from vigie.registry import add_registry
from vigie.scan.stage import run_scan
from vigie.synth import generate
from vigie.workspace import Workspace


def _table(con: object, name: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    cols = ", ".join(f'"{c}" VARCHAR' for c in columns)
    con.execute(f'CREATE TABLE "{name}" ({cols}, _row BIGINT)')  # type: ignore[attr-defined]
    for i, row in enumerate(rows, start=1):
        marks = ", ".join("?" for _ in range(len(row) + 1))
        con.execute(f'INSERT INTO "{name}" VALUES ({marks})', [*row, i])  # type: ignore[attr-defined]


def test_chains_are_followed_and_orphans_reported(workspace: Workspace) -> None:
    with workspace.connect() as con:
        _table(con, "patients", ["IPP", "NOM"], [("101", "A"), ("102", "B")])
        # request 3 names a purged patient; request 4 names nobody
        _table(
            con,
            "demandes",
            ["ID", "IPP"],
            [("D1", "101"), ("D2", "102"), ("D3", "199"), ("D4", None)],
        )
        _table(
            con,
            "resultats",
            ["ID", "ID_DEMANDE"],
            [("1", "D1"), ("2", "D1"), ("3", "D2"), ("4", "D3"), ("5", "D9")],
        )
        _table(con, "labs", ["ID_LABO"], [("1",)])
        con.execute(
            "CREATE TABLE scan_keys (table_name VARCHAR, column_name VARCHAR, ref_table VARCHAR, "
            "ref_column VARCHAR)"
        )
        con.execute(
            "INSERT INTO scan_keys VALUES ('resultats', 'ID_DEMANDE', 'demandes', 'ID'), "
            "('demandes', 'IPP', 'patients', 'IPP')"
        )
        con.execute(
            'CREATE TABLE person_records (person_id VARCHAR, "table" VARCHAR, _row BIGINT, '
            "probability DOUBLE, via VARCHAR)"
        )
        con.execute(
            "INSERT INTO person_records VALUES ('PA', 'patients', 1, 0.99, NULL), "
            "('PB', 'patients', 2, 1.0, NULL)"
        )
        counts = extend_records(con)
        got = con.execute(
            'SELECT person_id, "table", _row, probability, via FROM person_records '
            'WHERE "table" <> \'patients\' ORDER BY "table", _row'
        ).fetchall()
        orphans = con.execute('SELECT "table", _row FROM record_orphans ORDER BY 1, 2').fetchall()
    hop = "demandes.IPP -> patients.IPP"
    via = f"resultats.ID_DEMANDE -> demandes.ID; {hop}"
    assert got == [
        ("PA", "demandes", 1, 0.99, hop),
        ("PB", "demandes", 2, 1.0, hop),
        ("PA", "resultats", 1, 0.99, via),
        ("PA", "resultats", 2, 0.99, via),
        ("PB", "resultats", 3, 1.0, via),
    ]
    assert orphans == [("demandes", 3), ("demandes", 4), ("resultats", 4), ("resultats", 5)]
    assert counts == {"reached": 5, "orphans": 4}


def test_rows_with_their_own_identity_keep_their_person(workspace: Workspace) -> None:
    with workspace.connect() as con:
        _table(con, "patients", ["IPP"], [("101",)])
        _table(con, "demandes", ["IPP"], [("101",), ("101",)])
        con.execute(
            "CREATE TABLE scan_keys AS SELECT 'demandes' AS table_name, 'IPP' AS column_name, "
            "'patients' AS ref_table, 'IPP' AS ref_column"
        )
        con.execute(
            'CREATE TABLE person_records (person_id VARCHAR, "table" VARCHAR, _row BIGINT, '
            "probability DOUBLE, via VARCHAR)"
        )
        con.execute(
            "INSERT INTO person_records VALUES ('PA', 'patients', 1, 1.0, NULL), "
            "('PZ', 'demandes', 2, 0.9, NULL)"
        )
        assert extend_records(con) == {"reached": 1, "orphans": 0}
        rows = con.execute(
            "SELECT person_id, _row FROM person_records WHERE \"table\" = 'demandes' ORDER BY 2"
        ).fetchall()
    assert rows == [("PA", 1), ("PZ", 2)]


def test_a_composite_key_joins_on_all_its_columns(workspace: Workspace) -> None:
    """Two sites number their patients alike: (site, IPP) names one patient, IPP alone two."""
    with workspace.connect() as con:
        _table(con, "patients", ["SITE", "IPP"], [("10", "1"), ("20", "1"), ("20", "2")])
        _table(
            con,
            "demandes",
            ["SITE", "IPP"],
            [("20", "1"), ("10", "1"), ("10", "2"), (None, "1")],
        )
        con.execute(
            "CREATE TABLE scan_keys (table_name VARCHAR, column_name VARCHAR, ref_table VARCHAR, "
            "ref_column VARCHAR, columns VARCHAR[], ref_columns VARCHAR[])"
        )
        con.execute(
            "INSERT INTO scan_keys VALUES ('demandes', 'SITE, IPP', 'patients', 'SITE, IPP', "
            "['SITE', 'IPP'], ['SITE', 'IPP'])"
        )
        con.execute(
            'CREATE TABLE person_records (person_id VARCHAR, "table" VARCHAR, _row BIGINT, '
            "probability DOUBLE, via VARCHAR)"
        )
        con.execute(
            "INSERT INTO person_records VALUES ('PA', 'patients', 1, 1.0, NULL), "
            "('PB', 'patients', 2, 1.0, NULL), ('PC', 'patients', 3, 1.0, NULL)"
        )
        counts = extend_records(con)
        got = con.execute(
            "SELECT _row, person_id, via FROM person_records WHERE \"table\" = 'demandes' "
            "ORDER BY 1"
        ).fetchall()
        orphans = con.execute("SELECT _row FROM record_orphans ORDER BY 1").fetchall()
    via = "demandes.(SITE, IPP) -> patients.(SITE, IPP)"
    assert got == [(1, "PB", via), (2, "PA", via)]
    assert orphans == [(3,), (4,)]  # (10, 2) is no patient; an empty site names nobody
    assert counts == {"reached": 2, "orphans": 2}


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path, dict]:
    root = tmp_path_factory.mktemp("through_keys")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(root / "keys"))
        mp.delenv("VIGIE_KEY", raising=False)
        out = root / "synth"
        generate(out, 600, 31, progress=False, shape="relational")
        ws = Workspace.create(root / "ws")
        ingest_files(ws, [out / "leak" / "sil_prod.sql"])
        with (out / "registries" / "controllers.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                add_registry(ws, row["controller"], out / "registries" / row["file"])
        run_scan(ws)
        period = (date(2018, 6, 1), date(2019, 2, 5))
        result = run_link(ws, LinkOptions(evaluate=out / "truth", period=period))
        with ws.connect() as con:
            result["exposed"] = dict(
                con.execute(
                    "SELECT element, count(DISTINCT person_id) FROM person_exposure GROUP BY 1"
                ).fetchall()
            )
            result["via_results"] = con.execute(
                "SELECT count(*) FROM person_records WHERE via LIKE 'sil_prod__resultats.%'"
            ).fetchall()[0][0]
            result["undated"] = con.execute(
                "SELECT count(*) FROM persons WHERE first_exam IS NULL"
            ).fetchall()[0][0]
            result["hiv_of_row"] = dict(
                con.execute(
                    "SELECT pr.\"table\" || ':' || pr._row, bool_or(e.element = 'health.hiv') "
                    "FROM person_records pr JOIN person_exposure e USING (person_id) "
                    "GROUP BY 1"
                ).fetchall()
            )
    return ws, out, result


def test_relational_leak_links_its_patients_and_reaches_the_rest(linked: tuple) -> None:
    _, out, result = linked
    with (out / "truth" / "leak_rows.csv").open(encoding="utf-8") as fh:
        truth = [r for r in csv.DictReader(fh) if r["file"] == "sil_prod.sql"]
    people = {r["person_id"] for r in truth}
    assert abs(result["persons"] - len(people)) <= 0.01 * len(people)
    children = [r for r in truth if r["table"] != "patients"]
    assert result["records_through_keys"] + result["orphans"] == len(children)
    assert result["orphans"] >= sum(r["orphan"] == "True" for r in children) > 0
    assert result["evaluation"]["pairwise_leak"]["precision"] >= 0.999
    assert result["evaluation"]["pairwise_leak"]["recall"] >= 0.99
    assert result["evaluation"]["cluster"]["f1"] >= 0.99  # orphans are no person


def test_request_elements_join_their_persons_exposure(linked: tuple) -> None:
    """The sampling date and prescriber live in `demandes` only: persons get them now."""
    _, _, result = linked
    assert result["exposed"]["care.exam"] >= 0.99 * result["persons"]
    assert result["via_results"] > 2 * result["persons"]


def test_an_hiv_test_in_results_reaches_its_person(linked: tuple) -> None:
    """A person whose HIV serology sits in `resultats` only is exposed to health.hiv."""
    _, out, result = linked
    with (out / "truth" / "leak_rows.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["file"] == "sil_prod.sql"]
    hiv_tables: dict[str, set[str]] = {}
    first_row: dict[str, str] = {}
    for r in rows:
        if "health.hiv" in r["elements"]:
            hiv_tables.setdefault(r["person_id"], set()).add(r["table"])
        if r["table"] == "patients":
            first_row.setdefault(r["person_id"], f"sil_prod__patients:{r['row']}")
    only_results = [p for p, t in hiv_tables.items() if t == {"resultats"} and p in first_row]
    assert only_results  # the synth draws HIV screenings with no note
    found = [p for p in only_results if result["hiv_of_row"].get(first_row[p])]
    assert len(found) >= 0.95 * len(only_results)


def test_requests_date_the_persons_exams(linked: tuple) -> None:
    """Patients rows hold no date: first/last exam and --period come from the requests."""
    _, out, result = linked
    with (out / "leak" / "csv" / "demandes.csv").open(encoding="cp1252", newline="") as fh:
        when = [r["DATE_PRELEV"][:10] for r in csv.DictReader(fh, delimiter=";")]
    with (out / "truth" / "leak_rows.csv").open(encoding="utf-8") as fh:
        in_period = {
            r["person_id"]
            for r in csv.DictReader(fh)
            if r["file"] == "csv/demandes.csv"
            and "2018-06-01" <= when[int(r["row"]) - 1] <= "2019-02-05"
        }
    assert result["undated"] <= 0.01 * result["persons"]
    assert abs(result["period"]["persons"] - len(in_period)) <= 0.01 * len(in_period)
