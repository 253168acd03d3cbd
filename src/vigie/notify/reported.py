"""Addresses people gave the call centre: what `vigie notify --resend` sends to, beside
the registries' newer addresses.

The console records a caller's new address in the store table `call_outcomes` (kind
`new_address`, with `after_issue`, the last notify issue when it was recorded). A change
is *pending* while no letter of the person belongs to a later issue: `--resend` then
writes the person's letter again to the newest address they gave, whether their letter
came back, is still on its way or never went out (no usable address). The address the
person gave comes before any registry's: it is their own word, and the newest.
"""

from __future__ import annotations

from typing import Any

import duckdb

from vigie.workspace import table_exists

Address = tuple[str, str, str]  # street lines, postcode, city


def pending_moves(
    con: duckdb.DuckDBPyConnection, person_ids: list[str] | None = None
) -> list[tuple[str | None, str, str | None]]:
    """(latest letter id, person id, that letter's address hash) of each person whose newest
    address change no later letter has followed yet; the letter is None when none went out."""
    if not table_exists(con, "call_outcomes"):
        return []
    only = "AND list_contains(?, person_id)" if person_ids is not None else ""
    moves = (
        "SELECT person_id, max(after_issue) AS after_issue FROM call_outcomes "
        f"WHERE kind = 'new_address' {only} GROUP BY 1"
    )
    params = [person_ids] if person_ids is not None else []
    if not table_exists(con, "notify_letters"):
        rows = con.execute(f"SELECT NULL, person_id, NULL FROM ({moves}) ORDER BY 2", params)
        return [(r[0], r[1], r[2]) for r in rows.fetchall()]
    rows = con.execute(
        f"""SELECT l.letter_id, m.person_id, l.address_hash FROM ({moves}) m
        LEFT JOIN (SELECT person_id, max(issue) AS issue, arg_max(letter_id, issue) AS letter_id,
                arg_max(address_hash, issue) AS address_hash
            FROM notify_letters GROUP BY 1) l USING (person_id)
        WHERE l.issue IS NULL OR l.issue <= m.after_issue ORDER BY 2""",
        params,
    )
    return [(r[0], r[1], r[2]) for r in rows.fetchall()]


def pending_move(con: duckdb.DuckDBPyConnection, person_id: str) -> bool:
    """Whether one person has a pending address change (pending_moves' rule, by point
    lookups: the console asks it on every call)."""
    if not table_exists(con, "call_outcomes"):
        return False
    after = con.execute(
        "SELECT max(after_issue) FROM call_outcomes WHERE kind = 'new_address' AND person_id = ?",
        [person_id],
    ).fetchall()[0][0]
    if after is None or not table_exists(con, "notify_letters"):
        return after is not None
    last = con.execute(
        "SELECT max(issue) FROM notify_letters WHERE person_id = ?", [person_id]
    ).fetchall()[0][0]
    return last is None or int(last) <= int(after)


def with_moves(con: duckdb.DuckDBPyConnection, returned: list[Any]) -> list[tuple[Any, ...]]:
    """The returned letters to resend (letter id, person id, address hash), and the pending
    address changes of other persons (their latest letter and its hash, None if none)."""
    persons = {pid for _, pid, _ in returned}
    return [*returned, *(m for m in pending_moves(con) if m[1] not in persons)]


def reported_addresses(
    con: duckdb.DuckDBPyConnection, person_ids: list[str]
) -> dict[str, list[Address]]:
    """The newest address each person gave the call centre (only persons who gave one)."""
    if not (person_ids and table_exists(con, "call_outcomes")):
        return {}
    rows = con.execute(
        "SELECT person_id, arg_max([address, postcode, city], (after_issue, recorded_at, "
        "outcome_id)) FROM call_outcomes WHERE kind = 'new_address' "
        "AND list_contains(?, person_id) GROUP BY 1",
        [person_ids],
    ).fetchall()
    return {str(pid): [(str(a[0]), str(a[1]), str(a[2]))] for pid, a in rows}
