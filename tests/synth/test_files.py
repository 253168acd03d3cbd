"""The leak files: formats as real exports write them, row counts equal to the truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import openpyxl

from ._util import read_csv, sql_tuples


def _truth_counts(root: Path) -> Counter[tuple[str, str]]:
    return Counter((r["file"], r["table"]) for r in read_csv(root / "truth" / "leak_rows.csv"))


def _truth_rows_are_numbered(root: Path) -> None:
    seen: dict[tuple[str, str], list[int]] = {}
    for r in read_csv(root / "truth" / "leak_rows.csv"):
        seen.setdefault((r["file"], r["table"]), []).append(int(r["row"]))
    for rows in seen.values():
        assert rows == list(range(1, len(rows) + 1))


def test_truth_rows_equal_rows_written_per_file(small: Path) -> None:
    counts = _truth_counts(small)
    _truth_rows_are_numbered(small)
    leak = small / "leak"
    sql = (leak / "export_sil.sql").read_text(encoding="utf-8")
    assert counts[("export_sil.sql", "dossiers_patients")] == len(
        sql_tuples(sql, "dossiers_patients")
    )
    raw = (leak / "extraction_patients.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(raw, newline=""), delimiter=";"))
    assert counts[("extraction_patients.csv", "extraction_patients")] == len(rows) - 1
    wb = openpyxl.load_workbook(leak / "export_labo.xlsx", read_only=True)
    assert counts[("export_labo.xlsx", "export_labo")] == wb.active.max_row - 1
    lines = (leak / "dossiers.jsonl").read_text(encoding="utf-8").splitlines()
    assert counts[("dossiers.jsonl", "dossiers")] == len(lines)
    assert all(isinstance(json.loads(line), dict) for line in lines)


def test_sql_dump_looks_like_mysqldump(small: Path) -> None:
    text = (small / "leak" / "export_sil.sql").read_text(encoding="utf-8")
    assert text.startswith("-- MySQL dump 10.13")
    for needle in (
        "SET NAMES utf8mb4",
        "DROP TABLE IF EXISTS `dossiers_patients`;",
        "CREATE TABLE `dossiers_patients` (",
        "  `NOM` varchar(",
        "LOCK TABLES `dossiers_patients` WRITE;",
        "UNLOCK TABLES;",
        "CREATE TABLE `laboratoires`",
        "-- Dump completed on",
    ):
        assert needle in text, needle
    assert max(len(line.encode()) for line in text.splitlines()) <= 1_000_100
    labs = sql_tuples(text, "laboratoires")
    assert len(labs) == 28 and len({row[2] for row in labs}) == 28
    rows = sql_tuples(text, "dossiers_patients")
    assert all(len(r) == 19 for r in rows)
    assert any(r[18] and ("\n" in r[18] or '"' in r[18] or "'" in r[18]) for r in rows) or any(
        r[7] and "'" in r[7] for r in rows
    )  # escaped quotes/newlines round-trip


def test_csv_is_cp1252_with_crlf(small: Path) -> None:
    raw = (small / "leak" / "extraction_patients.csv").read_bytes()
    text = raw.decode("cp1252")
    assert raw.split(b"\r\n", 1)[0].startswith(b"NomUsuel;NomNaissance;Prenoms")
    assert b"\r\n" in raw and b"\r" not in raw.replace(b"\r\n", b"")
    assert any(ch in text for ch in "éèàç")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert {len(r) for r in rows} == {17}


def test_xlsx_holds_real_dates(small: Path) -> None:
    wb = openpyxl.load_workbook(small / "leak" / "export_labo.xlsx", read_only=True)
    header, first = list(wb.active.iter_rows(min_row=1, max_row=2, values_only=True))
    row = dict(zip(header, first, strict=True))
    assert isinstance(row["Date de naissance"], dt.datetime)
    assert isinstance(row["Date prélèvement"], dt.datetime)


def test_columns_truth_names_every_column(small: Path) -> None:
    cols = read_csv(small / "truth" / "columns.csv")
    by_file = Counter(c["file"] for c in cols)
    assert by_file == {
        "export_sil.sql": 19 + 6,
        "extraction_patients.csv": 17,
        "export_labo.xlsx": 18,
        "dossiers.jsonl": 18,
    }
    elements = {c["element"] for c in cols}
    assert {"text.free", "care.exam", "provider.prescriber", "national_id.nir"} <= elements
    canonical = {c["column"] for c in cols} & {"last_name", "identity.last_name", "nir"}
    assert canonical <= {"nir"}  # the JSON system's own name, not the vocabulary's


def test_row_elements_follow_non_empty_values(small: Path) -> None:
    truth = [
        r for r in read_csv(small / "truth" / "leak_rows.csv") if r["file"] == "dossiers.jsonl"
    ]
    lines = (small / "leak" / "dossiers.jsonl").read_text(encoding="utf-8").splitlines()
    for t, line in zip(truth, lines, strict=True):
        row = json.loads(line)
        elements = set(t["elements"].split("|"))
        assert ("contact.phone" in elements) == (
            bool(row["telephone"]) or "contact.phone" in t["note_elements"]
        )
        assert ("national_id.nir" in elements) == bool(row["nir"])
        assert set(filter(None, t["note_elements"].split("|"))) <= elements
        assert bool(t["note_elements"]) <= bool(row["remarque"])
