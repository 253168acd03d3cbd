"""The 72-hour clock as the report states it, at any moment."""

from __future__ import annotations

from datetime import datetime

import pytest

from vigie.report.decision import clock
from vigie.report.html import clock_view

AWARE = "2021-02-23T09:00:00+01:00"
DEADLINE = "2021-02-26T09:00:00+01:00"


def _decision(required: bool = True, deadline: str | None = DEADLINE, notified: str | None = None):  # type: ignore[no-untyped-def]
    return {
        "notify_sa": {"required": required, "deadline": deadline, "notified_at": notified},
        "facts": {"aware_at": AWARE},
    }


@pytest.mark.parametrize(
    ("decision", "now", "status", "headline"),
    [
        (_decision(), "2021-02-24T15:30:00+01:00", "running", "Il reste 41,5 h"),
        (_decision(), "2021-02-23T09:00:00+01:00", "running", "Il reste 3 jours (72 h)"),
        (_decision(), "2021-02-26T12:00:00+01:00", "late", "En retard de 3 h"),
        (_decision(), "2021-03-28T09:00:00+01:00", "late", "En retard de 30 jours (720 h)"),
        (_decision(notified="2021-02-25T10:00:00+01:00"), "2021-03-01T00:00:00+01:00",
         "notified", "Notifiée à temps, le 25/02/2021 à 10:00 (UTC+01:00)"),
        (_decision(notified="2021-02-26T21:00:00+01:00"), "2021-03-01T00:00:00+01:00",
         "notified_late", "Notifiée en retard de 12 h"),
        (_decision(required=False), "2021-02-24T15:30:00+01:00", "not_required",
         "Notification à la CNIL non requise"),
        (_decision(deadline=None), "2021-02-24T15:30:00+01:00", "no_deadline",
         "Notifier sans délai (date de connaissance inconnue)"),
    ],
)  # fmt: skip
def test_clock_status_and_headline(
    decision: dict[str, object], now: str, status: str, headline: str
) -> None:
    view = clock_view(clock(decision, datetime.fromisoformat(now)))
    assert view["status"] == status
    assert view["headline"].replace("\u202f", " ") == headline


def test_gauge_is_the_share_of_the_72_hours_used() -> None:
    at = clock(_decision(), datetime.fromisoformat("2021-02-24T21:00:00+01:00"))
    assert at.elapsed_fraction == pytest.approx(0.5)
    assert (
        clock(_decision(), datetime.fromisoformat("2021-03-24T00:00:00+01:00")).elapsed_fraction
        == 1.0
    )
