"""Verb: synth - write a realistic synthetic incident."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from vigie.cli import app
from vigie.cli._common import Result, verb


@app.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--persons",
    type=click.IntRange(min=10),
    default=20_000,
    show_default=True,
    help="Persons in the leak (the registries hold ~22 % more who are not).",
)
@click.option("--seed", type=int, default=2021, show_default=True, help="Same seed, same bytes.")
@click.option(
    "--leak-share",
    type=click.FloatRange(min=0.05, max=1.0),
    default=0.78,
    show_default=True,
    help="Share of the registries' patients who are in the leak (lower: larger registries).",
)
@click.option(
    "--shape",
    type=click.Choice(["flat", "relational"]),
    default="flat",
    show_default=True,
    help="flat: four systems' exports, a row per exam with its identity; relational: a LIS "
    "dump of patients, requests and results joined by keys, and its CSV export.",
)
@verb
def synth(out: Path, persons: int, seed: int, leak_share: float, shape: str) -> Result:
    """Write a synthetic lab-leak incident under OUT: leak/, registries/, truth/, incident.yaml.

    Modelled on the 2021 case: 28 labs in départements 22, 27, 35, 41, 45, 56. In the flat
    shape the leak comes as a MySQL dump, a Windows-1252 CSV, an XLSX sheet and JSON lines;
    in the relational shape as a LIS database (patients, demandes, resultats, laboratoires)
    dumped with its keys (leak/sil_prod.sql) and exported as CSV (leak/csv/). Every person
    is synthetic; truth/ holds who is in which row (never read by the pipeline).

    \b
    Example:
      vigie synth demo-incident --persons 20000 --seed 7
      vigie synth lis-incident --shape relational --persons 20000
    """
    from vigie.synth import generate

    summary = generate(
        out, persons, seed, leak_share=leak_share, shape=shape
    )  # the bar obeys --quiet and non-terminals
    files = "\n".join(
        f"  leak/{name}: {rows:,} rows" for name, rows in summary.rows_per_file.items()
    )
    text = (
        f"synthetic incident written to {out} in {summary.seconds:.1f} s (seed {seed})\n"
        f"  {summary.persons_in_leak:,} persons in the leak, {summary.persons_total:,} in "
        f"the registries' population, {summary.exam_rows:,} exam rows\n{files}\n"
        f"  registries/: {summary.registries} lab patient indexes + controllers.csv\n"
        f"  truth/: ground truth (see truth/README.md)"
    )
    return Result(asdict(summary), text)
