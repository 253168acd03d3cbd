"""`vigie report`: the picture of the incident, as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, parse_now, verb, workspace_argument


@app.command()
@workspace_argument
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the HTML (default WS/out/report/rapport-<time>.html).",
)
@click.option(
    "--period", metavar="FROM..TO", help="Exam period to shade (default: that of link --period)."
)
@click.option("--pdf", is_flag=True, help="Also print it to PDF with headless Chromium.")
@click.option(
    "--now", "now_text", metavar="ISO", help="Fix the clock, e.g. 2021-02-24T09:00+01:00."
)
@verb
def report(
    workspace: Path, output: Path | None, period: str | None, pdf: bool, now_text: str | None
) -> Result:
    """Write the incident report: facts and the 72-hour clock, decisions and reasons,
    exposed data, charts per controller, département, element, category, risk tier and
    exams over time. In French, offline, figures only (no personal value).

    \b
    Example:
      vigie report incident-2021-02
      vigie report incident-2021-02 --period 2018-06-01..2019-02-05
      vigie report incident-2021-02 --pdf --now 2021-02-24T09:00:00+01:00 --json
    """
    from vigie.link.scope import parse_period
    from vigie.report import build_report

    ws = open_workspace(workspace)
    result = build_report(ws, parse_now(now_text), output, pdf, parse_period(period))
    lines = [f"Rapport : {result.html} ({result.bytes / 1024:.0f} Kio)"]
    if result.pdf:
        lines.append(f"PDF : {result.pdf}")
    if result.missing:
        lines.append("Graphiques absents (étape non lancée) : " + ", ".join(result.missing))
    return Result(result.as_dict(), "\n".join(lines))
