"""A report before scan, link or assess: it renders and says which verb to run."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.cli.runner import vigie
from tests.report.page import ReportPage
from vigie.report import build_report
from vigie.workspace import Workspace

NOW = datetime.fromisoformat("2021-02-24T15:30:00+01:00")


def test_a_new_workspace_gives_a_report_with_the_verbs_to_run(workspace: Workspace) -> None:
    result = build_report(workspace, now=NOW)
    text = result.html.read_text(encoding="utf-8")
    page = ReportPage(text)
    assert result.html.parent == workspace.out_dir / "report"
    assert set(result.missing) == {"controllers", "departements", "elements", "categories",
                                   "tiers", "exams"}  # fmt: skip
    assert page.clock == "unknown"
    assert "vigie assess" in text and "vigie scan" in text and "vigie link" in text
    assert "<svg" not in text
    assert page.figures["persons"] == ""


def test_report_is_recorded_in_the_audit_log(workspace: Workspace) -> None:
    build_report(workspace, now=NOW)
    assert '"verb": "report"' in workspace.audit_path.read_text(encoding="utf-8")


def test_cli_json_and_output(workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    run = vigie("report", str(workspace.path), "--output", str(target), "--json",
                "--now", "2021-02-24T15:30:00+01:00")  # fmt: skip
    assert run.code == 0, run.stderr
    doc = run.json()
    assert doc["html"] == str(target) and target.is_file()
    assert doc["bytes"] == len(target.read_bytes())
    assert doc["clock"] == "unknown" and doc["pdf"] is None


def test_cli_bad_now_is_one_line(workspace: Workspace) -> None:
    run = vigie("report", str(workspace.path), "--now", "tomorrow")
    assert run.code == 4 and run.stderr.startswith("vigie: error: --now")
