"""The latest assessment (from the `assessments` history) and the 72-hour clock at a moment."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

from vigie.workspace import table_exists


@dataclass(frozen=True)
class Clock:
    """Where the CNIL notification stands at `now`."""

    required: bool
    aware_at: datetime | None
    deadline: datetime | None
    notified_at: datetime | None
    now: datetime

    @property
    def status(self) -> str:
        """`not_required`, `no_deadline`, `notified`, `notified_late`, `running` or `late`."""
        if not self.required:
            return "not_required"
        if self.deadline is None:
            return "no_deadline"
        if self.notified_at is not None:
            return "notified_late" if self.notified_at > self.deadline else "notified"
        return "late" if self.now > self.deadline else "running"

    @property
    def hours_left(self) -> float:
        if self.deadline is None or self.status != "running":
            return 0.0
        return (self.deadline - self.now).total_seconds() / 3600

    @property
    def late_by_hours(self) -> float:
        if self.deadline is None:
            return 0.0
        end = self.notified_at or self.now
        return max(0.0, (end - self.deadline).total_seconds() / 3600)

    @property
    def elapsed_fraction(self) -> float:
        """Share of the 72 hours used at `now` (for the gauge), between 0 and 1."""
        if self.deadline is None:
            return 1.0
        start = self.aware_at or self.deadline - timedelta(hours=72)
        total = (self.deadline - start).total_seconds()
        used = ((self.notified_at or self.now) - start).total_seconds()
        return min(1.0, max(0.0, used / total)) if total > 0 else 1.0


def latest_decision(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The decision document of the most recent assessment, or None before `vigie assess`."""
    if not table_exists(con, "assessments"):
        return None
    row = con.execute(
        "SELECT decision FROM assessments ORDER BY recorded_at DESC, assessed_at DESC LIMIT 1"
    ).fetchone()
    if not row:
        return None
    doc = row[0]
    return json.loads(doc) if isinstance(doc, str) else dict(doc)


def assessments_count(con: duckdb.DuckDBPyConnection) -> int:
    if not table_exists(con, "assessments"):
        return 0
    row = con.execute("SELECT count(*) FROM assessments").fetchone()
    return int(row[0]) if row else 0


def _stamp(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def clock(decision: dict[str, Any], now: datetime) -> Clock:
    """The Art. 33 clock of `decision` as it stands at `now` (the report's moment)."""
    sa = decision.get("notify_sa") or {}
    facts = decision.get("facts") or {}
    return Clock(
        required=bool(sa.get("required")),
        aware_at=_stamp(facts.get("aware_at")),
        deadline=_stamp(sa.get("deadline")),
        notified_at=_stamp(sa.get("notified_at")),
        now=now,
    )


def link_period(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """The exam period the last `vigie link --period` was asked about, if any."""
    if not table_exists(con, "_runs"):
        return None
    row = con.execute(
        "SELECT params FROM _runs WHERE verb = 'link' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if not row or row[0] is None:
        return None
    params = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    period = params.get("period") if isinstance(params, dict) else None
    if isinstance(period, list) and len(period) == 2:
        return str(period[0]), str(period[1])
    return None
