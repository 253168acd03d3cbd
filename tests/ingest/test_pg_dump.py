"""pg_dump plain reader: real fixtures against the database's own view, crafted snippets."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from vigie.ingest.readers.base import BadRow
from vigie.ingest.readers.pg_dump import (
    PG_CUSTOM_MAGIC,
    looks_like_pg_dump,
    pg_custom_format_hint,
    read_pg_dump,
)

DUMPS = Path(__file__).parent.parent / "fixtures" / "dumps"
EXPECTED = json.loads((DUMPS / "expected.json").read_text(encoding="utf-8"))
PG_FIXTURES = sorted(k for k in EXPECTED if k.startswith("pg_"))


def read_all(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for table in read_pg_dump(path, lambda n: None):
        entry = out.setdefault(table.name, {"columns": table.columns, "rows": []})
        entry["rows"].extend(table.rows)
    return out


def read_text(tmp_path: Path, text: str | bytes) -> dict[str, dict]:
    path = tmp_path / "dump.sql"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return read_all(path)


@pytest.mark.parametrize("fixture", PG_FIXTURES)
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


def test_detection_and_custom_format() -> None:
    for fixture in PG_FIXTURES:
        assert looks_like_pg_dump((DUMPS / fixture).read_bytes()[:65536]), fixture
    custom = (DUMPS / "pg_custom.dump").read_bytes()[:65536]
    assert custom.startswith(PG_CUSTOM_MAGIC)
    assert not looks_like_pg_dump(custom)
    assert "pg_restore" in pg_custom_format_hint()
    assert not looks_like_pg_dump((DUMPS / "mysql_default.sql").read_bytes()[:65536])


COPY_FIELDS = [
    ("\\N", None),
    ("", ""),
    ("\\\\N", "\\N"),
    ("a\\tb\\nc\\rd", "a\tb\nc\rd"),
    ("\\b\\f\\v", "\b\f\v"),
    ("back\\\\slash", "back\\slash"),
    ("\\101\\x42", "AB"),
    ("\\303\\251", "é"),
    ("\\q", "q"),
    ("00123", "00123"),
    ("🩸", "🩸"),
]


@pytest.mark.parametrize(("field", "value"), COPY_FIELDS)
def test_copy_field(tmp_path: Path, field: str, value: str | None) -> None:
    text = f"COPY public.t (id, v) FROM stdin;\n1\t{field}\n\\.\n"
    assert read_text(tmp_path, text)["t"]["rows"] == [(1, ("1", value))]


INSERT_LITERALS = [
    ("'it''s'", "it's"),
    ("'back\\slash'", "back\\slash"),
    ("E'a\\nb\\t\\'q\\''", "a\nb\t'q'"),
    ("E'\\303\\251\\x41'", "éA"),
    ("E'\\u00e9'", "é"),
    ("'multi\nline;'", "multi\nline;"),
    ("$$dollar ' ;$$", "dollar ' ;"),
    ("$x$a$$b$x$", "a$$b"),
    ("NULL", None),
    ("'NULL'", "NULL"),
    ("-3.05", "-3.05"),
    ("true", "true"),
    ("B'0101'", "0101"),
]


@pytest.mark.parametrize(("literal", "value"), INSERT_LITERALS)
def test_insert_literal(tmp_path: Path, literal: str, value: str | None) -> None:
    text = (
        'CREATE TABLE public.t (id integer, "Nom Patient" text);\n'
        f"INSERT INTO public.t VALUES (1, {literal});\n"
    )
    got = read_text(tmp_path, text)
    assert got["t"]["columns"] == ["id", "Nom Patient"]
    assert got["t"]["rows"] == [(1, ("1", value))]


def test_latin1_client_encoding(tmp_path: Path) -> None:
    text = "SET client_encoding = 'LATIN1';\nCOPY t (a) FROM stdin;\nHélène\n\\.\n"
    assert read_text(tmp_path, text.encode("latin-1"))["t"]["rows"] == [(1, ("Hélène",))]


def test_function_bodies_and_comments_are_skipped(tmp_path: Path) -> None:
    text = """-- comment; with semicolon
/* outer /* nested ; */ still comment */
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$
BEGIN INSERT INTO t VALUES (99); END
$body$;
\\connect labo
INSERT INTO "my schema"."Table X" ("a b") VALUES ('x'), ('y');
"""
    got = read_text(tmp_path, text)
    assert got == {"Table X": {"columns": ["a b"], "rows": [(1, ("x",)), (2, ("y",))]}}


def test_same_name_in_two_schemas_keeps_schema(tmp_path: Path) -> None:
    text = """CREATE TABLE public.p (a int);
CREATE TABLE archive.p (a int);
COPY public.p (a) FROM stdin;
1
\\.
COPY archive.p (a) FROM stdin;
2
\\.
"""
    assert sorted(read_text(tmp_path, text)) == ["archive.p", "public.p"]


def test_copy_wrong_field_count_is_a_bad_row(tmp_path: Path) -> None:
    text = "\nCOPY t (a, b) FROM stdin;\n1\t2\n3\n4\t5\n\\.\n"
    rows = read_text(tmp_path, text)["t"]["rows"]
    assert rows[0] == (1, ("1", "2")) and rows[2] == (3, ("4", "5"))
    assert isinstance(rows[1], BadRow)
    assert rows[1].reason == "line 4: row has 1 values, table has 2 columns"


def test_bad_statements_resume(tmp_path: Path) -> None:
    text = (
        "INSERT INTO t VALUES (1);\nGARBAGE here;\nINSERT INTO t VALUES (2);\n"
        "INSERT INTO t VALUES (1, 2);\nINSERT INTO t VALUES ('open);\n"
    )
    rows = read_text(tmp_path, text)["t"]["rows"]
    assert rows[0] == (1, ("1",)) and rows[2] == (3, ("2",))
    assert isinstance(rows[1], BadRow) and rows[1].reason == "line 2: unrecognised statement"
    assert isinstance(rows[3], BadRow) and "row has 2 values" in rows[3].reason
    assert isinstance(rows[4], BadRow) and rows[4].reason == "line 5: unterminated string"


def test_streaming_memory_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.sql"
    note = "compte rendu\\tlong " * 20  # wide values keep tracemalloc's cost low
    line = "\t".join(["{n}", "Dupont", "\\N", "a\\nb", *[note] * 10]) + "\n"
    with path.open("w", encoding="utf-8") as f:
        f.write("COPY public.t (" + ", ".join(f"c{i}" for i in range(14)) + ") FROM stdin;\n")
        n = 0
        while f.tell() < 50_000_000:
            f.write("".join(line.format(n=n + i) for i in range(100)))
            n += 100
        f.write("\\.\n")
    tracemalloc.start()
    count = sum(1 for table in read_pg_dump(path, lambda b: None) for _ in table.rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == n
    assert peak < 20_000_000
