"""Serialise leak tables as real exports look: a mysqldump, a cp1252 CSV, XLSX, JSON lines."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_INSERT = 1_000_000  # bytes per INSERT line, as mysqldump's net_buffer_length allows
DUMP_TIME = "2021-02-09  3:12:44"
_SQL_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "'": "\\'",
        '"': '\\"',
        "\n": "\\n",
        "\r": "\\r",
        "\0": "\\0",
        "\x1a": "\\Z",
    }
)

SQL_HEADER = """\
-- MySQL dump 10.13  Distrib 5.7.33, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: sil_prod
-- ------------------------------------------------------
-- Server version\t5.7.33-0ubuntu0.18.04.1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
"""
SQL_FOOTER = f"""\
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on {DUMP_TIME}
"""


def sql_literal_column(values: np.ndarray, numeric: bool = False) -> list[str]:
    """MySQL literals of one column: NULL, bare numbers, or quoted escaped strings."""
    if numeric:
        return [str(v) for v in values.tolist()]
    return [
        "NULL" if v is None else "'" + str(v).translate(_SQL_ESCAPES) + "'" for v in values.tolist()
    ]


@dataclass(frozen=True)
class SqlKeys:
    """A table's declared keys, written as mysqldump writes InnoDB constraints."""

    primary: str | None = None
    foreign: tuple[tuple[str, str, str], ...] = ()  # (column, referenced table, its column)


def _sql_table(
    table: str,
    names: Sequence[str],
    types: Sequence[str],
    rows: list[str],
    key: str | None,
    keys: SqlKeys | None = None,
) -> str:
    cols = [f"  `{n}` {t}" for n, t in zip(names, types, strict=True)]
    if keys is None:
        if key:
            cols.append(f"  PRIMARY KEY (`{key}`)")
        auto = f" AUTO_INCREMENT={len(rows) + 1}" if key else ""
    else:
        cols += _constraints(table, keys)
        primary_type = types[list(names).index(keys.primary)] if keys.primary else ""
        auto = f" AUTO_INCREMENT={len(rows) + 1}" if "AUTO_INCREMENT" in primary_type else ""
    return (
        f"\n--\n-- Table structure for table `{table}`\n--\n\n"
        f"DROP TABLE IF EXISTS `{table}`;\n"
        "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
        "/*!40101 SET character_set_client = utf8 */;\n"
        f"CREATE TABLE `{table}` (\n" + ",\n".join(cols) + "\n"
        f") ENGINE=InnoDB{auto} DEFAULT CHARSET=utf8mb4;\n"
        "/*!40101 SET character_set_client = @saved_cs_client */;\n\n"
        f"--\n-- Dumping data for table `{table}`\n--\n\n"
        f"LOCK TABLES `{table}` WRITE;\n"
        f"/*!40000 ALTER TABLE `{table}` DISABLE KEYS */;\n"
    )


def _constraints(table: str, keys: SqlKeys) -> list[str]:
    """PRIMARY KEY, then an index per foreign key, then the constraints sorted by name."""
    out = [f"  PRIMARY KEY (`{keys.primary}`)"] if keys.primary else []
    named = sorted((f"fk_{table}_{ref}", col, ref, ref_col) for col, ref, ref_col in keys.foreign)
    out += [f"  KEY `{name}` (`{col}`)" for name, col, _, _ in named]
    out += [
        f"  CONSTRAINT `{name}` FOREIGN KEY (`{col}`) REFERENCES `{ref}` (`{ref_col}`)"
        for name, col, ref, ref_col in named
    ]
    return out


def _inserts(table: str, tuples: list[str]) -> list[str]:
    lines: list[str] = []
    start = f"INSERT INTO `{table}` VALUES "
    batch: list[str] = []
    size = len(start)
    for t in tuples:
        if batch and size + len(t) + 2 > MAX_INSERT:
            lines.append(start + ",".join(batch) + ";\n")
            batch, size = [], len(start)
        batch.append(t)
        size += len(t.encode("utf-8")) + 1
    if batch:
        lines.append(start + ",".join(batch) + ";\n")
    return lines


def write_sql(
    path: Path,
    tables: list[tuple[str, list[str], list[str], list[np.ndarray]]],
    keys: dict[str, SqlKeys] | None = None,
) -> None:
    """tables: (name, column names, MySQL column types, column arrays).

    Without `keys`, an integer first column is the primary key; with `keys`, each table
    declares exactly the keys given for it (primary and foreign).
    """
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(SQL_HEADER)
        for name, cols, types, arrays in tables:
            literals = [
                sql_literal_column(a, numeric=t.startswith(("int", "bigint")))
                for a, t in zip(arrays, types, strict=True)
            ]
            tuples = ["(" + ",".join(vals) + ")" for vals in zip(*literals, strict=True)]
            key = cols[0] if types[0].startswith("int") else None
            declared = None if keys is None else keys.get(name, SqlKeys())
            out.write(_sql_table(name, cols, types, tuples, key, declared))
            out.writelines(_inserts(name, tuples))
            out.write(f"/*!40000 ALTER TABLE `{name}` ENABLE KEYS */;\nUNLOCK TABLES;\n")
        out.write(SQL_FOOTER)


def write_csv(path: Path, names: Sequence[str], arrays: list[np.ndarray]) -> None:
    """Semicolon CSV in Windows-1252 with CRLF, quoting only the fields that need it."""
    with path.open("w", encoding="cp1252", newline="") as out:
        w = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(names)
        w.writerows(zip(*[_text(a) for a in arrays], strict=True))


def _text(values: np.ndarray) -> list[str]:
    return ["" if v is None else str(v) for v in values.tolist()]


def write_jsonl(path: Path, names: Sequence[str], arrays: list[np.ndarray]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for row in zip(*[a.tolist() for a in arrays], strict=True):
            out.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n")


def write_xlsx(path: Path, names: Sequence[str], arrays: list[np.ndarray]) -> None:
    """One sheet; datetime64 columns become real Excel dates, the rest text."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties(
        {"title": "Export patients", "author": "SIL", "created": dt.datetime(2021, 2, 8, 18, 4, 11)}
    )
    ws = wb.add_worksheet("Patients")
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, list(names), bold)
    formats = []
    cols: list[list[object]] = []
    for a in arrays:
        if a.dtype.kind == "M":
            unit = "dd/mm/yyyy hh:mm" if a.dtype == "datetime64[s]" else "dd/mm/yyyy"
            formats.append(wb.add_format({"num_format": unit}))
            cols.append(a.astype("datetime64[s]").astype(object).tolist())
        else:
            formats.append(None)
            cols.append(a.tolist())
    for r, row in enumerate(zip(*cols, strict=True), start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if formats[c] is not None:
                ws.write_datetime(r, c, value, formats[c])
            else:
                ws.write_string(r, c, str(value))
    wb.close()
