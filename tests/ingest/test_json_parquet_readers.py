"""JSON, JSON lines and Parquet readers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.ingest.conftest import collect, noop
from vigie.errors import InputError
from vigie.ingest.formats import detect
from vigie.ingest.readers import jsonfile
from vigie.ingest.readers.base import BadRow

OBJECTS = [
    {"nom": "Lefèvre", "nir": "0123", "age": 42},
    {"nom": "Le Gall", "adresse": {"ville": "Brest", "cp": "29200"}, "age": None},
    {"tags": ["vih", "grossesse"], "taux": 1.50, "ok": True},
]
COLUMNS = ["nom", "nir", "age", "adresse", "tags", "taux", "ok"]
ROWS = [
    (1, ("Lefèvre", "0123", "42", None, None, None, None)),
    (2, ("Le Gall", None, None, '{"ville": "Brest", "cp": "29200"}', None, None, None)),
    (3, (None, None, None, None, '["vih", "grossesse"]', "1.50", "true")),
]


def test_json_array_of_objects(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(OBJECTS, ensure_ascii=False).replace("1.5", "1.50"))
    assert detect(path).format == "json"
    assert collect(detect(path).read(path, noop)) == [("export", COLUMNS, ROWS)]


def test_json_object_holding_arrays_gives_a_table_per_array(tmp_path: Path) -> None:
    doc = {"meta": {"v": 1}, "patients": OBJECTS[:2], "n": 3, "examens": [{"id": 1}, 7]}
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2))
    tables = collect(detect(path).read(path, noop))
    assert [t[0] for t in tables] == ["patients", "examens"]
    assert tables[0][1] == ["nom", "nir", "age", "adresse"]
    assert tables[1][2] == [(1, ("1",)), BadRow(2, "not a JSON object", "7")]


def test_json_array_read_across_many_buffer_refills(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(jsonfile, "_CHUNK", 7)
    path = tmp_path / "small.json"
    path.write_text(json.dumps([{"n": 123456789, "s": "x" * 20}, {"n": 10}]))
    rows = collect(detect(path).read(path, noop))[0][2]
    assert rows == [(1, ("123456789", "x" * 20)), (2, ("10", None))]


def test_malformed_json_document_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"a": 1}, {"a": 2,, }]')
    with pytest.raises(InputError, match=r"bad.json: character \d+: malformed JSON"):
        collect(detect(path).read(path, noop))


def test_json_lines_union_of_keys_and_bad_lines(tmp_path: Path) -> None:
    lines = [json.dumps(o, ensure_ascii=False) for o in OBJECTS]
    lines.insert(1, '{"nom": "cassé"')
    lines.insert(2, "")
    lines.append("[1, 2]")
    path = tmp_path / "events.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"nom": "\xff"}\n')
    assert detect(path).format == "jsonl"
    [(name, columns, rows)] = collect(detect(path).read(path, noop))
    assert (name, columns) == ("events", COLUMNS)
    assert rows[0] == ROWS[0]
    assert isinstance(rows[1], BadRow)
    assert rows[1].number == 2
    assert rows[1].reason.startswith("not valid JSON (")
    assert rows[2][0] == 4  # line numbers: the blank line 3 is skipped
    assert rows[4] == BadRow(6, "not a JSON object", "[1, 2]")
    assert rows[5] == BadRow(7, "bytes that are not valid utf-8", '{"nom": "\\xff"}')


def test_json_lines_detected_without_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "events.txt"
    path.write_text('{"a": 1}\n{"a": 2}\n')
    assert detect(path).format == "jsonl"


def test_parquet_values_become_text(tmp_path: Path) -> None:
    table = pa.table(
        {
            "nir": ["0123", None],
            "n": pa.array([1, None], type=pa.int64()),
            "x": [1.5, 2.0],
            "d": [dt.date(2019, 2, 5), None],
            "ts": [dt.datetime(2019, 2, 5, 8, 30), dt.datetime(2020, 1, 1, 0, 0, 0, 5)],
            "dec": pa.array([Decimal("1.50"), None], type=pa.decimal128(5, 2)),
            "ok": [True, False],
            "tags": [["a", "b"], None],
            "cat": pa.array(["x", "y"]).dictionary_encode(),
            "bin": [b"caf\xc3\xa9", b"\xff"],
        }
    )
    path = tmp_path / "leak.parquet"
    pq.write_table(table, path, row_group_size=1)
    assert detect(path).format == "parquet"
    [(name, columns, rows)] = collect(detect(path).read(path, noop))
    assert name == "leak"
    assert columns == table.column_names
    assert rows == [
        (
            1,
            (
                "0123",
                "1",
                "1.5",
                "2019-02-05",
                "2019-02-05 08:30:00",
                "1.50",
                "true",
                '["a", "b"]',
                "x",
                "café",
            ),
        ),
        (
            2,
            (
                None,
                None,
                "2",
                None,
                "2020-01-01 00:00:00.000005",
                None,
                "false",
                None,
                "y",
                "\\xff",
            ),
        ),
    ]


def test_json_integer_longer_than_python_converts_is_kept_whole(tmp_path: Path) -> None:
    """Python's int() refuses 4,300 digits and more (found by make fuzz); the text stays."""
    digits, nested = "7" * 5000, "3" * 4500
    path = tmp_path / "long.json"
    path.write_text(f'[{{"n": {digits}, "m": [1, 2.5, {nested}]}}]')
    [(_, columns, rows)] = collect(detect(path).read(path, noop))
    assert columns == ["n", "m"]
    assert rows == [(1, (digits, f'[1, 2.5, "{nested}"]'))]


def test_parquet_column_name_not_utf8_is_one_input_error() -> None:
    path = Path(__file__).parents[1] / "fixtures" / "fuzz" / "parquet_column_name_not_utf8.parquet"
    with pytest.raises(InputError, match="column name in the Parquet schema is not UTF-8"):
        collect(detect(path).read(path, noop))
