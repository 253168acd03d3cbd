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


def _index(folder: Path, lines: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "a.csv").write_text("nir;nom\n1;A\n2;B\n")
    (folder / "b.csv").write_text("nir;nom\n3;C\n")
    index = folder / "controllers.csv"
    index.write_text(lines)
    return index


def test_an_index_loads_every_registry_with_one_open_and_one_audit_entry(
    workspace: Workspace, tmp_path: Path
) -> None:
    from vigie.registry import add_registries

    index = _index(tmp_path / "reg", "controller,file,finess\nBiolab,a.csv,1\nOcéalab,b.csv,2\n")
    before = len(read_entries(workspace.audit_path))
    report = add_registries(workspace, index).as_dict()
    assert [(f["controller"], f["rows_stored"]) for f in report["files"]] == [
        ("Biolab", 2),
        ("Océalab", 1),
    ]
    assert list_registries(workspace) == [
        ("Biolab", "registry__biolab", 2),
        ("Océalab", "registry__ocealab", 1),
    ]
    entries = read_entries(workspace.audit_path)[before:]
    assert [e["verb"] for e in entries] == ["registry add"]
    assert [f["controller"] for f in entries[0]["params"]["files"]] == ["Biolab", "Océalab"]
    again = add_registries(workspace, index).as_dict()  # the same index again: no-op
    assert all(f["skipped"] for f in again["files"])


@pytest.mark.parametrize(
    ("lines", "fault"),
    [
        ("controleur,fichier\nBiolab,a.csv\n", "line 1: the index lacks the column(s) controller"),
        ("controller,file\nBiolab,a.csv\n,b.csv\n", "line 3: empty controller or file"),
        ("controller,file\nBiolab,absent.csv\n", "line 2: no such file 'absent.csv'"),
        ("controller,file\n", "the index lists no registry"),
    ],
)
def test_a_bad_index_stops_before_loading_anything(
    workspace: Workspace, tmp_path: Path, lines: str, fault: str
) -> None:
    from vigie.registry import add_registries

    index = _index(tmp_path / "reg", lines)
    with pytest.raises(InputError) as error:
        add_registries(workspace, index)
    assert fault in str(error.value) and str(index) in str(error.value)
    assert list_registries(workspace) == []


def test_registry_add_cli_with_an_index(tmp_path: Path) -> None:
    from tests.cli.runner import assert_one_line_error, vigie

    ws = tmp_path / "ws"
    assert vigie("init", str(ws)).code == 0
    index = _index(tmp_path / "reg", "controller,file\nBiolab,a.csv\nOcéalab,b.csv\n")
    run = vigie("registry", "add", str(ws), "--index", str(index), "--json")
    assert run.code == 0, run.stderr
    assert len(run.json()["files"]) == 2
    assert_one_line_error(vigie("registry", "add", str(ws), "--index", str(index),
                                "--controller", "Biolab"))  # fmt: skip
    assert_one_line_error(vigie("registry", "add", str(ws), "--controller", "Biolab"))
