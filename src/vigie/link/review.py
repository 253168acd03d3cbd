"""The review queue: pairs between the thresholds, shown side by side, masked.

A reviewer sees, per identity field, whether the two records agree (`=`), differ (`≠`)
or one is empty, with masked values (scan's masks: a name's initial, a NIR's sex and
year...). Decisions go to `link_decisions` and the audit log; `vigie link` applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from vigie.errors import InputError
from vigie.link import records
from vigie.link import standardise as std
from vigie.link.decide import ensure_tables
from vigie.scan import masking
from vigie.scan.recognizers.dates import parse_date
from vigie.workspace import Workspace, quote_ident, table_exists, transaction

_MASKS: dict[str, Callable[[str], str]] = {
    "last_name": masking.mask_name,
    "birth_name": masking.mask_name,
    "first_names": masking.mask_name,
    "birth_date": masking.mask_date,
    "sex": lambda v: v,
    "nir": masking.mask_nir,
    "other_id": masking.mask_id,
    "address": masking.mask_address,
    "postcode": masking.mask_postcode,
    "city": masking.mask_name,
    "phone": masking.mask_phone,
    "email": masking.mask_email,
}


@dataclass
class ReviewPair:
    pair_id: int
    probability: float
    left: str
    right: str
    fields: list[tuple[str, str, str, str]] = field(default_factory=list)  # role, mark, l, r

    def as_dict(self) -> dict[str, Any]:
        return {
            "pair_id": self.pair_id,
            "probability": round(self.probability, 4),
            "left": self.left,
            "right": self.right,
            "fields": [
                {"field": f, "agree": m, "left": a, "right": b} for f, m, a, b in self.fields
            ],
        }


def queue(ws: Workspace, limit: int) -> list[ReviewPair]:
    """The first `limit` undecided pairs of the queue, most probable first."""
    with ws.connect(read_only=True) as con:
        return queue_on(con, limit)


def queue_on(con: duckdb.DuckDBPyConnection, limit: int, after: int = 0) -> list[ReviewPair]:
    """`queue` over an open store (the console's), from the pair after `after` on."""
    if not table_exists(con, "link_review"):
        return []
    rows = con.execute(
        "SELECT q.pair_id, q.unique_id_l, q.unique_id_r, q.match_probability "
        "FROM link_review q WHERE q.pair_id > ? AND NOT EXISTS (SELECT 1 FROM "
        "link_decisions d WHERE d.unique_id_l = q.unique_id_l AND "
        "d.unique_id_r = q.unique_id_r) ORDER BY q.pair_id LIMIT ?",
        [after, limit],
    ).fetchall()
    if not rows:
        return []
    sources = {s.name: s for s in records.source_tables(con)}
    return [_pair(con, sources, *row) for row in rows]


def pending(con: duckdb.DuckDBPyConnection) -> int:
    """How many queued pairs wait for a decision."""
    if not table_exists(con, "link_review"):
        return 0
    row = con.execute(
        "SELECT count(*) FROM link_review q WHERE NOT EXISTS (SELECT 1 FROM link_decisions d "
        "WHERE d.unique_id_l = q.unique_id_l AND d.unique_id_r = q.unique_id_r)"
    ).fetchone()
    return int(row[0]) if row else 0


def _row_values(
    con: duckdb.DuckDBPyConnection, sources: dict[str, records.SourceTable], uid: str
) -> dict[str, str]:
    table, _, row = uid.rpartition(":")
    source = sources.get(table)
    if source is None:
        return {}
    roles = [(r, c) for r, cols in source.roles.items() for c in cols[:1] if r in _MASKS]
    if not roles:
        return {}
    select = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR)" for _, c in roles)
    found = con.execute(
        f"SELECT {select} FROM {quote_ident(table)} WHERE _row = ?", [int(row)]
    ).fetchall()
    if not found:
        return {}
    return {r: v.strip() for (r, _), v in zip(roles, found[0], strict=True) if v and v.strip()}


def _pair(
    con: duckdb.DuckDBPyConnection,
    sources: dict[str, records.SourceTable],
    pair_id: int,
    left: str,
    right: str,
    probability: float,
) -> ReviewPair:
    a, b = _row_values(con, sources, left), _row_values(con, sources, right)
    pair = ReviewPair(int(pair_id), float(probability), left, right)
    for role, mask in _MASKS.items():
        if role not in a and role not in b:
            continue
        va, vb = a.get(role), b.get(role)
        mark = "?" if va is None or vb is None else ("=" if _agree(role, va, vb) else "≠")
        pair.fields.append((role, mark, mask(va) if va else "", mask(vb) if vb else ""))
    return pair


def _agree(role: str, left: str, right: str) -> bool:
    """Whether two raw values say the same, as the model compares them: dates whatever
    their format (`1980-03-04` = `04/03/1980`), phones in E.164, else case, accents and
    punctuation aside."""
    if role == "birth_date":
        a, b = parse_date(left), parse_date(right)
        if a is not None and b is not None:
            return a == b
    if role == "phone":
        a_phone, b_phone = std.phone_e164(left), std.phone_e164(right)
        if a_phone is not None and b_phone is not None:
            return a_phone == b_phone
    return _folded(left) == _folded(right)


def _folded(value: str) -> str:
    from vigie.scan.recognizers.text_norm import fold

    return "".join(ch for ch in fold(value).upper() if ch.isalnum())


def side_by_side(pair: ReviewPair) -> str:
    """A few lines a person can judge: masked values and whether they agree."""
    head = f"pair {pair.pair_id}  p={pair.probability:.3f}  {pair.left}  <->  {pair.right}"
    lines = [head]
    for role, mark, a, b in pair.fields:
        lines.append(f"  {role:<12} {a:<28} {mark} {b}")
    return "\n".join(lines)


def record_decisions(
    ws: Workspace, decisions: Sequence[tuple[int, str]], *, by: str | None = None
) -> list[dict[str, Any]]:
    """Store accept/reject for queued pairs (by pair id) and audit each one."""
    with ws.connect() as con:
        return record_on(ws, con, decisions, by=by)


def record_on(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    decisions: Sequence[tuple[int, str]],
    *,
    by: str | None = None,
) -> list[dict[str, Any]]:
    """`record_decisions` over an open store; `by` (a console login) goes in the audit."""
    done = []
    ensure_tables(con)
    for pair_id, decision in decisions:
        if decision not in ("accept", "reject"):
            raise InputError(f"pair {pair_id}: decision must be accept or reject")
        rows = con.execute(
            "SELECT unique_id_l, unique_id_r, match_probability FROM link_review WHERE pair_id = ?",
            [pair_id],
        ).fetchall()
        if not rows:
            raise InputError(f"no pair {pair_id} in the review queue (vigie review --list)")
        left, right, probability = rows[0]
        # One decision per pair, the latest: the same decision again (a re-run after
        # an interruption) leaves one row, not two.
        with transaction(con):
            con.execute(
                "DELETE FROM link_decisions WHERE least(unique_id_l, unique_id_r) = "
                "least(?, ?) AND greatest(unique_id_l, unique_id_r) = greatest(?, ?)",
                [left, right, left, right],
            )
            con.execute(
                "INSERT INTO link_decisions VALUES (?, ?, ?, now(), ?)",
                [left, right, decision, probability],
            )
        entry = {"pair_id": pair_id, "left": left, "right": right, "decision": decision}
        if by is not None:
            entry["by"] = by
        ws.record("review", entry, {"decisions": 1}, con=con)
        done.append(entry)
    return done
