"""Linkable workspaces, built once per session: a small synth incident, FEBRL4."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.link.incident import build_febrl, build_synth
from vigie.workspace import Workspace


@pytest.fixture(scope="session")
def link_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("link-keys")


@pytest.fixture
def keys_env(link_keys: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIGIE_KEY_DIR", str(link_keys))
    return link_keys


@pytest.fixture(scope="session")
def synth_small(tmp_path_factory: pytest.TempPathFactory, link_keys: Path) -> tuple[Path, Path]:
    """(workspace, synth dir) for 2,000 persons, ingested, registries added, scanned."""
    root = tmp_path_factory.mktemp("link-small")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(link_keys))
        mp.delenv("VIGIE_KEY", raising=False)
        return build_synth(root, persons=2000, seed=1)


@pytest.fixture(scope="session")
def febrl(tmp_path_factory: pytest.TempPathFactory, link_keys: Path) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("link-febrl")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(link_keys))
        mp.delenv("VIGIE_KEY", raising=False)
        return build_febrl(root)


def open_ws(path: Path) -> Workspace:
    return Workspace.open(path)
