"""The store is encrypted at rest and its key never lives in the workspace."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import duckdb
import pytest

from vigie.errors import ConfigError, KeyMissingError, StoreError
from vigie.workspace import Workspace
from vigie.workspace.keys import key_path
from vigie.workspace.store import connect

KNOWN_PLAINTEXT = "DUPONT-PLAINTEXT-MARKER-2 85 12 35 012 345 67"


def test_known_plaintext_is_absent_from_the_store_file(workspace: Workspace) -> None:
    with workspace.connect() as con:
        con.execute(
            "CREATE TABLE patients AS SELECT ? || i AS nom FROM range(5000) r(i)", [KNOWN_PLAINTEXT]
        )
        con.execute("CHECKPOINT")
        assert con.execute("SELECT count(*) FROM patients").fetchall() == [(5000,)]
    data = workspace.store_path.read_bytes()
    assert KNOWN_PLAINTEXT.encode() not in data
    assert b"DUPONT-PLAINTEXT" not in data
    assert b"patients" not in data  # even the catalog is encrypted


def test_store_cannot_be_opened_without_the_key(workspace: Workspace) -> None:
    plain = duckdb.connect()
    with pytest.raises(duckdb.Error, match="without a key"):
        plain.execute(f"ATTACH '{workspace.store_path}' AS s")


def test_store_refuses_a_wrong_key(workspace: Workspace) -> None:
    with pytest.raises(KeyMissingError, match="wrong key"):
        connect(workspace.store_path, "0" * 64)


def test_key_is_a_0600_file_outside_the_workspace(workspace: Workspace) -> None:
    path = key_path(workspace.id)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert workspace.path not in path.parents
    key = path.read_text().strip()
    for file in workspace.path.rglob("*"):
        if file.is_file():
            assert key.encode() not in file.read_bytes(), file


def test_a_copied_workspace_without_its_key_is_a_clear_error(
    workspace: Workspace, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(workspace.path, copy)
    key_path(workspace.id).unlink()
    copied = Workspace.open(copy)
    with pytest.raises(KeyMissingError, match="no key for workspace"), copied.connect():
        pass


def test_vigie_key_environment_variable_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIE_KEY", "a-secret-from-the-environment")
    ws = Workspace.create(tmp_path / "ws")
    assert not key_path(ws.id).exists()
    with ws.connect() as con:
        assert con.execute("SELECT count(*) FROM _runs").fetchall() == [(1,)]
    monkeypatch.setenv("VIGIE_KEY", "another")
    with pytest.raises(KeyMissingError), ws.connect():
        pass


def test_init_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    target.mkdir()
    (target / "something").write_text("x")
    with pytest.raises(StoreError, match="not empty"):
        Workspace.create(target)
    assert os.listdir(target) == ["something"]


def test_open_names_a_directory_that_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a vigie workspace"):
        Workspace.open(tmp_path)


def test_duckdb_memory_is_bounded_and_larger_work_spills(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every stage's DuckDB has a limit (VIGIE_MEMORY, 4 GB by default): a query needing
    more than the limit still completes, spilling (encrypted) under the workspace."""
    with workspace.connect() as con:
        default = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert default == "3.7 GiB"  # 4 GB
    monkeypatch.setenv("VIGIE_MEMORY", "150MB")
    with workspace.connect() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == "143.0 MiB"
        con.execute(
            "CREATE TABLE wide AS SELECT md5(CAST(i AS VARCHAR)) || md5(CAST(-i AS VARCHAR)) "
            "AS v FROM range(3000000) t(i)"
        )  # 200 MB of text: its sort cannot fit in 150 MB
        rows = con.execute(
            "SELECT count(*), count(DISTINCT v) FROM (SELECT v FROM wide ORDER BY v)"
        ).fetchall()
    assert rows == [(3_000_000, 3_000_000)]


def test_a_bad_memory_limit_is_a_one_line_error(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIE_MEMORY", "lots")
    with (
        pytest.raises(ConfigError, match=r"^VIGIE_MEMORY: not a memory size: 'lots'$"),
        workspace.connect(),
    ):
        pass


def test_a_stages_own_limit_is_checked_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from vigie.workspace.store import set_memory_limit

    con = duckdb.connect()
    monkeypatch.setenv("VIGIE_LINK_MEMORY", "6GB")
    set_memory_limit(con, "VIGIE_LINK_MEMORY", "4GB")
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == "5.5 GiB"
    monkeypatch.setenv("VIGIE_LINK_MEMORY", "plenty")
    with pytest.raises(ConfigError, match=r"^VIGIE_LINK_MEMORY: not a memory size: 'plenty'$"):
        set_memory_limit(con, "VIGIE_LINK_MEMORY", "4GB")
