"""Scope: the figures a response has to publish, from the link outputs.

Distinct persons, per controller, per département of residence, persons with an exam in
a period (e.g. 2018-06-01..2019-02-05), persons in no registry (reachable only through
the leaked address, or not at all).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from vigie.errors import InputError
from vigie.link.through_keys import child_exams_sql


def parse_period(text: str | None) -> tuple[date, date] | None:
    """`2018-06-01..2019-02-05` -> (start, end), both included."""
    if not text:
        return None
    start, sep, end = text.partition("..")
    try:
        if not sep:
            raise ValueError
        first, last = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        raise InputError(
            f"--period {text!r}: expected FROM..TO as YYYY-MM-DD..YYYY-MM-DD"
        ) from None
    if last < first:
        raise InputError(f"--period {text!r}: the end is before the start")
    return first, last


def _counts(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> dict[str, int]:
    return {str(k): int(v) for k, v in con.execute(sql, params or []).fetchall()}


def figures(
    con: duckdb.DuckDBPyConnection, members: str, period: tuple[date, date] | None
) -> dict[str, Any]:
    """Figures over `persons` (store) and `members` (records with person ids, in memory)."""
    row = con.execute("""
        SELECT count(*), coalesce(sum(leak_rows), 0),
            count(*) FILTER (WHERE n_controllers = 0),
            count(*) FILTER (WHERE n_controllers = 0 AND (address IS NOT NULL
                OR postcode IS NOT NULL)),
            count(*) FILTER (WHERE n_controllers = 0 AND address IS NULL AND postcode IS NULL),
            count(*) FILTER (WHERE deceased),
            count(*) FILTER (WHERE n_controllers > 1)
        FROM persons""").fetchall()[0]
    out: dict[str, Any] = {
        "persons": int(row[0]),
        "records": int(row[1]),
        "per_controller": _counts(
            con,
            "SELECT c, count(*) FROM (SELECT unnest(controllers) AS c FROM persons) "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
        ),
        "per_departement": _counts(
            con,
            "SELECT coalesce(departement, 'unknown'), count(*) FROM persons "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
        ),
        "unlinked": int(row[2]),
        "unlinked_with_address": int(row[3]),
        "unreachable": int(row[4]),
        "deceased": int(row[5]),
        "several_controllers": int(row[6]),
    }
    if period:
        out["period"] = _period(con, members, period)
    return out


def _period(
    con: duckdb.DuckDBPyConnection, members: str, period: tuple[date, date]
) -> dict[str, Any]:
    """Persons with at least one exam in the period, overall and per controller."""
    first, last = period
    # exams dated by the person's rows, and by rows reached through keys (outputs.py)
    dated = (
        f"SELECT person_id, exam_date FROM {members} WHERE kind = 'leak' "
        f"UNION ALL {child_exams_sql(con)}"
    )
    in_period = (
        f"SELECT DISTINCT person_id FROM ({dated}) WHERE CAST(exam_date AS DATE) BETWEEN ? AND ?"
    )
    total = con.execute(f"SELECT count(*) FROM ({in_period})", [first, last]).fetchall()[0][0]
    per_controller = _counts(
        con,
        f"SELECT c, count(*) FROM (SELECT unnest(p.controllers) AS c FROM persons p "
        f"WHERE p.person_id IN ({in_period})) GROUP BY 1 ORDER BY 2 DESC, 1",
        [first, last],
    )
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "persons": int(total),
        "per_controller": per_controller,
    }
