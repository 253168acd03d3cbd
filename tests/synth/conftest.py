"""One small incident (2,000 persons) and one for rates (20,000), generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.synth import generate


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "small"
    generate(out, 2000, 11, progress=False)
    return out


@pytest.fixture(scope="session")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "large"
    generate(out, 20_000, 5, progress=False)
    return out


@pytest.fixture(scope="session")
def relational(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small incident's people and exams in the relational shape (same seed)."""
    out = tmp_path_factory.mktemp("synth") / "relational"
    generate(out, 2000, 11, progress=False, shape="relational")
    return out
