"""What every verb shares: --json, one-line errors, the workspace argument."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from vigie.errors import ConfigError
from vigie.workspace import Workspace, lock


@dataclass
class Result:
    """What a verb returns: the JSON document and the human summary of the same facts."""

    data: dict[str, Any]
    text: str = ""
    exit_code: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def verb(func: Callable[..., Result]) -> Callable[..., None]:
    """Add --json to a command and print its Result: JSON on stdout, or the text."""

    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
    @functools.wraps(func)
    def wrapper(*args: Any, as_json: bool, **kwargs: Any) -> None:
        # named in the workspace's lock record: "in use by vigie pid N (ingest since 10:42)"
        lock.set_activity(click.get_current_context().command_path.partition(" ")[2])
        result = func(*args, **kwargs)
        if as_json:
            sys.stdout.write(json.dumps(result.data, ensure_ascii=False, indent=2, default=str))
            sys.stdout.write("\n")
        elif result.text:
            click.echo(result.text)
        if result.exit_code:
            sys.exit(result.exit_code)

    return wrapper


workspace_argument = click.argument(
    "workspace", type=click.Path(file_okay=False, path_type=Path), metavar="WS"
)


def open_workspace(path: Path) -> Workspace:
    return Workspace.open(path)


def parse_now(text: str | None) -> datetime | None:
    """`--now`: an ISO 8601 date-time with its UTC offset (reproducible clocks)."""
    if text is None:
        return None
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--now: not an ISO 8601 date-time: {text[:40]}") from None
    if stamp.tzinfo is None:
        raise ConfigError("--now: give a UTC offset, e.g. 2021-02-24T09:00:00+01:00")
    return stamp
