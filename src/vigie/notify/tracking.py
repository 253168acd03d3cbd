"""What became of each letter: `notify status --import FILE` records sent / delivered /
returned per letter id; `notify --resend` writes a new batch for returned letters at the
registry's newer address where link found one (an address other than the one used)."""

from __future__ import annotations

import csv
import hashlib
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import InputError
from vigie.notify import codes, large_print, records
from vigie.notify.issue import address_hash, write_issue
from vigie.notify.minors import MinorsPolicy
from vigie.notify.people import Planned, load_people, plan
from vigie.workspace import Workspace, quote_ident, table_exists

STATUSES = ("sent", "delivered", "returned")
_SYNONYMS = {
    "sent": "sent",
    "envoye": "sent",
    "envoyé": "sent",
    "posted": "sent",
    "delivered": "delivered",
    "distribue": "delivered",
    "distribué": "delivered",
    "returned": "returned",
    "retour": "returned",
    "npai": "returned",
    "n'habite pas à l'adresse indiquée": "returned",
    "n'habite pas a l'adresse indiquee": "returned",
}
MAX_REPORTED = 5


def _read_status_file(path: Path, known: set[str]) -> list[tuple[str, str, str | None]]:
    """(letter_id, status, date) rows; every bad line is collected, then reported at once."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = {f.strip().lower() for f in reader.fieldnames or []}
            if not {"letter_id", "status"} <= fields:
                raise InputError("needs a header with letter_id and status", path=path)
            rows, problems = [], []
            for line, raw in enumerate(reader, 2):
                row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
                status = _SYNONYMS.get(row["status"].lower())
                if row["letter_id"] not in known:
                    problems.append(f"line {line}: unknown letter id")
                elif status is None:
                    problems.append(f"line {line}: unknown status (sent|delivered|returned)")
                else:
                    rows.append((row["letter_id"], status, row.get("date") or None))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path=path) from None
    if problems:
        more = f" (+{len(problems) - MAX_REPORTED} more)" if len(problems) > MAX_REPORTED else ""
        raise InputError("; ".join(problems[:MAX_REPORTED]) + more, path=path)
    return rows


def import_status(ws: Workspace, path: Path) -> dict[str, Any]:
    """Record a status file; importing the same file again replaces its rows."""
    started = time.monotonic()
    source = hashlib.sha256(path.read_bytes()).hexdigest()
    with ws.connect() as con:
        records.ensure_tables(con)
        known = {r[0] for r in con.execute("SELECT letter_id FROM notify_letters").fetchall()}
        rows = _read_status_file(path, known)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM notify_status WHERE source = ?", [source])
            records.insert_rows(
                con,
                "notify_status",
                ("letter_id", "status", "status_date", "source"),
                [(lid, status, at, source) for lid, status, at in rows],
            )
            con.execute("UPDATE notify_status SET imported_at = now() WHERE imported_at IS NULL")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        counts = {s: sum(1 for r in rows if r[1] == s) for s in STATUSES}
        ws.record("notify status", {"file_digest": source}, counts, started=started, con=con)
    return {"rows": len(rows), **counts}


# Latest news per letter: by date, then import, then the later stage on the same day.
_LATEST = """
SELECT l.letter_id, l.person_id, l.address_hash, s.status
FROM notify_letters l LEFT JOIN (
    SELECT letter_id, arg_max(status, (coalesce(status_date, DATE '1970-01-01'), imported_at,
        CASE status WHEN 'returned' THEN 3 WHEN 'delivered' THEN 2 ELSE 1 END)) AS status
    FROM notify_status GROUP BY 1) s USING (letter_id)
