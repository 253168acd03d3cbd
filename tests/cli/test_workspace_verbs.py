"""init and audit verify through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import assert_one_line_error, vigie


def test_init_creates_the_workspace_and_reports_json(tmp_path: Path) -> None:
    run = vigie("init", str(tmp_path / "ws"), "--json")
    assert run.code == 0, run.stderr
    doc = run.json()
    assert doc["workspace"] == str(tmp_path / "ws")
    for name in ("incident.yaml", "store.duckdb", "audit.jsonl", "out", "workspace.json"):
        assert (tmp_path / "ws" / name).exists(), name
    assert "controller_sector" in (tmp_path / "ws" / "incident.yaml").read_text()


def test_init_with_facts_copies_them(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text("title: Test\ncontroller_sector: health\n")
    assert vigie("init", str(tmp_path / "ws"), "--facts", str(facts)).code == 0
    assert (tmp_path / "ws" / "incident.yaml").read_text() == facts.read_text()


def test_init_with_broken_facts_names_the_line_and_creates_nothing(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text("title: Test\ncontrollers: [unclosed\n")
    run = vigie("init", str(tmp_path / "ws"), "--facts", str(facts))
    assert_one_line_error(run)
    assert "facts.yaml: line" in run.stderr
    assert not (tmp_path / "ws").exists()


def test_audit_verify_exit_codes(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    vigie("init", str(ws))
    assert vigie("audit", "verify", str(ws)).code == 0
    log = ws / "audit.jsonl"
    log.write_text(log.read_text().replace('"init"', '"ingest"'))
    run = vigie("audit", "verify", str(ws))
    assert_one_line_error(run)
    assert "entry 1" in run.stderr


def test_lost_key_is_a_one_line_error(tmp_path: Path, isolated_keys: Path) -> None:
    ws = tmp_path / "ws"
    vigie("init", str(ws))
    for key in isolated_keys.glob("*.key"):
        key.unlink()
    run = vigie("audit", "verify", str(ws))
    assert_one_line_error(run)
    assert "no key for workspace" in run.stderr


@pytest.mark.parametrize("verb", [["init"], ["audit", "verify"]])
def test_every_verb_has_help_with_an_example(verb: list[str]) -> None:
    run = vigie(*verb, "--help")
    assert run.code == 0
    assert "Example" in run.stdout
