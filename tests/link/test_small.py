"""`vigie link` on incidents too small or too clean to train on: 1 row, 2 identical rows,
200 patients listed once each (with and without a registry), columns left empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import vigie
from tests.link.small import clean_rows, small_workspace, write_leak
from vigie.link.pipeline import run_link
from vigie.synth import generate

REGISTRY = "registries/laboratoire_biolam_rennes_nord.csv"


@pytest.fixture(scope="module")
def synth_200(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small-synth") / "synth"
    generate(out, 200, 3, progress=False)
    return out


def _link(
    root: Path, synth: Path, rows: list[dict[str, str]], *, registry: bool = False, **kw
) -> dict:
    header, _ = clean_rows(synth, 1)
    leak = write_leak(root / "leak.csv", header, rows, **kw)
    ws = small_workspace(root, leak, synth / REGISTRY if registry else None)
    return run_link(ws)


def test_one_row_is_one_person_by_the_reference_model(keys_env, tmp_path, synth_200) -> None:
    _, rows = clean_rows(synth_200, 1)
    result = _link(tmp_path, synth_200, rows)
    assert (result["persons"], result["records"]) == (1, 1)
    assert result["model"]["trained"] is False
    assert "reference model" in result["model"]["reason"]


def test_two_identical_rows_are_one_person(keys_env, tmp_path, synth_200) -> None:
    _, rows = clean_rows(synth_200, 1)
    result = _link(tmp_path, synth_200, [rows[0], rows[0]])
    assert (result["persons"], result["records"]) == (1, 2)
    assert result["model"]["trained"] is False


def test_clean_leak_without_registry_keeps_every_patient_apart(
    keys_env, tmp_path, synth_200
) -> None:
    _, rows = clean_rows(synth_200, 200)
    result = _link(tmp_path, synth_200, rows)
    assert (result["persons"], result["records"]) == (200, 200)
    assert result["model"]["m_from_reference"]  # nothing to learn most m from
    assert result["model"]["reason"]


def test_clean_leak_with_a_registry_links_its_patients(keys_env, tmp_path, synth_200) -> None:
    _, rows = clean_rows(synth_200, 200)
    result = _link(tmp_path, synth_200, rows, registry=True)
    assert (result["persons"], result["records"]) == (200, 200)
    registry_rows = sum(1 for _ in (synth_200 / REGISTRY).open(encoding="utf-8")) - 1
    linked = sum(result["per_controller"].values())
    # the clean leak took each person's first registry row: most of this lab's are in it
    assert 0 < linked <= registry_rows
    assert result["unlinked"] == 200 - linked


def test_contact_columns_all_empty(keys_env, tmp_path, synth_200) -> None:
    _, rows = clean_rows(synth_200, 200)
    empty = ("TELEPHONE", "EMAIL", "NOM_USAGE", "COMPLEMENT")
    result = _link(tmp_path, synth_200, rows, empty=empty)
    assert (result["persons"], result["records"]) == (200, 200)
    compared = {c["comparison"] for c in result["model"]["comparisons"]}
    assert not compared & {"phone", "email"}


def test_no_nir_only_same_sex_twins_may_merge(keys_env, tmp_path, synth_200) -> None:
    """Without a NIR the birth date veto is off: twins of one sex, same surname, birth
    date and address, differ by first names alone (docs/linkage.md)."""
    _, rows = clean_rows(synth_200, 200)
    result = _link(tmp_path, synth_200, rows, empty=("NIR", "TELEPHONE", "EMAIL"))
    assert result["records"] == 200
    assert result["persons"] >= 198


def test_cli_says_it_in_one_line_and_in_the_json(keys_env, tmp_path, synth_200) -> None:
    _, rows = clean_rows(synth_200, 200)
    header, _ = clean_rows(synth_200, 1)
    ws = small_workspace(tmp_path, write_leak(tmp_path / "leak.csv", header, rows))
    run = vigie("link", str(ws.path), "--json", env={"VIGIE_KEY_DIR": str(keys_env)})
    assert run.code == 0, run.stderr
    model = run.json()["model"]
    assert model["trained"] is True and model["reason"]
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines == [f"vigie: link: {model['reason']}"]
