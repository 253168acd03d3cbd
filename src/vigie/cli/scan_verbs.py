"""`vigie scan`: what personal and health data the leak holds."""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument
from vigie.scan.evaluate import ScanEvaluation, evaluate_scan
from vigie.scan.overrides import parse
from vigie.scan.stage import ScanReport, run_scan


@app.command()
@workspace_argument
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="TABLE.COLUMN=ELEMENT",
    help="Force a column's element (or 'none'); kept in the workspace, audited.",
)
@click.option(
    "--evaluate",
    "truth",
    type=click.Path(file_okay=False, path_type=Path),
    help="Compare with a ground-truth folder written by `vigie synth`.",
)
@verb
def scan(workspace: Path, settings: tuple[str, ...], truth: Path | None) -> Result:
    """Classify every column of the ingested tables and record each row's exposure.

    Prints the inventory: per table and column the element found, the confidence, the
    count and at most a masked example; then the totals per element and category. No
    personal value is ever printed.

    \b
    Example:
      vigie scan ws --set export_sil__patients.COL7=contact.phone
      vigie scan ws --evaluate incident/truth
    """
    ws = open_workspace(workspace)
    report = run_scan(ws, parse(settings) if settings else None)
    data = report.as_dict()
    text = _inventory(report)
    if truth is not None:
        evaluation = evaluate_scan(ws, truth)
        data["evaluation"] = evaluation.as_dict()
        text += "\n\n" + _evaluation_text(evaluation)
    return Result(data, text)


def _inventory(report: ScanReport) -> str:
    lines = [f"scan: {report.rows:,} leaked rows in {report.seconds:.1f} s", ""]
    lines.append(f"  {'table.column':<44} {'element':<22} {'conf':>5} {'count':>9}  example")
    for c in report.columns:
        element = c["element"] or "-"
        name = f"{c['table']}.{c['column']}"
        suffix = "  (set)" if c["source"] == "override" else ""
        lines.append(
            f"  {name[:44]:<44} {element:<22} {c['confidence']:>5.2f} {c['count']:>9,}  "
            f"{c['example'] or ''}{suffix}"
        )
    lines += ["", "  rows exposing each element:"]
    lines += [f"    {e:<26} {n:>9,}" for e, n in report.elements.items()]
    lines += ["", "  rows exposing each category:"]
    lines += [f"    {c:<26} {n:>9,}" for c, n in report.categories.items()]
    docs = report.documents
    if docs:
        lines += [
            "",
            f"  documents: {docs['documents']:,} ({docs['paragraphs']:,} paragraphs); "
            "documents exposing each element:",
        ]
        lines += [f"    {e:<26} {n:>9,}" for e, n in docs["elements"].items()]
    return "\n".join(lines)


def _evaluation_text(evaluation: ScanEvaluation) -> str:
    lines = [
        f"evaluation against ground truth: columns {evaluation.columns_correct}/"
        f"{evaluation.columns_total} correct; {evaluation.rows:,} rows",
    ]
    lines += [
        f"  column {e['table']}.{e['column']}: expected {e['expected']}, found {e['found']}"
        for e in evaluation.column_errors
    ]
    lines.append(f"  {'element':<26} {'precision':>9} {'recall':>7}")
    for element, score in sorted(evaluation.elements.items()):
        lines.append(f"  {element:<26} {score.precision:>9.4f} {score.recall:>7.4f}")
    return "\n".join(lines)
