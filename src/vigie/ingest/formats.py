"""Which reader a file needs, from its first bytes (extensions only break ties).

Unknown formats fail early with a one-line UnsupportedFormatError that says what the
file looks like and how to turn it into something vigie reads.
"""

from __future__ import annotations

import functools
import importlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigie.errors import InputError, UnsupportedFormatError
from vigie.ingest.readers.base import ProgressCallback, SourceTable
from vigie.ingest.zipcheck import check_zip

HEAD_BYTES = 64 * 1024
_TEXT_HINT = "export it as CSV, XLSX/ODS, JSON, Parquet or an SQL dump"

ReadFn = Callable[[Path, ProgressCallback], Iterator[SourceTable]]


@dataclass(frozen=True)
class Detected:
    # csv, tsv, xlsx, xls, ods, json, jsonl, fhir_json, fhir_ndjson, parquet, mysql_dump,
    # pg_dump; documents:
    # pdf, docx, eml, txt (vigie.ingest.documents stores those, not `read`)
    format: str
    read: ReadFn
    details: dict[str, Any] = field(default_factory=dict)  # e.g. encoding, delimiter


_MAGIC_UNSUPPORTED = [
    (
        b"PGDMP",
        "a PostgreSQL custom-format dump; convert it to plain SQL with "
        "`pg_restore -f dump.sql FILE` and ingest dump.sql",
    ),
    (b"\x1f\x8b", "a gzip archive; decompress it (`gunzip FILE`) and ingest what is inside"),
    (b"BZh", "a bzip2 archive; decompress it (`bunzip2 FILE`) and ingest what is inside"),
    (b"\xfd7zXZ\x00", "an xz archive; decompress it (`unxz FILE`) and ingest what is inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract it and ingest the files inside"),
    (b"Rar!", "a RAR archive; extract it and ingest the files inside"),
    (
        b"SQLite format 3\x00",
        "an SQLite database; export its tables with "
        "`sqlite3 -header -csv FILE 'select * from TABLE' > TABLE.csv`",
    ),
]


def detect(path: Path) -> Detected:
    """Choose the reader for `path` or raise UnsupportedFormatError naming what it is."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=path) from None
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path=path) from None
    if head.startswith(b"%PDF"):
        from vigie.ingest.documents import pdf_detected

        return pdf_detected(path)
    for magic, what in _MAGIC_UNSUPPORTED:
        if head.startswith(magic):
            raise UnsupportedFormatError(f"unsupported format: {what}", path=path)
    if head.startswith(b"PAR1"):
        from vigie.ingest.readers.parquet import read_parquet

        return Detected("parquet", read_parquet)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _spreadsheet("xls")
    if not head:
        raise InputError("the file is empty", path=path)
    return _text_kind(path, head)


def _zip_kind(path: Path) -> Detected:
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, path)
            names = set(archive.namelist())
            mimetype = (
                archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
            )
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, RuntimeError, ValueError):
        raise UnsupportedFormatError(
            "unsupported format: a damaged ZIP archive (it cannot be opened)", path=path
        ) from None
    if "xl/workbook.xml" in names:
        return _spreadsheet("xlsx")
    if mimetype.strip() == "application/vnd.oasis.opendocument.spreadsheet":
        from vigie.ingest.readers.ods import read_ods

        return Detected("ods", read_ods)
    if "word/document.xml" in names:
        from vigie.ingest.documents import docx_detected

        return docx_detected(path)
    if "opendocument.text" in mimetype:
        what = "an OpenDocument text; convert it to DOCX or PDF (`soffice --convert-to docx FILE`)"
    else:
        what = "a ZIP archive that is not a workbook; extract it and ingest the files inside"
    raise UnsupportedFormatError(f"unsupported format: {what}", path=path)


def _spreadsheet(kind: str) -> Detected:
    from vigie.ingest.readers.spreadsheet import read_spreadsheet

    return Detected(kind, read_spreadsheet)


def _text_kind(path: Path, head: bytes) -> Detected:
    from vigie.ingest.readers.encoding import detect_encoding

    encoding = detect_encoding(head)
    if _looks_binary(head, encoding.name):
        raise UnsupportedFormatError(
            f"unsupported format: binary data of an unknown kind; {_TEXT_HINT}", path=path
        )
    dump = _dump_kind(head)
    if dump is not None:
        return dump
    text = head.decode(encoding.name, errors="replace").lstrip("\ufeff \t\r\n")
    suffix = path.suffix.lower()
    if text.startswith(("{", "[")) or suffix in {".json", ".jsonl", ".ndjson"}:
        return _json_kind(text, suffix)
    if suffix == ".sql" or text.upper().startswith(("INSERT ", "CREATE ", "--", "/*")):
        raise UnsupportedFormatError(
            "unsupported format: SQL that is neither a mysqldump nor a pg_dump plain dump; "
            "load it into its database and dump it with mysqldump or pg_dump",
            path=path,
        )
    from vigie.ingest.documents import text_detected

    document = text_detected(text, suffix, encoding.label)
    if document is not None:
        return document
    from vigie.ingest.readers.delimited import Dialect, read_delimited, sniff

    dialect: Dialect = sniff(path)
    kind = "tsv" if dialect.delimiter == "\t" else "csv"
    details = {"encoding": dialect.encoding.label, "delimiter": dialect.delimiter}
    return Detected(kind, functools.partial(read_delimited, dialect=dialect), details)


def _looks_binary(head: bytes, encoding: str) -> bool:
    if encoding.startswith("utf-16"):
        return False
    sample = head[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return b"\x00" in sample or controls > len(sample) // 100


def _json_kind(text: str, suffix: str) -> Detected:
    from vigie.ingest.readers.fhir import fhir_format, read_fhir_json, read_fhir_ndjson
    from vigie.ingest.readers.jsonfile import read_json, read_json_lines

    fhir = fhir_format(text, suffix)  # a FHIR resource's JSON holds its resourceType
    if fhir is not None:
        return Detected(fhir, read_fhir_ndjson if fhir == "fhir_ndjson" else read_fhir_json)
    if suffix in {".jsonl", ".ndjson"}:
        return Detected("jsonl", read_json_lines)
    first, _, rest = text.partition("\n")
    if first.strip().startswith("{") and rest.lstrip().startswith("{") and _complete(first):
        return Detected("jsonl", read_json_lines)
    return Detected("json", read_json)


def _complete(line: str) -> bool:
    import json

    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _dump_kind(head: bytes) -> Detected | None:
    """Ask the SQL-dump readers (another module, maybe not there yet) whether they fit."""
    for module_name, probe, reader, kind in (
        ("mysql_dump", "looks_like_mysql_dump", "read_mysql_dump", "mysql_dump"),
        ("pg_dump", "looks_like_pg_dump", "read_pg_dump", "pg_dump"),
    ):
        try:
            module = importlib.import_module(f"vigie.ingest.readers.{module_name}")
        except ImportError:
            continue
        if getattr(module, probe)(head):
            return Detected(kind, getattr(module, reader))
    return None
