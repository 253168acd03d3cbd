"""`vigie purge`: the end of the response (erase personal data, destroy the key)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument
from vigie.errors import NotConfirmed


@app.command()
@workspace_argument
@click.option(
    "--keep-register/--no-keep-register",
    default=True,
    show_default=True,
    help="Keep the breach register entries (out/register/, GDPR Art. 33(5)).",
)
@click.option("--yes", is_flag=True, help="Really erase: nothing can be recovered afterwards.")
@click.option("--dry-run", is_flag=True, help="List what would be erased and what stays.")
@verb
def purge(workspace: Path, keep_register: bool, yes: bool, dry_run: bool) -> Result:
    """Erase the working personal data of WS and destroy its key (crypto-shredding).

    Goes: the encrypted store (leak, registries, scan, link, notify tables), out/ but the
    register, the spill folder, the key. Stays: incident.yaml, the audit log, the breach
    register, and the aggregate figures and purge record written to out/register/.

    \b
    Example:
      vigie purge incident-2021-02 --dry-run
      vigie purge incident-2021-02 --yes
    """
    from vigie.purge import plan_purge, purge_workspace

    ws = open_workspace(workspace)
    if dry_run or not yes:
        plan = plan_purge(ws, keep_register=keep_register).as_dict()
        summary = _summary(plan)
        if not dry_run:
            raise NotConfirmed(f"purge would {summary}; add --yes to do it (--dry-run lists)")
        lines = [f"purge would {summary}:"]
        lines += [f"  erase {t} ({n} rows)" for t, n in plan["tables"].items()]
        lines += [f"  erase {f['path']}" for f in plan["files"]]
        lines += [f"  keep  {k}" for k in plan["kept"]]
        return Result({"dry_run": True, **plan}, "\n".join(lines))
    state = purge_workspace(ws, keep_register=keep_register)
    plan = state["plan"]
    key_note = (
        "key destroyed"
        if plan["key"] == "file"
        else "the key came from VIGIE_KEY: destroy it where you keep it"
    )
    text = (
        f"purged {ws.path}: {len(plan['tables'])} tables ({plan['rows']} rows), "
        f"{len(plan['files'])} files; {key_note}\n"
        f"kept: out/register/ (figures.json, purge.json), audit.jsonl "
        f"(head {state['audit_head']['digest'][:16]}…, entry {state['audit_head']['seq']})"
    )
    return Result(state, text)


def _summary(plan: dict[str, Any]) -> str:
    tables, files = plan["tables"], plan["files"]
    key = "destroy its key" if plan["key"] == "file" else "leave VIGIE_KEY to you"
    return (
        f"erase {len(tables)} tables ({plan['rows']} rows) and {len(files)} files "
        f"({plan['bytes']} bytes), {key}, keep the register, figures and audit log"
    )
