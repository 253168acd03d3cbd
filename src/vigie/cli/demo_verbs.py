"""`vigie demo`: the whole pipeline on a generated incident."""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli import app
from vigie.cli._common import Result, verb
from vigie.demo import DemoReport, run_demo


@app.command()
@click.option(
    "--persons",
    type=click.IntRange(min=10),
    default=20_000,
    show_default=True,
    help="Persons in the synthetic incident.",
)
@click.option("--seed", type=int, default=2021, show_default=True, help="Random seed.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Folder for the incident and its workspace (a previous demo is replaced).",
)
@verb
def demo(persons: int, seed: int, out: Path) -> Result:
    """Generate a synthetic incident and run every stage on it.

    \b
    Example:
      vigie demo --persons 5000 --out /tmp/vigie-demo
    """
    report = run_demo(out, persons=persons, seed=seed)
    return Result(report.as_dict(), _text(report))


def _text(report: DemoReport) -> str:
    lines = ["vigie demo: a synthetic incident through every stage", ""]
    for stage in report.stages:
        details = ", ".join(
            f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
            for k, v in stage.summary.items()
            if k != "one_time_password"  # printed once, below, with what to do with it
        )
        lines.append(f"  {stage.stage:<10} {stage.seconds:7.1f} s   {details}")
    total = sum(s.seconds for s in report.stages)
    lines += [
        f"  {'total':<10} {total:7.1f} s",
        "",
        f"incident files: {report.out / 'incident'} (leak/, registries/, truth/)",
        f"workspace:      {report.workspace} (encrypted store, audit.jsonl, out/)",
        f"try:            vigie export {report.workspace} --list",
    ]
    portal = next((s.summary for s in report.stages if s.stage == "portal"), None)
    if portal:
        lines += [
            f"portal:         vigie portal serve {portal['bundle']} --port 8080",
            f"                then open http://127.0.0.1:8080/verifier?code={portal['try_code']}",
        ]
    console = next((s.summary for s in report.stages if s.stage == "console"), None)
    if console:
        lines += [
            f"console:        vigie console {report.workspace} --port 8081",
            "                then open http://127.0.0.1:8081/ and log in as "
            f"{console['lead']} with the one-time password",
            f"                {console['one_time_password']} (shown once: you will choose a "
            "password and enrol a TOTP app)",
        ]
    return "\n".join(lines)
