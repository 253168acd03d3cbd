"""A small synthetic incident notified once per session, and its portal bundle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from vigie.workspace import Workspace

LETTER_DATE = date(2021, 3, 1)


@dataclass(frozen=True)
class Portal:
    workspace: Path
    incident: Path
    letters: Path
    bundle: Path


@pytest.fixture(scope="session")
def portal_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("portal-keys")


@pytest.fixture
def portal_env(portal_keys: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_KEY_DIR", str(portal_keys))
    return portal_keys


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, portal_keys: Path) -> Portal:
    """synth (120 persons) -> ... -> notify -> portal build."""
    from vigie.demo import run_demo
    from vigie.notify.run import NotifyOptions, notify_workspace
    from vigie.portal import build_bundle

    root = tmp_path_factory.mktemp("portal")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(portal_keys))
        mp.delenv("VIGIE_KEY", raising=False)
        report = run_demo(root / "demo", persons=120, seed=11, until="report")
        ws = Workspace.open(report.workspace)
        result = notify_workspace(ws, NotifyOptions(processes=1, letter_date=LETTER_DATE))
        build_bundle(ws, root / "bundle", "https://verifier.example.org")
    return Portal(
        report.workspace, root / "demo" / "incident", Path(result["out"]), root / "bundle"
    )


def genuine_code(letters: Path) -> str:
    """The verification code printed on the first letter of the first batch (its PDF text)."""
    import re

    from tests.notify.pdftext import page_texts

    text = "\n".join(page_texts(letters / "letters" / "batch-0001.pdf")[:2])
    found = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", text)
    assert found, "no code on the letter"
    return found.group(0)
