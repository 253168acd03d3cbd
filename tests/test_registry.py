"""registry add: a controller's patient index, named and catalogued apart from leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.errors import InputError
from vigie.ingest import ingest_files
from vigie.registry import add_registry, list_registries
from vigie.workspace import Workspace
from vigie.workspace.audit import read_entries


def test_registries_are_named_by_controller_and_listed(
    workspace: Workspace, tmp_path: Path
) -> None:
    first = tmp_path / "index.csv"
    first.write_text("nir;nom\n1;A\n2;B\n")
    second = tmp_path / "index2.csv"
    second.write_text("nir;nom\n3;C\n")
    doc = add_registry(workspace, "Océalab Bretagne", first).as_dict()["files"][0]
    assert doc["tables"] == [{"name": "registry__ocealab_bretagne", "rows": 2}]
    assert doc["controller"] == "Océalab Bretagne"
    add_registry(workspace, "Océalab Bretagne", second)
    add_registry(workspace, "Biolab", first)  # the same bytes for another controller count
    assert list_registries(workspace) == [
        ("Biolab", "registry__biolab", 2),
        ("Océalab Bretagne", "registry__ocealab_bretagne", 2),
        ("Océalab Bretagne", "registry__ocealab_bretagne_2", 1),
    ]
    assert [e["verb"] for e in read_entries(workspace.audit_path)][-1] == "registry add"


def test_same_registry_file_again_is_skipped(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "index.csv"
    path.write_text("nir\n1\n")
    add_registry(workspace, "Biolab", path)
    again = add_registry(workspace, "Biolab", path).as_dict()["files"][0]
    assert again["skipped"] is True
    assert len(list_registries(workspace)) == 1
    # As a leak file the same bytes are a different role, so they load.
    leak = ingest_files(workspace, [path]).as_dict()["files"][0]
    assert (leak["skipped"], leak["tables"][0]["name"]) == (False, "index")


def test_empty_controller_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="controller name is empty"):
        add_registry(workspace, "  ", tmp_path / "x.csv")


def test_no_registries_yet(workspace: Workspace) -> None:
    assert list_registries(workspace) == []
