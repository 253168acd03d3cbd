"""Shared fixtures: every test gets its own key directory, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.workspace import Workspace


@pytest.fixture(autouse=True)
def isolated_keys(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    key_dir = tmp_path_factory.mktemp("keys")
    monkeypatch.setenv("VIGIE_KEY_DIR", str(key_dir))
    monkeypatch.delenv("VIGIE_KEY", raising=False)
    return key_dir


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws")
