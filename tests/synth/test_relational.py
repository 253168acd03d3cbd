"""`--shape relational`: a LIS dump and its CSV export, keys consistent, truth per row."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from vigie.errors import InputError
from vigie.synth import generate

from ._util import read_csv, sql_tuples

TABLES = ("demandes", "laboratoires", "patients", "resultats")
PEOPLE = ("patients", "demandes", "resultats")


def _sql(root: Path) -> dict[str, list[list[str | None]]]:
    text = (root / "leak" / "sil_prod.sql").read_text(encoding="utf-8")
    return {t: sql_tuples(text, t) for t in TABLES}


def _csv(root: Path, table: str) -> list[list[str]]:
    raw = (root / "leak" / "csv" / f"{table}.csv").read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(raw, newline=""), delimiter=";"))


def _columns(root: Path, file: str, table: str) -> list[str]:
    rows = read_csv(root / "truth" / "columns.csv")
    return [r["column"] for r in rows if r["file"] == file and r["table"] == table]


def test_leak_is_a_dump_and_its_csv_export(relational: Path) -> None:
    leak = relational / "leak"
    assert sorted(p.name for p in leak.iterdir()) == ["csv", "sil_prod.sql"]
    assert sorted(p.name for p in (leak / "csv").iterdir()) == [f"{t}.csv" for t in TABLES]
    sql = _sql(relational)
    counts = Counter(
        (r["file"], r["table"]) for r in read_csv(relational / "truth" / "leak_rows.csv")
    )
    for table in PEOPLE:
        rows = _csv(relational, table)
        assert rows[0] == _columns(relational, f"csv/{table}.csv", table)
        assert len(rows) - 1 == len(sql[table]) == counts[("sil_prod.sql", table)] > 0
        assert counts[(f"csv/{table}.csv", table)] == len(sql[table])
        # The same values in both forms (NULL is an empty field in the CSV).
        assert [[v or "" for v in row] for row in sql[table]] == rows[1:]
    assert len(sql["laboratoires"]) == 28
    # ~3.6 results per request, as a LIS holds them.
    assert 3.0 < len(sql["resultats"]) / len(sql["demandes"]) < 4.5


def test_sql_declares_keys_and_csv_declares_none(relational: Path) -> None:
    text = (relational / "leak" / "sil_prod.sql").read_text(encoding="utf-8")
    for needle in (
        "  PRIMARY KEY (`IPP`)",
        "  PRIMARY KEY (`ID_DEMANDE`)",
        "  PRIMARY KEY (`ID_RESULTAT`)",
        "FOREIGN KEY (`IPP`) REFERENCES `patients` (`IPP`)",
        "FOREIGN KEY (`ID_DEMANDE`) REFERENCES `demandes` (`ID_DEMANDE`)",
        "FOREIGN KEY (`ID_LABO`) REFERENCES `laboratoires` (`ID_LABO`)",
    ):
        assert needle in text, needle
    keys = read_csv(relational / "truth" / "keys.csv")
    foreign = [k for k in keys if k["kind"] == "foreign"]
    assert len(foreign) == 6 and {k["declared"] for k in foreign} == {"True", "False"}
    assert {k["declared"] for k in keys if k["file"].startswith("csv/")} == {"False"}


def _values(rows: list[list[str | None]], columns: list[str], name: str) -> list[str | None]:
    i = columns.index(name)
    return [r[i] for r in rows]


def test_every_key_holds_but_the_documented_orphans(relational: Path) -> None:
    sql = _sql(relational)
    cols = {t: _columns(relational, "sil_prod.sql", t) for t in TABLES}
    orphans: dict[str, set[int]] = defaultdict(set)
    for r in read_csv(relational / "truth" / "leak_rows.csv"):
        if r["file"] == "sil_prod.sql" and r["orphan"] == "True":
            orphans[r["table"]].add(int(r["row"]))
    for k in read_csv(relational / "truth" / "keys.csv"):
        if k["file"] != "sil_prod.sql":
            continue
        values = _values(sql[k["table"]], cols[k["table"]], k["column"])
        assert None not in values
        if k["kind"] == "primary":
            assert len(set(values)) == len(values), k
            continue
        parent = set(_values(sql[k["ref_table"]], cols[k["ref_table"]], k["ref_column"]))
        missing = {i for i, v in enumerate(values, start=1) if v not in parent}
        if k["ref_table"] == "laboratoires":
            assert missing == set()
        else:
            assert missing == orphans[k["table"]] != set(), k
    # Orphans stay rare: the keys hold for > 99 % of rows.
    assert len(orphans["demandes"]) < 0.01 * len(sql["demandes"])
    assert len(orphans["resultats"]) < 0.01 * len(sql["resultats"])


def test_rows_reach_their_person_through_their_parent(relational: Path) -> None:
    person: dict[tuple[str, int], str] = {}
    rows = [
        r for r in read_csv(relational / "truth" / "leak_rows.csv") if r["file"] == "sil_prod.sql"
    ]
    for r in rows:
        person[(r["table"], int(r["row"]))] = r["person_id"]
    for r in rows:
        if r["table"] == "patients":
            assert r["parent_table"] == r["parent_row"] == "" and r["orphan"] == "False"
            assert "identity.last_name" in r["elements"]
        elif r["orphan"] == "False":
            assert person[(r["parent_table"], int(r["parent_row"]))] == r["person_id"]
        else:
            assert r["parent_row"] == ""


def test_results_carry_no_identity_but_expose_health(relational: Path) -> None:
    columns = read_csv(relational / "truth" / "columns.csv")
    elements = {c["element"] for c in columns if c["table"] == "resultats"}
    assert elements == {"", "text.free", "health.result"}
    exposed: Counter[str] = Counter()
    for r in read_csv(relational / "truth" / "leak_rows.csv"):
        if r["file"] == "sil_prod.sql" and r["table"] == "resultats":
            exposed.update(r["elements"].split("|"))
            assert not any(e.startswith(("identity.", "contact.", "national_id.")) for e in exposed)
    for element in ("health.result", "health.hiv", "health.pregnancy", "health.genetic"):
        assert exposed[element] > 0, element


def test_same_people_and_registries_as_the_flat_shape(relational: Path, small: Path) -> None:
    for name in ("registries/controllers.csv", "truth/registry_links.csv", "incident.yaml"):
        assert (relational / name).read_bytes() == (small / name).read_bytes(), name
    flat = {r["person_id"]: r for r in read_csv(small / "truth" / "persons.csv")}
    rel = {r["person_id"]: r for r in read_csv(relational / "truth" / "persons.csv")}
    assert flat.keys() == rel.keys()
    for pid, r in rel.items():
        assert r["in_leak"] == flat[pid]["in_leak"] and r["labs"] == flat[pid]["labs"]
    # Results add what the flat rows never held: a value per analyte.
    with_results = sum("health.result" in r["elements"] for r in rel.values())
    assert with_results > sum("health.result" in r["elements"] for r in flat.values())


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, 300, 3, progress=False, shape="relational")
    generate(b, 300, 3, progress=False, shape="relational")
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert [f for f in files if (a / f).read_bytes() != (b / f).read_bytes()] == []


def test_unknown_shape_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--shape"):
        generate(tmp_path / "x", 100, 1, progress=False, shape="star")
