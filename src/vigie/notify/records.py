"""The notify tables of the store: issues, letters, not-sent persons, delivery status.

- `notify_issues (issue, kind, created_at, letters, out)`: one row per run that issued
  letters (kind: initial | reissue | resend).
- `notify_letters (letter_id, issue, person_id, batch, first_page, last_page, postcode,
  controller, variant, tier, email, sms, address_hash, resend_of)`.
- `notify_not_sent (issue, person_id, reason)`.
- `notify_minors_review (issue, person_id, letter_id, controller, age, withheld)`: minors
  whose parents' letter names some items only generically, for the lab's doctor
  (minors.py).
- `notify_status (letter_id, status, status_date, source, imported_at)`: see tracking.py.
- `notify_codes`, `notify_secret`: see codes.py (no plaintext code anywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from vigie.workspace import table_exists

DDL = (
    "CREATE TABLE IF NOT EXISTS notify_issues (issue INTEGER, kind VARCHAR, "
    "created_at TIMESTAMPTZ, letters BIGINT, out VARCHAR)",
    "CREATE TABLE IF NOT EXISTS notify_letters (letter_id VARCHAR, issue INTEGER, "
    "person_id VARCHAR, batch VARCHAR, first_page INTEGER, last_page INTEGER, "
    "postcode VARCHAR, controller VARCHAR, variant VARCHAR, tier VARCHAR, email BOOLEAN, "
    "sms BOOLEAN, address_hash VARCHAR, resend_of VARCHAR)",
    "CREATE TABLE IF NOT EXISTS notify_not_sent (issue INTEGER, person_id VARCHAR, reason VARCHAR)",
    "CREATE TABLE IF NOT EXISTS notify_status (letter_id VARCHAR, status VARCHAR, "
    "status_date DATE, source VARCHAR, imported_at TIMESTAMPTZ)",
    "CREATE TABLE IF NOT EXISTS notify_minors_review (issue INTEGER, person_id VARCHAR, "
    "letter_id VARCHAR, controller VARCHAR, age INTEGER, withheld VARCHAR)",
)


@dataclass(frozen=True)
class IssueRow:
    issue: int
    kind: str
    letters: int
    out: str


LETTER_COLUMNS = (
    "letter_id", "issue", "person_id", "batch", "first_page", "last_page", "postcode",
    "controller", "variant", "tier", "email", "sms", "address_hash", "resend_of",
)  # fmt: skip


REVIEW_COLUMNS = ("issue", "person_id", "letter_id", "controller", "age", "withheld")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def issues(con: duckdb.DuckDBPyConnection) -> list[IssueRow]:
    if not table_exists(con, "notify_issues"):
        return []
    rows = con.execute(
        "SELECT issue, kind, letters, out FROM notify_issues ORDER BY issue"
    ).fetchall()
    return [IssueRow(int(i), str(k), int(n), str(o)) for i, k, n, o in rows]


def not_sent_counts(con: duckdb.DuckDBPyConnection, issue: int) -> dict[str, int]:
    rows = con.execute(
        "SELECT reason, count(*) FROM notify_not_sent WHERE issue = ? GROUP BY 1 ORDER BY 1",
        [issue],
    ).fetchall()
    return {str(reason): int(n) for reason, n in rows}


def batch_count(con: duckdb.DuckDBPyConnection, issue: int) -> int:
    return int(
        con.execute(
            "SELECT count(DISTINCT batch) FROM notify_letters WHERE issue = ?", [issue]
        ).fetchall()[0][0]
    )


def large_print_count(con: duckdb.DuckDBPyConnection, issue: int) -> int:
    return int(
        con.execute(
            "SELECT count(*) FROM notify_letters WHERE issue = ? AND starts_with(batch, ?)",
            [issue, "large-print-"],
        ).fetchall()[0][0]
    )


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[Any]
) -> None:
    """Bulk insert through Arrow (executemany is row by row: minutes at 500,000)."""
    if not rows:
        return
    import pyarrow as pa

    data = pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})
    con.register("_notify_rows", data)
    try:
        names = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _notify_rows")
    finally:
        con.unregister("_notify_rows")
