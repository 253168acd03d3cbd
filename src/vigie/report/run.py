"""`vigie report WS`: one self-contained HTML file (and a PDF when Chromium is there)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from vigie.report import html
from vigie.report.data import collect
from vigie.report.decision import assessments_count, clock, latest_decision, link_period
from vigie.workspace import Workspace

REPORT_DIR = "report"


@dataclass
class ReportResult:
    """Where the report went and the headline figures it shows."""

    html: Path
    pdf: Path | None
    bytes: int
    totals: dict[str, int | None]
    charts: list[str]
    clock: str
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "html": str(self.html),
            "pdf": str(self.pdf) if self.pdf else None,
            "bytes": self.bytes,
            "totals": self.totals,
            "charts": self.charts,
            "clock": self.clock,
            "missing": self.missing,
        }


def build_report(
    ws: Workspace,
    now: datetime | None = None,
    output: Path | None = None,
    pdf: bool = False,
    period: tuple[date, date] | None = None,
) -> ReportResult:
    """Write the incident report of `ws` (default WS/out/report/rapport-<time>.html).

    `period` (exams from..to) is shaded on the exams chart; by default the one the last
    `vigie link --period` studied.
    """
    started = time.monotonic()
    now = now or datetime.now(UTC)
    with ws.connect() as con:
        decision = latest_decision(con)
        figures = collect(con)
        studied = (period[0].isoformat(), period[1].isoformat()) if period else link_period(con)
        history = assessments_count(con)
        the_clock = clock(decision, _local(now, decision)) if decision else None
        clock_view = html.clock_view(the_clock)
        charts = html.chart_views(figures, decision, studied)
        context = {
            "title": _title(decision, ws),
            "generated": html.when_fr(_local(now, decision)),
            "version": html.vigie_version(),
            "decision": decision,
            "assessed": _assessed(decision),
            "assessments": history,
            "facts": html.facts_rows((decision or {}).get("facts") or _ws_facts(ws)),
            "clock": clock_view,
            "obligations": html.obligations(decision) if decision else [],
            "totals": figures.totals,
            "inventory": figures.inventory,
            "charts": charts,
            "levels": html.fr.LEVELS_FR,
        }
        page = html.render(context)
        target = output or _default_path(ws, now)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside, then moved: a run killed mid-write never leaves half a report.
        partial = target.with_name(target.name + ".partial")
        partial.write_text(page, encoding="utf-8")
        partial.replace(target)
        pdf_path = _pdf(target) if pdf else None
        missing = [view["key"] for view in charts if not view["pairs"]]
        result = ReportResult(
            html=target,
            pdf=pdf_path,
            bytes=len(page.encode("utf-8")),
            totals=figures.totals,
            charts=[view["key"] for view in charts if view["pairs"]],
            clock=str(clock_view["status"]),
            missing=missing,
        )
        params = {"output": str(target), "pdf": pdf, "now": now.isoformat(), "period": studied}
        counts = {"bytes": result.bytes, "charts": len(result.charts), "missing": missing}
        ws.record("report", params, counts, started=started, con=con)
    return result


def _local(now: datetime, decision: dict[str, Any] | None) -> datetime:
    """`now` in the incident's time zone (that of aware_at), so times read as the facts do."""
    aware = ((decision or {}).get("facts") or {}).get("aware_at")
    if isinstance(aware, str):
        zone = datetime.fromisoformat(aware).tzinfo
        if zone is not None:
            return now.astimezone(zone)
    return now


def _title(decision: dict[str, Any] | None, ws: Workspace) -> str:
    facts = (decision or {}).get("facts") or _ws_facts(ws)
    return str(facts.get("title") or "Violation de données")


def _ws_facts(ws: Workspace) -> dict[str, Any]:
    try:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in ws.facts().items()}
    except Exception:  # the facts file is people's work in progress; the report still renders
        return {}


def _assessed(decision: dict[str, Any] | None) -> str | None:
    stamp = (decision or {}).get("assessed_at")
    if not isinstance(stamp, str):
        return None
    return html.when_fr(_local(datetime.fromisoformat(stamp), decision))


def _default_path(ws: Workspace, now: datetime) -> Path:
    return ws.out_dir / REPORT_DIR / f"rapport-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.html"


def _pdf(page: Path) -> Path:
    from vigie.report.pdf import print_to_pdf

    return print_to_pdf(page, page.with_suffix(".pdf"))
