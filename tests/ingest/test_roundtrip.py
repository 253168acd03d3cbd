"""Property: values written by each format's real writer come back identical through
ingest -> store -> export (CSV, JSON lines or Parquet).

Each test shares one workspace across its examples (each example's file has its own name
and digest), so the function-scoped fixture health check is silenced on purpose."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.conftest import collect, noop
from vigie.export import export_table
from vigie.ingest import ingest_files
from vigie.ingest.readers.delimited import read_delimited
from vigie.workspace import Workspace

COLUMNS = ["nir", "nom", "note"]
Row = tuple[str | None, ...]

# Text people put in health files: accents, quotes, backslashes, CR/LF, emoji, zeros.
SPECIAL = "\"'\\,;|\t\r\n 0é€œŒ’«»°çàÉ🩸😀\u00a0"
_ANY = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
_TEXT = st.text(st.one_of(_ANY, st.sampled_from(SPECIAL)), max_size=12)
_CP1252 = st.text(
    st.one_of(
        st.sampled_from("abcXYZ019 -'.,;\"\\\r\n\téèêàçôœŒ€’«»°É"),
    ),
    max_size=12,
)


def _rows(text: st.SearchStrategy[str], allow_empty: bool) -> st.SearchStrategy[list[Row]]:
    value = st.one_of(
        st.none(), text if allow_empty else text.filter(bool), st.from_regex(r"\A0[0-9]{1,14}\Z")
    )
    return st.lists(st.tuples(value, value, value), min_size=1, max_size=6)


# Real files carry context: one French row, so the encoding can be told from the bytes.
CONTEXT: Row = ("Cœur", "Lefèvre", "25 € à Besançon")


def _write_csv(path: Path, rows: list[Row], encoding: str) -> None:
    # csv writes None and "" alike (empty), so CSV examples hold no "" (see _rows).
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _write_xlsx(path: Path, rows: list[Row]) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, COLUMNS)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write_string(r, c, value)
    book.close()


def _write_jsonl(path: Path, rows: list[Row]) -> None:
    lines = [json.dumps(dict(zip(COLUMNS, row, strict=True))) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_parquet(path: Path, rows: list[Row]) -> None:
    columns = list(zip(*rows, strict=True))
    table = pa.table(
        {c: pa.array(v, type=pa.string()) for c, v in zip(COLUMNS, columns, strict=True)}
    )
    pq.write_table(table, path)


def _exported(ws: Workspace, table: str, fmt: str, out: Path) -> list[Row]:
    export_table(ws, table, fmt, out)
    if fmt == "jsonl":
        docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        return [tuple(d[c] for c in COLUMNS) for d in docs]
    if fmt == "parquet":
        data = pq.read_table(out).to_pydict()
        return list(zip(*(data[c] for c in COLUMNS), strict=True))
    [(_, columns, rows)] = collect(read_delimited(out, noop))
    assert columns == [*COLUMNS, "_source", "_row"]
    return [row[1][:3] for row in rows]


def _roundtrip(ws: Workspace, path: Path, rows: list[Row], fmt: str) -> None:
    report = ingest_files(ws, [path]).as_dict()["files"][0]
    if report["skipped"]:
        return  # the same bytes came up in an earlier example
    expected = [r for r in rows if path.suffix != ".xlsx" or any(v is not None for v in r)]
    assert report["rows_quarantined"] == 0
    assert report["rows_stored"] == len(expected)
    table = report["tables"][0]["name"]
    out = path.with_name(f"{path.stem}-out.{fmt}")
    assert _exported(ws, table, fmt, out) == expected


_SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_FORMATS = st.sampled_from(["csv", "jsonl", "parquet"])


@_SETTINGS
@given(rows=_rows(_TEXT, allow_empty=False), fmt=_FORMATS)
def test_utf8_csv_roundtrip(
    workspace: Workspace, tmp_path: Path, rows: list[Row], fmt: str
) -> None:
    path = tmp_path / f"u{uuid.uuid4().hex}.csv"
    _write_csv(path, rows, "utf-8")
    _roundtrip(workspace, path, rows, fmt)


@_SETTINGS
@given(rows=_rows(_CP1252, allow_empty=False), fmt=_FORMATS)
def test_cp1252_csv_roundtrip(
    workspace: Workspace, tmp_path: Path, rows: list[Row], fmt: str
) -> None:
    path = tmp_path / f"w{uuid.uuid4().hex}.csv"
    rows = [CONTEXT, *rows]
    _write_csv(path, rows, "cp1252")
    _roundtrip(workspace, path, rows, fmt)


@_SETTINGS
@given(rows=_rows(_TEXT, allow_empty=False), fmt=_FORMATS)
def test_xlsx_roundtrip(workspace: Workspace, tmp_path: Path, rows: list[Row], fmt: str) -> None:
    path = tmp_path / f"x{uuid.uuid4().hex}.xlsx"
    _write_xlsx(path, rows)
    _roundtrip(workspace, path, rows, fmt)


@_SETTINGS
@given(rows=_rows(_TEXT, allow_empty=True), fmt=_FORMATS)
def test_jsonl_roundtrip(workspace: Workspace, tmp_path: Path, rows: list[Row], fmt: str) -> None:
    path = tmp_path / f"j{uuid.uuid4().hex}.jsonl"
    _write_jsonl(path, rows)
    _roundtrip(workspace, path, rows, fmt)


@_SETTINGS
@given(rows=_rows(_TEXT, allow_empty=True), fmt=_FORMATS)
def test_parquet_roundtrip(workspace: Workspace, tmp_path: Path, rows: list[Row], fmt: str) -> None:
    path = tmp_path / f"p{uuid.uuid4().hex}.parquet"
    _write_parquet(path, rows)
    _roundtrip(workspace, path, rows, fmt)
