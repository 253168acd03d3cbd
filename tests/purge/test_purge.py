"""purge: after it, no personal value of the ground truth is in any byte of WS or the keys."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.runner import assert_one_line_error, vigie
from tests.pipeline import Template, build_template
from vigie.errors import WorkspacePurged
from vigie.purge import plan_purge, purge_workspace
from vigie.workspace import Workspace
from vigie.workspace.keys import key_path

# Registry columns and leak keys holding a person's identity (ground truth: synth).
_REGISTRY_COLUMNS = ("NOM_NAISSANCE", "NOM_USAGE", "PRENOMS", "DATE_NAISSANCE", "NIR")
_REGISTRY_COLUMNS += ("ADRESSE", "TELEPHONE", "EMAIL")
_LEAK_KEYS = ("nom", "nom_naissance", "prenoms", "date_naissance", "nir", "adresse")
_LEAK_KEYS += ("telephone", "courriel")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    root = tmp_path_factory.mktemp("purge")
    return build_template(root / "demo", root / "keys", persons=60, seed=7)


@pytest.fixture
def pipeline(template: Template, tmp_path: Path, isolated_keys: Path) -> tuple[Workspace, Path]:
    """A copy of a small synth incident taken through every stage, with its own key."""
    ws = template.clone(tmp_path, isolated_keys)
    return ws, tmp_path / "incident"


def _values(incident: Path) -> set[str]:
    found: set[str] = set()
    for path in sorted((incident / "registries").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found.update(row.get(c) or "" for c in _REGISTRY_COLUMNS)
    for line in (incident / "leak" / "dossiers.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found.update(str(row.get(k) or "") for k in _LEAK_KEYS)
    more = {v.replace(" ", "") for v in found} | {v.upper() for v in found}
    more |= {"-".join(reversed(v.split("/"))) for v in found if v.count("/") == 2}
    # Short values (a two-letter first name) would match inside ordinary words.
    return {v for v in found | more if len(v) >= 5}


def _encodings(value: str) -> Iterator[bytes]:
    yield value.encode("utf-8")
    yield value.encode("utf-16-le")
    yield value.encode("utf-16-be")
    yield value.encode("latin-1", "replace")
    yield json.dumps(value).strip('"').encode("ascii")


def _leaks(roots: list[Path], values: set[str]) -> list[tuple[str, str]]:
    """(file, element kind) for each personal value found; the value itself is not kept."""
    needles = {n for v in values for n in _encodings(v)}
    hits = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            count = sum(1 for n in needles if n in data)
            if count:
                hits.append((str(path.relative_to(root)), f"{count} values"))
    return hits


def test_no_personal_value_survives_in_any_byte(
    pipeline: tuple[Workspace, Path], isolated_keys: Path
) -> None:
    ws, incident = pipeline
    values = _values(incident)
    assert len(values) > 200
    before = _leaks([ws.path], values)
    assert before, "the search must find the values before the purge, else it proves nothing"
    purge_workspace(ws)
    assert _leaks([ws.path, isolated_keys], values) == []
    assert not key_path(ws.id).exists()


def test_purge_keeps_register_figures_and_a_verifying_audit(
    pipeline: tuple[Workspace, Path],
) -> None:
    ws, _ = pipeline
    tables = plan_purge(ws).tables
    state = purge_workspace(ws)
    register = ws.out_dir / "register"
    assert (register / "register.json").is_file()
    figures = json.loads((register / "figures.json").read_text(encoding="utf-8"))
    assert figures["persons"] == tables["persons"] > 0
    assert sum(figures["persons_by_tier"].values()) == figures["persons"]
    assert figures["persons_by_category"]["health"] > 0
    assert sorted(p.name for p in ws.path.iterdir()) == sorted(
        ["audit.jsonl", "incident.yaml", "out", "workspace.json"]
    )
    last = json.loads(ws.audit_path.read_text(encoding="utf-8").splitlines()[-1])
    assert last["verb"] == "purge"
    assert last["counts"]["tables"] == tables
    assert ws.verify_audit() == state["audit_head"]["seq"]


def test_audit_truncated_after_purge_is_caught(pipeline: tuple[Workspace, Path]) -> None:
    ws, _ = pipeline
    purge_workspace(ws)
    lines = ws.audit_path.read_text(encoding="utf-8").splitlines()
    ws.audit_path.write_text("".join(line + "\n" for line in lines[:-1]), encoding="utf-8")
    with pytest.raises(Exception, match="removed from the end"):
        ws.verify_audit()


def test_purged_workspace_says_so_and_audit_verify_passes(
    pipeline: tuple[Workspace, Path],
) -> None:
    ws, _ = pipeline
    refused = vigie("purge", str(ws.path))
    assert_one_line_error(refused)
    assert "add --yes" in refused.stderr
    assert key_path(ws.id).exists()
    assert vigie("purge", str(ws.path), "--yes").code == 0
    scan = vigie("scan", str(ws.path))
    assert_one_line_error(scan)
    assert "was purged" in scan.stderr
    assert vigie("audit", "verify", str(ws.path)).code == 0
    with pytest.raises(WorkspacePurged, match="already purged"):
        purge_workspace(ws)


def test_dry_run_changes_nothing(pipeline: tuple[Workspace, Path]) -> None:
    ws, _ = pipeline
    before = sorted(p for p in ws.path.rglob("*"))
    run = vigie("purge", str(ws.path), "--dry-run", "--json")
    assert run.code == 0, run.stderr
    doc = run.json()
    assert "persons" in doc["tables"]
    assert any(k.startswith("out/register/") for k in doc["kept"])
    assert sorted(p for p in ws.path.rglob("*")) == before
    assert key_path(ws.id).exists()


def test_no_keep_register_erases_the_entries_but_not_figures(
    pipeline: tuple[Workspace, Path],
) -> None:
    ws, _ = pipeline
    purge_workspace(ws, keep_register=False)
    kept = sorted(p.name for p in (ws.out_dir / "register").iterdir())
    assert kept == ["figures.json", "purge.json"]
