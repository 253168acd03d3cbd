"""`vigie assess`: severity, obligations and deadlines, each decision explained."""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, parse_now, verb
from vigie.errors import ConfigError


@app.command()
@click.argument(
    "workspace", required=False, type=click.Path(file_okay=False, path_type=Path), metavar="[WS]"
)
@click.option(
    "--facts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A facts file (incident.yaml schema); without WS, assess it alone (what-if).",
)
@click.option(
    "--now", "now_text", metavar="ISO", help="Fix the clock, e.g. 2021-02-24T09:00+01:00."
)
@verb
def assess(workspace: Path | None, facts: Path | None, now_text: str | None) -> Result:
    """Assess the incident: ENISA severity, CNIL notification and its 72-hour deadline,
    communication to the persons, the health-sector report, the breach register.

    With WS, the facts of WS/incident.yaml (or --facts) are completed by scan and link,
    each person gets a risk tier, and the register entry goes to WS/out/register/.

    \b
    Example:
      vigie assess incident-2021-02
      vigie assess --facts what-if.yaml --now 2021-02-24T09:00:00+01:00 --json
    """
    from vigie.assess import assess_facts
    from vigie.assess.summary_fr import summary_fr

    now = parse_now(now_text)
    if workspace is None and facts is None:
        raise ConfigError("give a workspace WS or --facts FILE")
    if workspace is None:
        from vigie.workspace.facts import load_facts

        assert facts is not None
        assessment = assess_facts(load_facts(facts), now, source=facts)
        return Result(assessment.to_dict(), summary_fr(assessment))
    from vigie.assess.run import assess_workspace

    assessment, entry = assess_workspace(open_workspace(workspace), facts, now)
    data = {**assessment.to_dict(), "register_entry": str(entry)}
    return Result(data, summary_fr(assessment) + f"\nEntrée du registre : {entry}")
