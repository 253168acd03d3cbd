"""mysqldump reader: real fixtures against the database's own view, crafted snippets."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from vigie.ingest.readers.base import BadRow
from vigie.ingest.readers.mysql_dump import looks_like_mysql_dump, read_mysql_dump

DUMPS = Path(__file__).parent.parent / "fixtures" / "dumps"
EXPECTED = json.loads((DUMPS / "expected.json").read_text(encoding="utf-8"))
MYSQL_FIXTURES = sorted(k for k in EXPECTED if k.startswith("mysql_"))


def read_all(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for table in read_mysql_dump(path, lambda n: None):
        entry = out.setdefault(table.name, {"columns": table.columns, "rows": []})
        entry["rows"].extend(table.rows)
    return out


def read_text(tmp_path: Path, text: str | bytes) -> dict[str, dict]:
    path = tmp_path / "dump.sql"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return read_all(path)


@pytest.mark.parametrize("fixture", MYSQL_FIXTURES)
def test_fixture_matches_database(fixture: str) -> None:
    got = read_all(DUMPS / fixture)
    expected = EXPECTED[fixture]
    assert sorted(got) == sorted(expected)
    for name, table in expected.items():
        assert got[name]["columns"] == table["columns"], name
        rows = got[name]["rows"]
        assert all(isinstance(r, tuple) for r in rows), [r for r in rows if isinstance(r, BadRow)]
        assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
        assert [list(r[1]) for r in rows] == table["rows"], name


def test_fixtures_are_detected() -> None:
    for fixture in MYSQL_FIXTURES:
        assert looks_like_mysql_dump((DUMPS / fixture).read_bytes()[:65536]), fixture
    for fixture in ("pg_copy.sql", "pg_inserts.sql", "pg_custom.dump"):
        assert not looks_like_mysql_dump((DUMPS / fixture).read_bytes()[:65536]), fixture


ESCAPES = [
    (r"'a\0b'", "a\0b"),
    (r"'it\'s'", "it's"),
    ("'it''s'", "it's"),
    (r"'say \"hi\"'", 'say "hi"'),
    (r"'\b\n\r\t\Z'", "\b\n\r\t\x1a"),
    (r"'back\\slash'", "back\\slash"),
    (r"'50\% \_'", "50\\% \\_"),
    (r"'\q'", "q"),
    ('"double"', "double"),
    ("NULL", None),
    ("null", None),
    ("''", ""),
    ("'NULL'", "NULL"),
    ("'00123'", "00123"),
    ("-12.50", "-12.50"),
    ("1e3", "1e3"),
    ("0x41C3A9", "Aé"),
    ("X'FF00'", "0xFF00"),
    ("x''", ""),
    ("_binary 'abc'", "abc"),
    ("_binary 0xFFFE", "0xFFFE"),
    ("_utf8mb4'é'", "é"),
    ("b'0101'", "5"),
    ("'🩸'", "🩸"),
    (" 'spaced' ", "spaced"),
]


@pytest.mark.parametrize(("literal", "value"), ESCAPES)
def test_value_literal(tmp_path: Path, literal: str, value: str | None) -> None:
    got = read_text(tmp_path, f"INSERT INTO `t` VALUES (1,{literal});\n")
    assert got["t"]["columns"] == ["column_1", "column_2"]
    assert got["t"]["rows"] == [(1, ("1", value))]


def test_invalid_utf8_string_is_binary_hex(tmp_path: Path) -> None:
    got = read_text(tmp_path, b"INSERT INTO t VALUES ('\xff\xfe','ok');\n")
    assert got["t"]["rows"] == [(1, ("0xFFFE", "ok"))]


def test_latin1_names_decide_decoding(tmp_path: Path) -> None:
    text = "/*!40101 SET NAMES latin1 */;\nINSERT INTO `t` VALUES ('Hélène €');\n"
    got = read_text(tmp_path, text.encode("cp1252"))
    assert got["t"]["rows"] == [(1, ("Hélène €",))]


def test_forms_of_insert_and_continued_numbering(tmp_path: Path) -> None:
    text = """-- MySQL dump
