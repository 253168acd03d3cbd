"""Verbs over the workspace itself: init, audit verify."""

from __future__ import annotations

from pathlib import Path

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument
from vigie.workspace import Workspace
from vigie.workspace.keys import key_path


@app.command()
@workspace_argument
@click.option(
    "--facts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An incident.yaml to start from (default: a commented template).",
)
@verb
def init(workspace: Path, facts: Path | None) -> Result:
    """Create an incident workspace WS with its encrypted store.

    The store's key is generated into a 0600 file in your configuration directory
    (or taken from VIGIE_KEY); it is never written inside WS.

    \b
    Example:
      vigie init incident-2021-02 --facts incident.yaml
    """
    ws = Workspace.create(workspace, facts)
    where = "VIGIE_KEY" if _key_from_env() else str(key_path(ws.id))
    text = (
        f"workspace {ws.path} created (id {ws.id})\n"
        f"  facts:  {ws.facts_path}\n  store:  {ws.store_path} (encrypted)\n"
        f"  key:    {where} — keep it safe; without it the store cannot be opened"
    )
    return Result({"workspace": str(ws.path), "id": ws.id, "key": where}, text)


@app.group()
def audit() -> None:
    """The workspace's tamper-evident audit log."""


@audit.command("verify")
@workspace_argument
@verb
def audit_verify(workspace: Path) -> Result:
    """Check that no audit entry was edited, removed or reordered.

    \b
    Example:
      vigie audit verify incident-2021-02
    """
    ws = open_workspace(workspace)
    entries = ws.verify_audit()
    return Result({"ok": True, "entries": entries}, f"audit log intact: {entries} entries")


def _key_from_env() -> bool:
    import os

    return bool(os.environ.get("VIGIE_KEY"))
