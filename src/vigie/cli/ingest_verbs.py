"""Verbs that bring data in and take it out: ingest, registry add, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument
from vigie.errors import InputError

_files_argument = click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE..."
)


@app.command()
@workspace_argument
@_files_argument
@verb
def ingest(workspace: Path, files: tuple[Path, ...]) -> Result:
    """Load leak files into the workspace's store, with lineage and a quarantine.

    Reads CSV/TSV (encoding, delimiter and quoting detected), XLSX/XLS/ODS (a table per
    sheet), JSON, JSON lines, Parquet and mysqldump / pg_dump plain SQL dumps. Every
    column is stored as text under its original name, plus `_source` (the file's SHA-256)
    and `_row` (its row number in the file). Unparsable rows go to `_quarantine`. Each
    file is all-or-nothing; a file already ingested is skipped.

    Documents (PDF with a text layer, DOCX, EML, plain text) go to the `documents` table,
    one row per paragraph with page/part lineage; pages without a text layer are reported
    (OCR them first), never silently skipped.

    \b
    Example:
      vigie ingest incident-2021-02 leak/patients.sql leak/export.csv
    """
    from vigie.ingest import ingest_files

    ws = open_workspace(workspace)
    report = ingest_files(ws, list(files))
    doc = report.as_dict()
    return Result(doc, _files_text(doc["files"]))  # warnings went to stderr as they came


@app.group()
def registry() -> None:
    """Controllers' patient indexes, to link leaked records to persons."""


@registry.command("add")
@workspace_argument
@click.option("--controller", help="The data controller (e.g. the lab).")
@click.option(
    "--index",
    type=click.Path(path_type=Path),
    help="A CSV listing many registries (columns controller, file[, finess]).",
)
@click.argument("file", type=click.Path(path_type=Path), metavar="FILE", required=False)
@verb
def registry_add(
    workspace: Path, controller: str | None, index: Path | None, file: Path | None
) -> Result:
    """Load a controller's patient index (any format ingest reads) as a registry.

    Stored as `registry__<controller>`; the `_registries` view lists them all. With
    --index, every registry an index file lists, in one command (the store is opened
    once): the index is a CSV with columns controller and file (relative to the index).

    \b
    Example:
      vigie registry add incident-2021-02 --controller "Océalab" oceálab-patients.csv
      vigie registry add incident-2021-02 --index registries/controllers.csv
    """
    from vigie.registry import add_registries, add_registry

    ws = open_workspace(workspace)
    if index is not None:
        if controller is not None or file is not None:
            raise InputError("--index loads every registry it lists: no --controller or FILE")
        doc = add_registries(ws, index).as_dict()
        doc["index"] = str(index)
        return Result(doc, f"index {index}\n" + _files_text(doc["files"]))
    if controller is None or file is None:
        raise InputError("give --controller NAME and FILE (or --index INDEX.csv)")
    doc = add_registry(ws, controller, file).as_dict()
    doc["controller"] = controller.strip()
    return Result(doc, f"controller {controller.strip()}\n" + _files_text(doc["files"]))


@app.command()
@workspace_argument
@click.argument("table", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet"]),
    help="Output format (default: from the --output file's extension).",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="The file to write.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--list", "list_", is_flag=True, help="List the tables and their row counts.")
@click.option(
    "--spreadsheet-safe",
    is_flag=True,
    help="CSV: a cell a spreadsheet would run as a formula (=, +, -, @) gets a leading '.",
)
@verb
def export(
    workspace: Path,
    table: str | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
    list_: bool,
    spreadsheet_safe: bool,
) -> Result:
    """Write a store table to CSV, JSON lines or Parquet, values exactly as stored.

    Ingested tables keep their original column names plus `_source` and `_row`.
    In CSV (UTF-8), a NULL is an empty unquoted field and an empty string is a quoted
    empty field (""), so the two stay distinct. JSON lines and Parquet keep null as null.
    The file holds personal data: it is created readable by you only (0600).
    A CSV to open in a spreadsheet: add --spreadsheet-safe (a leaked name such as
    =HYPERLINK(...) is then shown as text, not run; numbers and phones stay as they are).

    \b
    Example:
      vigie export incident-2021-02 --list
      vigie export incident-2021-02 patients --format csv --output patients.csv
    """
    from vigie.export import export_table, list_tables

    ws = open_workspace(workspace)
    if list_:
        tables = list_tables(ws)
        text = "\n".join(f"{name:<40} {rows:>12,}" for name, rows in tables)
        return Result({"tables": [{"name": n, "rows": r} for n, r in tables]}, text)
    if table is None or output is None:
        raise InputError("give a TABLE and --output PATH (or --list to see the tables)")
    fmt = fmt or _format_from(output)
    if spreadsheet_safe and fmt != "csv":
        raise InputError("--spreadsheet-safe applies to CSV only")
    done = export_table(ws, table, fmt, output, overwrite=force, spreadsheet_safe=spreadsheet_safe)
    click.echo(
        f"vigie: warning: {done.path} holds personal data from the incident store; "
        "keep it protected and delete it when it is no longer needed",
        err=True,
    )
    doc = {
        "table": done.table,
        "format": done.format,
        "path": str(done.path),
        "rows": done.rows,
        "columns": done.columns,
    }
    return Result(doc, f"{done.rows:,} rows of {done.table} written to {done.path}")


def _format_from(output: Path) -> str:
    suffix = output.suffix.lower().lstrip(".")
    known = {"csv": "csv", "jsonl": "jsonl", "ndjson": "jsonl", "parquet": "parquet"}
    if suffix not in known:
        raise InputError(
            "give --format csv|jsonl|parquet (the file name does not say)", path=output
        )
    return known[suffix]


def _files_text(files: list[dict[str, Any]]) -> str:
    header = f"{'file':<32} {'format':<10} {'read':>10} {'stored':>10} {'quarant.':>9}  tables"
    lines = [header]
    for f in files:
        name = Path(f["path"]).name
        tables = ", ".join(f"{t['name']} ({t['rows']:,})" for t in f["tables"]) or "-"
        note = "  (already ingested: skipped)" if f["skipped"] else ""
        lines.append(
            f"{name[:32]:<32} {f['format']:<10} {f['rows_read']:>10,} {f['rows_stored']:>10,} "
            f"{f['rows_quarantined']:>9,}  {tables}{note}"
        )
        for r in f.get("columns_renamed", []):
            lines.append(
                f"  column {r['position']} of {r['table']} stored as {r['column']!r} "
                f"(header {r['header']!r} was empty or repeated)"
            )
    return "\n".join(lines)
