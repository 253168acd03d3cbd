"""A small synth incident through every stage up to assess, built once per session."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.link.incident import load_incident, run_real_scan_or_truth
from vigie.workspace import Workspace

ASSESSED = datetime.fromisoformat("2021-02-24T09:00:00+01:00")
NOW = datetime.fromisoformat("2021-02-24T15:30:00+01:00")


@pytest.fixture(scope="session")
def report_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("report-keys")


@pytest.fixture
def keys_env(report_keys: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_KEY_DIR", str(report_keys))
    return report_keys


@pytest.fixture(scope="session")
def assessed_ws(tmp_path_factory: pytest.TempPathFactory, report_keys: Path) -> Path:
    """synth 2,000 -> init -> ingest -> registries -> scan -> link -> assess."""
    from vigie.assess.run import assess_workspace
    from vigie.link import run_link

    root = tmp_path_factory.mktemp("report-ws")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(report_keys))
        mp.delenv("VIGIE_KEY", raising=False)
        from vigie.synth import generate

        synth = root / "synth"
        generate(synth, 2000, 5, progress=False)
        ws = Workspace.create(root / "ws", synth / "incident.yaml")
        load_incident(ws, synth)
        run_real_scan_or_truth(ws, synth)
        run_link(ws)
        assess_workspace(ws, now=ASSESSED)
    return ws.path


@pytest.fixture(scope="session")
def report_html(assessed_ws: Path, report_keys: Path) -> tuple[Path, str]:
    """The report of `assessed_ws` at NOW: (its path, its text)."""
    from vigie.report import build_report

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(report_keys))
        result = build_report(Workspace.open(assessed_ws), now=NOW)
    return result.html, result.html.read_text(encoding="utf-8")