# a hash comment
CREATE TABLE `a` (`x` int, `y` varchar(3), PRIMARY KEY (`x`), KEY `k` (`y`));
CREATE TABLE `b` (`z` int);
INSERT INTO `a` VALUES (1,'p'),(2,'q');
INSERT IGNORE INTO `b` VALUES (10);
REPLACE INTO `a` (`x`, `y`) VALUES (3,'r');
/* block ; comment */ INSERT INTO a VALUES (4, 's') ;
LOCK TABLES `a` WRITE; UNLOCK TABLES;
CREATE TABLE `empty` (`e` int);
"""
    tables = read_mysql_dump(_write(tmp_path, text), lambda n: None)
    seen = [(t.name, t.columns, list(t.rows)) for t in tables]
    assert seen == [
        ("a", ["x", "y"], [(1, ("1", "p")), (2, ("2", "q"))]),
        ("b", ["z"], [(1, ("10",))]),
        ("a", ["x", "y"], [(3, ("3", "r")), (4, ("4", "s"))]),
        ("empty", ["e"], []),
    ]


def test_delimiter_blocks_and_views_are_skipped(tmp_path: Path) -> None:
    text = """CREATE TABLE `v` (`id` int);
DELIMITER ;;
CREATE PROCEDURE p() BEGIN INSERT INTO t VALUES (99); SELECT ';'; END ;;
DELIMITER ;
/*!50001 DROP TABLE IF EXISTS `v`*/;
/*!50001 CREATE VIEW `v` AS select 1 AS `id` */;
INSERT INTO `t` VALUES (1);
"""
    got = read_text(tmp_path, text)
    assert sorted(got) == ["t"]
    assert got["t"]["rows"] == [(1, ("1",))]


def test_wrong_value_count_is_a_bad_row(tmp_path: Path) -> None:
    text = "CREATE TABLE `t` (`a` int, `b` int);\nINSERT INTO `t` VALUES (1,2),(3),(4,5);\n"
    rows = read_text(tmp_path, text)["t"]["rows"]
    assert rows[0] == (1, ("1", "2")) and rows[2] == (3, ("4", "5"))
    assert isinstance(rows[1], BadRow) and rows[1].number == 2
    assert rows[1].reason == "line 2: row has 1 values, table has 2 columns"


def test_unterminated_string_is_one_bad_row_then_resumes(tmp_path: Path) -> None:
    text = (
        "INSERT INTO `t` VALUES (1,'ok');\n"
        "INSERT INTO `t` VALUES (2,'broken);\n"
        "INSERT INTO `t` VALUES (3,'fine');\n"
    )
    rows = read_text(tmp_path, text)["t"]["rows"]
    assert rows[0] == (1, ("1", "ok")) and rows[2] == (3, ("3", "fine"))
    assert isinstance(rows[1], BadRow) and rows[1].reason == "line 2: unterminated string"
    assert "broken" not in rows[1].reason


def test_garbage_statement_is_a_bad_row_then_resumes(tmp_path: Path) -> None:
    text = (
        "INSERT INTO `t` VALUES (1);\nFOO BAR baz;\n"
        "INSERT INTO `t` VALUES (2);\nINSERT INTO `t` VALUES (3, @x);\n"
    )
    rows = read_text(tmp_path, text)["t"]["rows"]
    assert rows[0] == (1, ("1",)) and rows[2] == (3, ("2",))
    assert isinstance(rows[1], BadRow) and rows[1].reason == "line 2: unrecognised statement"
    assert isinstance(rows[3], BadRow) and rows[3].number == 4


def test_missing_semicolon_ends_at_next_insert(tmp_path: Path) -> None:
    text = "INSERT INTO `t` VALUES (1)\nINSERT INTO `t` VALUES (2);\n"
    assert read_text(tmp_path, text)["t"]["rows"] == [(1, ("1",)), (2, ("2",))]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dump.sql"
    path.write_text(text, encoding="utf-8")
    return path


def test_streaming_memory_is_bounded(tmp_path: Path) -> None:
    # Wide values keep the row count (and tracemalloc's per-allocation cost) low.
    path = tmp_path / "big.sql"
    note = "'" + "compte rendu \\'long\\' " * 20 + "'"
    row = "({n},'Dupont','Éloïse',NULL," + ",".join([note] * 13) + ")"
    with path.open("w", encoding="utf-8") as f:
        f.write("CREATE TABLE `t` (" + ",".join(f"`c{i}` text" for i in range(17)) + ");\n")
        n = 0
        while f.tell() < 50_000_000:
            rows = ",".join(row.format(n=n + i) for i in range(250))
            f.write(f"INSERT INTO `t` VALUES {rows};\n")  # ~1 MB lines, as mysqldump writes
            n += 250
    tracemalloc.start()
    count = 0
    for table in read_mysql_dump(path, lambda b: None):
        for item in table.rows:
            assert isinstance(item, tuple)
            count += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == n
    assert peak < 30_000_000  # a 50 MB file in 1 MB statements
