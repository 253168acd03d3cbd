"""`vigie notify WS --large-print FILE`: the persons whose letters are printed in large type.

FILE holds what an operator has at hand when someone asks for large print: the reference
printed at the foot of a letter already sent (`L01-000123`), or a person id (the
`person_id` of `controllers/<lab>/persons.csv` and of `not_sent.csv`). Either one
reference a line (blank lines and `#` comments skipped), or a CSV whose header has a
`person_id` or `letter_id` column. A request stands: the person's letters in later
issues (`--reissue`, `--resend`) are printed large too.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from vigie.errors import InputError
from vigie.workspace import table_exists

COLUMNS = ("person_id", "letter_id")
PREFIX = "large-print-"  # batch names of large-print letters (manifest, notify_letters)
MAX_REPORTED = 5


def read_references(path: Path) -> list[tuple[int, str]]:
    """(line number, reference) of every reference in the file, in file order."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    numbered = [(n, line.strip()) for n, line in enumerate(lines, 1)]
    numbered = [(n, line) for n, line in numbered if line and not line.startswith("#")]
    if not numbered:
        raise InputError("no reference in the file (one person id or letter a line)", path=path)
    header = _cells(numbered[0][1])
    column = next((c for c in COLUMNS if c in [h.lower() for h in header]), None)
    if column is None:
        return _plain(path, numbered)
    index = [h.lower() for h in header].index(column)
    found, problems = [], []
    for n, line in numbered[1:]:
        cells = _cells(line)
        value = cells[index].strip() if index < len(cells) else ""
        if value:
            found.append((n, value))
        else:
            problems.append(f"line {n}: no {column}")
    _report(path, problems)
    return found


def _cells(line: str) -> list[str]:
    delimiter = ";" if line.count(";") > line.count(",") else ","
    return next(csv.reader([line], delimiter=delimiter))


def _plain(path: Path, numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    problems = [
        f"line {n}: one reference a line, or a CSV with a person_id or letter_id column"
        for n, line in numbered
        if any(sep in line for sep in ",;\t ")
    ]
    _report(path, problems)
    return numbered


def _report(path: Path, problems: list[str]) -> None:
    if problems:
        more = f" (+{len(problems) - MAX_REPORTED} more)" if len(problems) > MAX_REPORTED else ""
        raise InputError("; ".join(problems[:MAX_REPORTED]) + more, path=path)


def resolve(con: duckdb.DuckDBPyConnection, path: Path) -> frozenset[str]:
    """The person ids the file names; any reference to no person or letter is an error."""
    refs = read_references(path)
    values = [ref for _, ref in refs]
    persons = {
        r[0]
        for r in con.execute(
            "SELECT person_id FROM persons WHERE list_contains(?, person_id)", [values]
        ).fetchall()
    }
    by_letter: dict[str, str] = {}
    if table_exists(con, "notify_letters"):
        by_letter = dict(
            con.execute(
                "SELECT letter_id, person_id FROM notify_letters WHERE list_contains(?, letter_id)",
                [values],
            ).fetchall()
        )
    unknown = [n for n, ref in refs if ref not in persons and ref not in by_letter]
    _report(path, [f"line {n}: no person or letter with this reference" for n in unknown])
    return frozenset(by_letter.get(ref, ref) for ref in values)


def standing(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Persons who had a large-print letter in an earlier issue."""
    if not table_exists(con, "notify_letters"):
        return frozenset()
    rows = con.execute(
        "SELECT DISTINCT person_id FROM notify_letters WHERE starts_with(batch, ?)", [PREFIX]
    ).fetchall()
    return frozenset(r[0] for r in rows)
