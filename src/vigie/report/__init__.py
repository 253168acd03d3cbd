"""The incident report: figures from the store, charts, one self-contained HTML file."""

from __future__ import annotations

from vigie.report.run import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]
