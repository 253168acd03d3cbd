"""`vigie notify WS --large-print FILE`: the persons whose letters are printed in large type.

FILE holds what an operator has at hand when someone asks for large print: the reference
printed at the foot of a letter already sent (`L01-000123`), or a person id (the
`person_id` of `controllers/<lab>/persons.csv` and of `not_sent.csv`). Either one
reference a line (blank lines and `#` comments skipped), or a CSV whose header has a
`person_id` or `letter_id` column. A request stands: the person's letters in later
issues (`--reissue`, `--resend`) are printed large too.

Before the first issue the file marks letters of that issue; once letters are out it
makes a small issue of large-print copies (kind `resend`: the filings count only the
main issue), each replacing the person's latest letter, with a new code (the old one
stays valid).
"""

from __future__ import annotations

import csv
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import InputError
from vigie.workspace import Workspace, table_exists

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


def issue_copies(ws: Workspace, options: Any, path: Path) -> dict[str, Any]:
    """Once letters are out: a large-print copy for each person the file names."""
    from vigie.notify import codes
    from vigie.notify.issue import write_issue
    from vigie.notify.minors import MinorsPolicy
    from vigie.notify.people import load_people, plan
    from vigie.notify.run import _next_issue, issue_spec

    started = time.monotonic()
    facts = ws.facts()
    with ws.connect() as con:
        wanted = resolve(con, path)
        spec = issue_spec(ws, facts, options, _next_issue(con), "resend")
        spec = replace(spec, large_print=wanted)
        policy = MinorsPolicy.from_facts(facts)  # a minor's copy is the same variant
        planned, not_sent = plan(load_people(con, spec.inc.letter_date), policy)
        chosen = [p for p in planned if p.person.person_id in wanted]
        skipped = [(pid, reason) for pid, reason in not_sent if pid in wanted]
        latest = dict(
            con.execute(
                "SELECT person_id, arg_max(letter_id, issue) FROM notify_letters "
                "WHERE list_contains(?, person_id) GROUP BY 1",
                [sorted(wanted)],
            ).fetchall()
        )
        secret = codes.load_secret(con, create=True)
        assert secret is not None
        outcome = write_issue(con, spec, chosen, skipped, secret, latest) if chosen else None
        letters = outcome.letters if outcome else 0
        counts = {"letters": letters, "not_sent": len(skipped)}
        ws.record("notify large-print", {"issue": spec.issue}, counts, started=started, con=con)
    reasons: dict[str, int] = {}
    for _, reason in skipped:
        reasons[reason] = reasons.get(reason, 0) + 1
    return {
        "letters": letters,
        "large_print": letters,
        "persons": len(wanted),
        "not_sent": reasons,
        "issue": spec.issue if outcome else None,
        "kind": "resend",
        "out": str(spec.out) if outcome else None,
        "batches": outcome.batches if outcome else 0,
        "already_issued": False,
    }
