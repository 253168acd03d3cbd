"""Hostile sizes and names (issue 12): every one ends in a stored table or in a one-line
InputError naming the file, in seconds, and leaves what was stored before untouched.
The files are made here, at test time (nothing large is committed)."""

from __future__ import annotations

import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.runner import assert_one_line_error, vigie
from vigie.errors import InputError
from vigie.ingest import ingest_files
from vigie.workspace import Workspace

SECONDS = 60  # per file, on a loaded 2-core machine; each takes a few seconds at most


def _tables(ws: Workspace) -> dict[str, int]:
    with ws.connect(read_only=True) as con:
        return dict(con.execute("SELECT name, rows FROM _tables").fetchall())


@pytest.fixture
def loaded(workspace: Workspace, tmp_path: Path) -> Workspace:
    """A workspace that already holds a table: a hostile file must not touch it."""
    first = tmp_path / "avant.csv"
    first.write_text("nom;prenom\nMartin;Anne\n", encoding="utf-8")
    ingest_files(workspace, [first])
    return workspace


def _outcome(ws: Workspace, path: Path) -> str:
    """'stored' or 'refused' (a one-line InputError naming the file), within SECONDS."""
    before = _tables(ws)
    started = time.monotonic()
    try:
        ingest_files(ws, [path])
        outcome = "stored"
    except InputError as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message, message
        assert (
            path.name.encode("unicode_escape").decode()[:20] in message or path.name[:20] in message
        ), message
        outcome = "refused"
    assert time.monotonic() - started < SECONDS
    after = _tables(ws)
    assert {k: after[k] for k in before} == before  # nothing stored before is lost
    return outcome


def _big_field(path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write("id,nom\n1,")
        f.write("a" * (50 << 20))
        f.write("\n")


def _big_line(path: Path) -> None:
    path.write_bytes(b"x" * (50 << 20))


def _wide(path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(100_000))
    path.write_text(header + "\n" + ",".join("1" for _ in range(100_000)) + "\n")


def _deep_json(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000)


def _deep_jsonl(path: Path) -> None:
    path.write_text('{"a": 1}\n' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "\n")


def _bomb(member: str, path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(member, b"\0" * (300 << 20))  # 300 MiB of zeros: ~300 KiB packed


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "50 MB field": ("big_field.csv", _big_field),
    "50 MB line, no newline": ("big_line.csv", _big_line),
    "100,000 columns": ("wide.csv", _wide),
    "JSON nested 100,000 deep": ("deep.json", _deep_json),
    "JSONL line nested 100,000 deep": ("deep.jsonl", _deep_jsonl),
    "XLSX zip bomb": ("bomb.xlsx", lambda p: _bomb("xl/worksheets/sheet1.xml", p)),
    "ODS zip bomb": ("bomb.ods", lambda p: _bomb("content.xml", p)),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_hostile_sizes(loaded: Workspace, tmp_path: Path, case: str) -> None:
    name, make = CASES[case]
    path = tmp_path / name
    make(path)
    outcome = _outcome(loaded, path)
    if "bomb" in case or case.startswith("JSON nested") or "columns" in case:
        assert outcome == "refused"
    # a deep JSONL line is one bad line: quarantined, the other lines stored


@pytest.mark.parametrize(
    "suffix",
    [".csv", ".tsv", ".txt", ".json", ".jsonl", ".xlsx", ".xls", ".ods", ".parquet", ".sql",
     ".pdf", ".docx", ".eml"],
)  # fmt: skip
def test_empty_files(loaded: Workspace, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"vide{suffix}"
    path.write_bytes(b"")
    _outcome(loaded, path)


def test_a_directory_is_refused_in_one_line(loaded: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "dossier.csv"
    folder.mkdir()
    assert _outcome(loaded, folder) == "refused"


def test_symlinks(loaded: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "vrai.csv"
    target.write_text("nom\nDurand\n", encoding="utf-8")
    link = tmp_path / "lien.csv"
    link.symlink_to(target)
    assert _outcome(loaded, link) == "stored"  # a link to a file is read as the file
    loop = tmp_path / "boucle.csv"
    loop.symlink_to(loop)
    assert _outcome(loaded, loop) == "refused"
    dangling = tmp_path / "casse.csv"
    dangling.symlink_to(tmp_path / "absent.csv")
    assert _outcome(loaded, dangling) == "refused"


@pytest.mark.parametrize(
    "name",
    ["pat'ients.csv", 'pat"ients.csv', "ligne\nsuivante.csv", "retour\rchariot.csv",
     unicodedata.normalize("NFD", "Océalab é.csv"), "日本語.csv", "-tiret.csv",
     "a;DROP TABLE _tables;--.csv", "espace .csv"],
)  # fmt: skip
def test_odd_file_names(loaded: Workspace, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("nom\nDurand\n", encoding="utf-8")
    assert _outcome(loaded, path) == "stored"


def test_a_name_with_dot_dot_is_just_a_path(loaded: Workspace, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / ".." / "remonte.csv"
    path.write_text("nom\nDurand\n", encoding="utf-8")
    assert _outcome(loaded, path) == "stored"


def test_cli_one_line_for_a_newline_in_a_name(tmp_path: Path) -> None:
    ws = tmp_path / "ws"  # the key folder comes from the autouse isolated_keys fixture
    assert vigie("init", str(ws)).code == 0
    path = tmp_path / "mauvais\nnom.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    assert_one_line_error(vigie("ingest", str(ws), str(path)))
