"""Every verb has --help ending with an example, and --json."""

from __future__ import annotations

import click
import pytest

from vigie.cli import _register_verbs, app

_register_verbs()


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            found += _commands(command, path)
        else:
            found.append(path)
    return found


COMMANDS = _commands(app)


def test_the_pipeline_verbs_exist() -> None:
    names = {c[0] for c in COMMANDS}
    assert {
        "synth",
        "init",
        "ingest",
        "registry",
        "export",
        "scan",
        "assess",
        "demo",
        "audit",
    } <= names


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_verb_has_an_example_and_json(path: tuple[str, ...]) -> None:
    command: click.Command = app
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    assert "Example" in (command.help or ""), f"vigie {' '.join(path)} --help has no example"
    assert any("--json" in p.opts for p in command.params if isinstance(p, click.Option))