"""


def status_counts(ws: Workspace) -> dict[str, int]:
    """Letters by latest known status ('unknown' when nothing was imported for them)."""
    with ws.connect(read_only=True) as con:
        if not table_exists(con, "notify_letters"):
            return {}
        rows = con.execute(
            f"SELECT coalesce(status, 'unknown'), count(*) FROM ({_LATEST}) GROUP BY 1 ORDER BY 1"
        ).fetchall()
    return {str(s): int(n) for s, n in rows}


def _registry_addresses(
    con: duckdb.DuckDBPyConnection, person_ids: list[str]
) -> dict[str, list[tuple[str, str, str]]]:
    """(address, postcode, city) of each person's registry rows, best link first."""
    found: dict[str, list[tuple[str, str, str]]] = {p: [] for p in person_ids}
    if not (person_ids and table_exists(con, "person_registry")):
        return found
    links = con.execute(
        'SELECT person_id, "table", _row FROM person_registry WHERE list_contains(?, person_id) '
        "ORDER BY person_id, probability DESC",
        [person_ids],
    ).fetchall()
    for table in sorted({t for _, t, _ in links}):
        columns = _address_columns(con, table)
        if columns is None:
            continue
        street, postcode, city = columns
        rows = dict(
            (r[0], r[1:])
            for r in con.execute(
                f"SELECT _row, concat_ws(', ', {street}), {postcode}, {city} "
                f"FROM {quote_ident(table)} WHERE list_contains(?, _row)",
                [[row for _, t, row in links if t == table]],
            ).fetchall()
        )
        for pid, t, row in links:
            if t == table and row in rows and rows[row][0]:
                found[pid].append(tuple(str(v or "") for v in rows[row]))  # type: ignore[arg-type]
    return found


def _address_columns(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, str, str] | None:
    rows = con.execute(
        "SELECT s.column_name, s.element FROM scan_columns s JOIN information_schema.columns c "
        "ON c.table_name = s.table_name AND c.column_name = s.column_name "
        "WHERE s.table_name = ? AND s.element IN ('contact.address', 'contact.postcode', "
        "'contact.city') ORDER BY c.ordinal_position",
        [table],
    ).fetchall()
    by = {e: [quote_ident(c) for c, el in rows if el == e] for e in ("contact.address",
          "contact.postcode", "contact.city")}  # fmt: skip
    if not all(by.values()):
        return None
    return ", ".join(by["contact.address"]), by["contact.postcode"][0], by["contact.city"][0]


def resend_returned(ws: Workspace, options: Any) -> dict[str, Any]:
    """A resend issue for returned letters that have a newer registry address."""
    from vigie.notify.run import _next_issue, issue_spec

    started = time.monotonic()
    facts = ws.facts()
    with ws.connect() as con:
        records.ensure_tables(con)
        returned = con.execute(
            f"SELECT letter_id, person_id, address_hash FROM ({_LATEST}) WHERE status = "
            "'returned' AND letter_id NOT IN (SELECT resend_of FROM notify_letters "
            "WHERE resend_of IS NOT NULL)"
        ).fetchall()
        spec = issue_spec(ws, facts, options, _next_issue(con), "resend")
        spec = replace(spec, large_print=large_print.standing(con))
        people = {p.person_id: p for p in load_people(con, spec.inc.letter_date)}
        candidates = _registry_addresses(con, [r[1] for r in returned])
        policy = MinorsPolicy.from_facts(facts)
        planned, not_sent, resend_of = [], [], {}
        for lid, pid, old_hash in returned:
            plan = _newer(people.get(pid), candidates.get(pid, []), old_hash, policy)
            if plan is None:
                not_sent.append((pid, "no_newer_address"))
            else:
                planned.append(plan)
                resend_of[pid] = lid
        planned.sort(key=lambda p: (p.address[-1][:5], p.person.person_id))
        outcome = None
        if planned:
            secret = codes.load_secret(con, create=True)
            assert secret is not None
            outcome = write_issue(con, spec, planned, not_sent, secret, resend_of)
            counts = {"letters": outcome.letters, "no_newer_address": len(not_sent)}
            ws.record("notify resend", {"issue": spec.issue}, counts, started=started, con=con)
    return {
        "letters": outcome.letters if outcome else 0,
        "returned": len(returned),
        "no_newer_address": len(not_sent),
        "issue": spec.issue if outcome else None,
        "out": str(spec.out) if outcome else None,
        "batches": outcome.batches if outcome else 0,
    }


def _newer(
    person: Any, candidates: list[tuple[str, str, str]], old_hash: str, policy: MinorsPolicy
) -> Planned | None:
    """The letter again at the first registry address that differs from the one used,
    planned as the first was (a minor's letter keeps its variant: minors.py)."""
    if person is None:
        return None
    for street, postcode, city in candidates:
        recipient = replace(person.recipient, address=street, postcode=postcode, city=city)
        planned, _ = plan([replace(person, recipient=recipient)], policy)
        if planned and address_hash(planned[0].address) != old_hash:
            return planned[0]
    return None
