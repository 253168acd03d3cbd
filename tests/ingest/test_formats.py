"""Format detection: the right reader, or a one-line error saying what the file is."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from vigie.errors import InputError, UnsupportedFormatError
from vigie.ingest.formats import detect


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"PGDMP\x01\x0e\x00\x04\x08\x01\x01\x00", "pg_restore -f dump.sql"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (_zip({"a.csv": b"a,b\n1,2\n"}), "a ZIP archive that is not a workbook"),
        (_zip({"word/document.xml": b"<w/>"}), "a word-processing document"),
        (b"PK\x03\x04broken", "a damaged ZIP archive"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gunzip"),
        (b"SQLite format 3\x00" + bytes(100), "an SQLite database"),
        (bytes(range(256)) * 64, "binary data of an unknown kind"),
        (b"INSERT INTO t VALUES (1);\n", "neither a mysqldump nor a pg_dump"),
    ],
)
def test_unsupported_formats_say_what_they_are(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "leak.bin"
    path.write_bytes(content)
    with pytest.raises(UnsupportedFormatError) as caught:
        detect(path)
    message = str(caught.value)
    assert says in message
    assert str(path) in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: None, "no such file"),
    ],
)
def test_unreadable_paths(tmp_path: Path, make, says: str) -> None:
    path = tmp_path / "x.csv"
    make(path)
    with pytest.raises(InputError, match=says):
        detect(path)


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("a.csv", b"a,b\n1,2\n", "csv"),
        ("a.tsv", b"a\tb\n1\t2\n", "tsv"),
        ("a.json", b' [{"a": 1}]', "json"),
        ("a.ndjson", b'{"a": 1}\n', "jsonl"),
        ("a.dat", b"\xef\xbb\xbfa;b\n1;2\n", "csv"),
    ],
)
def test_text_formats(tmp_path: Path, name: str, content: bytes, fmt: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert detect(path).format == fmt
