"""`vigie scan`: what personal and health data the leak holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument
from vigie.scan.evaluate import ScanEvaluation, evaluate_scan
from vigie.scan.key_settings import parse as parse_key_settings
from vigie.scan.overrides import parse
from vigie.scan.stage import ScanReport, run_scan


@app.command()
@workspace_argument
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="TABLE.COLUMN=ELEMENT",
    help="Force a column's element (or 'none'); or its relation: "
    "TABLE.COLUMN=ref:TABLE.COLUMN (or ref:none). Kept in the workspace, audited.",
)
@click.option(
    "--evaluate",
    "truth",
    type=click.Path(file_okay=False, path_type=Path),
    help="Compare with a ground-truth folder written by `vigie synth`.",
)
@verb
def scan(workspace: Path, settings: tuple[str, ...], truth: Path | None) -> Result:
    """Classify every column of the ingested tables, find the keys between them, and
    record each row's exposure.

    Prints the inventory: per table and column the element found, the confidence, the
    count and at most a masked example; then the totals per element and category, and
    the relations between tables as a tree (patients <- demandes <- resultats): keys the
    dump declares, and columns whose values are another table's key. No personal value
    is ever printed.

    \b
    Example:
      vigie scan ws --set export_sil__patients.COL7=contact.phone
      vigie scan ws --set resultats.NUM=ref:demandes.ID_DEMANDE
      vigie scan ws --evaluate incident/truth
    """
    ws = open_workspace(workspace)
    report = run_scan(ws, parse(settings) or None, parse_key_settings(settings) or None)
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
    if report.keys:
        lines += ["", f"  relations between tables ({len(report.keys)}):"]
        lines += [f"    {line}" for line in key_tree(report.keys)]
    docs = report.documents
    if docs:
        lines += [
            "",
            f"  documents: {docs['documents']:,} ({docs['paragraphs']:,} paragraphs); "
            "documents exposing each element:",
        ]
        lines += [f"    {e:<26} {n:>9,}" for e, n in docs["elements"].items()]
    return "\n".join(lines)


def key_tree(keys: list[dict[str, Any]]) -> list[str]:
    """Relations as a tree from the referenced tables down: patients <- demandes <- ..."""
    children: dict[str, list[dict[str, Any]]] = {}
    for k in keys:
        children.setdefault(k["ref_table"], []).append(k)
    referencing = {k["table"] for k in keys}
    # The table most referenced first (patients before a labs table), then by name.
    weight = {t: -sum(k["values"] for k in kids) for t, kids in children.items()}
    roots = sorted((t for t in children if t not in referencing), key=lambda t: (weight[t], t))
    roots = roots or sorted(children)
    lines: list[str] = []
    shown: set[str] = set()

    def walk(table: str, prefix: str, seen: frozenset[str]) -> None:
        shown.add(table)
        kids = sorted(children.get(table, []), key=lambda k: (k["table"], k["column"]))
        for i, k in enumerate(kids):
            last = i == len(kids) - 1
            how = {"set": "set by a person"}.get(k["source"], k["source"])
            orphans = f", {k['orphans']:,} orphans" if k["orphans"] else ""
            again = (
                " [its relations above]" if k["table"] in shown and children.get(k["table"]) else ""
            )
            lines.append(
                f"{prefix}{'└─' if last else '├─'} {k['table']}.{_cols(k, 'columns')} -> "
                f"{_cols(k, 'ref_columns')}  ({how}; {k['coverage']:.1%} of its values found"
                f"{orphans}){again}"
            )
            if k["table"] not in seen and not again:
                walk(k["table"], prefix + ("   " if last else "│  "), seen | {k["table"]})

    for root in roots:
        lines.append(root)
        walk(root, "", frozenset({root}))
    return lines


def _cols(key: dict[str, Any], which: str) -> str:
    """One column by its name; a composite key's columns in parentheses."""
    columns = key.get(which) or [key["column" if which == "columns" else "ref_column"]]
    return columns[0] if len(columns) == 1 else "(" + ", ".join(columns) + ")"


def _evaluation_text(evaluation: ScanEvaluation) -> str:
    lines = [
        f"evaluation against ground truth: columns {evaluation.columns_correct}/"
        f"{evaluation.columns_total} correct; {evaluation.rows:,} rows",
    ]
    lines += [
        f"  column {e['table']}.{e['column']}: expected {e['expected']}, found {e['found']}"
        for e in evaluation.column_errors
    ]
    if evaluation.keys is not None:
        k = evaluation.keys
        lines.append(
            f"  relations: {k.correct} of {k.expected} expected found, {k.found} found "
            f"(precision {k.precision:.4f}, recall {k.recall:.4f})"
        )
        lines += [f"    missing {' -> '.join(m)}" for m in k.missing]
        lines += [f"    not expected {' -> '.join(m)}" for m in k.spurious]
    lines.append(f"  {'element':<26} {'precision':>9} {'recall':>7}")
    for element, score in sorted(evaluation.elements.items()):
        lines.append(f"  {element:<26} {score.precision:>9.4f} {score.recall:>7.4f}")
    return "\n".join(lines)
