"""`vigie scan WS --evaluate TRUTH_DIR`: scan's results against synth's ground truth."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import InputError
from vigie.workspace import Workspace


@dataclass
class ElementScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0


@dataclass
class KeyScore:
    """Relations found by scan against truth/keys.csv (foreign keys of the ingested tables)."""

    expected: int = 0
    found: int = 0
    correct: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # ("T.C", "T2.C2")
    spurious: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "found": self.found,
            "correct": self.correct,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "missing": [list(m) for m in self.missing],
            "not_expected": [list(s) for s in self.spurious],
        }


@dataclass
class ScanEvaluation:
    columns_total: int = 0
    columns_correct: int = 0
    column_errors: list[dict[str, Any]] = field(default_factory=list)
    elements: dict[str, ElementScore] = field(default_factory=dict)
    rows: int = 0
    keys: KeyScore | None = None  # when the truth has keys.csv (the relational shape)

    @property
    def column_accuracy(self) -> float:
        return self.columns_correct / self.columns_total if self.columns_total else 1.0

    def as_dict(self) -> dict[str, Any]:
        doc = self._as_dict()
        if self.keys is not None:
            doc["keys"] = self.keys.as_dict()
        return doc

    def _as_dict(self) -> dict[str, Any]:
        return {
            "columns": {
                "total": self.columns_total,
                "correct": self.columns_correct,
                "accuracy": round(self.column_accuracy, 4),
                "errors": self.column_errors,
            },
            "rows": self.rows,
            "elements": {
                e: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "tp": s.true_positives,
                    "fp": s.false_positives,
                    "fn": s.false_negatives,
                }
                for e, s in sorted(self.elements.items())
            },
        }


def evaluate_scan(ws: Workspace, truth_dir: Path) -> ScanEvaluation:
    columns_csv, rows_csv = truth_dir / "columns.csv", truth_dir / "leak_rows.csv"
    for path in (columns_csv, rows_csv):
        if not path.is_file():
            raise InputError("missing ground-truth file (written by `vigie synth`)", path=path)
    result = ScanEvaluation()
    with ws.connect() as con:
        tables = _leak_tables(con)
        _compare_columns(con, tables, columns_csv, result)
        _compare_rows(con, tables, rows_csv, result)
        if (truth_dir / "keys.csv").is_file():
            result.keys = _compare_keys(con, tables, truth_dir / "keys.csv")
    return result


def _table(tables: dict[tuple[str, str], str], file: str, table: str) -> str | None:
    """The store table of a truth (file, table); truth files may sit in folders (csv/...)."""
    return tables.get((Path(file).name, table))


def _compare_keys(
    con: duckdb.DuckDBPyConnection, tables: dict[tuple[str, str], str], truth: Path
) -> KeyScore:
    expected = set()
    with truth.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            child = _table(tables, row["file"], row["table"])
            parent = _table(tables, row["ref_file"], row["ref_table"])
            if row["kind"] == "foreign" and child and parent:
                expected.add((f"{child}.{row['column']}", f"{parent}.{row['ref_column']}"))
    ingested = set(tables.values())
    try:
        rows = con.execute(
            "SELECT table_name, column_name, ref_table, ref_column FROM scan_keys"
        ).fetchall()
    except duckdb.CatalogException:  # scanned before keys were found
        rows = []
    found = {(f"{r[0]}.{r[1]}", f"{r[2]}.{r[3]}") for r in rows if r[0] in ingested}
    return KeyScore(
        len(expected),
        len(found),
        len(expected & found),
        sorted(expected - found),
        sorted(found - expected),
    )


def _leak_tables(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(file name, table as truth names it) -> store table."""
    rows = con.execute(
        "SELECT f.name, t.source_table, t.name FROM _tables t JOIN _files f USING (digest) "
        "WHERE t.kind = 'leak' AND f.kind = 'leak'"
    ).fetchall()
    by_file: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for file, source, name in rows:
        by_file[Path(file).name].append((source, name))
    mapping: dict[tuple[str, str], str] = {}
    for file, entries in by_file.items():
        for source, name in entries:
            mapping[(file, source)] = name
        if len(entries) == 1:  # a workbook's sheet is named by its file in the truth
            mapping[(file, Path(file).stem)] = entries[0][1]
    return mapping


def _compare_columns(
    con: duckdb.DuckDBPyConnection,
    tables: dict[tuple[str, str], str],
    truth: Path,
    result: ScanEvaluation,
) -> None:
    found = {
        (r[0], r[1]): r[2]
        for r in con.execute("SELECT table_name, column_name, element FROM scan_columns").fetchall()
    }
    with truth.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table = _table(tables, row["file"], row["table"])
            if table is None:
                continue
            expected = row["element"] or None
            got = found.get((table, row["column"]))
            result.columns_total += 1
            if got == expected:
                result.columns_correct += 1
            else:
                result.column_errors.append(
                    {"table": table, "column": row["column"], "expected": expected, "found": got}
                )


def _compare_rows(
    con: duckdb.DuckDBPyConnection,
    tables: dict[tuple[str, str], str],
    truth: Path,
    result: ScanEvaluation,
) -> None:
    exposure: dict[tuple[str, int], set[str]] = defaultdict(set)
    for table, row, element in con.execute(
        "SELECT table_name, _row, element FROM scan_exposure"
    ).fetchall():
        exposure[(table, row)].add(element)
    with truth.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table = _table(tables, row["file"], row["table"])
            if table is None:
                continue
            result.rows += 1
            expected = set(filter(None, row["elements"].split("|")))
            got = exposure.get((table, int(row["row"])), set())
            for element in expected | got:
                score = result.elements.setdefault(element, ElementScore())
                if element in expected and element in got:
                    score.true_positives += 1
                elif element in got:
                    score.false_positives += 1
                else:
                    score.false_negatives += 1
