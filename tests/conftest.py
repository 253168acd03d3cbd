"""Shared fixtures: every test gets its own key directory, never the user's.

`make test` runs the suite on two processes (pytest-xdist): each test
is grouped with those that share its session fixtures, so a 20,000-person workspace or a
notify run is built once, by one process (`pytest_xdist_make_scheduler` below).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vigie.workspace import Workspace

# Modules of tests/link with a session of their own (a Spark cluster, 20,000 FHIR persons,
# a 20,000-person link): each is a group, so they spread over both processes.
_OWN_GROUP = {"test_spark.py", "test_fhir_bars.py", "test_scale.py"}


def _group_of(nodeid: str) -> str:
    """The tests that share session fixtures: a folder, or a module at the top or heavy."""
    path = Path(nodeid.split("::", 1)[0])
    if path.parts[:1] != ("tests",):
        return str(path)
    relative = path.relative_to("tests")
    if len(relative.parts) == 1 or relative.name in _OWN_GROUP:
        return str(relative)
    return relative.parts[0]


# The longest groups, started first so that neither process is left with one at the end.
_FIRST = ["link/test_spark.py", "relational", "console", "link", "notify", "crash", "ingest",
          "link/test_fhir_bars.py", "scan", "fuzz", "link/test_scale.py"]  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {group: n for n, group in enumerate(_FIRST)}
    items.sort(key=lambda item: rank.get(_group_of(item.nodeid), len(_FIRST)))  # stable


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `-n 2`, a group's tests all go to one process (xdist's own `loadgroup` needs a
    mark on every test and does not group them under pytest 9)."""
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # xdist would sort groups by their number of tests

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group_of(nodeid)

    return ByGroup(config, log)


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
