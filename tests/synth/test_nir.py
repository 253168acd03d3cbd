"""NIR, FINESS and RPPS building blocks, and the NIRs written in the leak."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from stdnum.fr import nir as stdnir

from vigie.synth import nir, population

from ._util import read_csv


@pytest.mark.parametrize(
    ("sex", "year", "month", "dep", "commune", "order", "expected"),
    [
        (2, 1969, 5, "49", 588, 157, "269054958815780"),  # DOMAIN.md example
        (2, 1953, 7, "2A", 73, 4, "253072A07300443"),  # Corsica: 2A counts as 19 in the key
        (1, 1985, 12, "99", 350, 12, None),
        (1, 2012, 1, "2B", 33, 999, None),
    ],
)
def test_built_nir_has_valid_key(
    sex: int, year: int, month: int, dep: str, commune: int, order: int, expected: str | None
) -> None:
    arr = [np.array([x]) for x in (sex, year, month)]
    got = nir.build_nirs(
        *arr, np.array([dep], dtype=object), np.array([commune]), np.array([order])
    )[0]
    assert stdnir.is_valid(got)
    assert nir.is_valid_key(got)
    if expected:
        assert got == expected


@pytest.mark.parametrize("seed", range(30))
def test_mistyped_nir_fails_the_key(seed: int) -> None:
    good = "269054958815780" if seed % 2 else "253072A07300443"
    bad = nir.mistype(good, np.random.default_rng(seed))
    assert bad != good and len(bad) == 15
    assert not stdnir.is_valid(bad)


@pytest.mark.parametrize(
    ("number", "ok"),
    [("010003820", True), ("010003812", True), ("010003821", False), ("350012340", None)],
)
def test_luhn_matches_known_finess(number: str, ok: bool | None) -> None:
    if ok is None:
        number = nir.finess("35", 1234)
        ok = True
    assert nir.luhn_ok(number) is ok


def test_every_valid_leak_nir_matches_its_person(small: Path) -> None:
    persons = {p["person_id"]: p for p in read_csv(small / "truth" / "persons.csv")}
    leaked = _leaked_nirs(small)
    statuses = Counter(status for _, _, status in leaked)
    assert statuses["valid"] > 0 and statuses["parent"] > 0 and statuses["missing"] > 0
    for pid, value, status in leaked:
        if status == "valid":
            p = persons[pid]
            assert stdnir.is_valid(value), status
            assert value[0] == ("2" if p["sex"] == "F" else "1")
            assert value[1:3] == p["birth_date"][2:4]
            assert value[3:5] == p["birth_date"][5:7]
            assert value[5:7] == p["birth_dep"]
        elif status == "mistyped":
            assert not stdnir.is_valid(value)
        elif status == "temporary":
            assert value[0] in "3478" and stdnir.is_valid(value)
        elif status == "missing":
            assert value == ""


def _leaked_nirs(root: Path) -> list[tuple[str, str, str]]:
    """(person, NIR as leaked, status) from the JSON lines file, matched via the truth."""
    import json

    truth = [r for r in read_csv(root / "truth" / "leak_rows.csv") if r["file"] == "dossiers.jsonl"]
    lines = (root / "leak" / "dossiers.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(truth)
    return [
        (t["person_id"], json.loads(line)["nir"] or "", t["nir_status"])
        for t, line in zip(truth, lines, strict=True)
    ]


def test_children_are_recorded_under_a_parent_nir(small: Path) -> None:
    persons = {p["person_id"]: p for p in read_csv(small / "truth" / "persons.csv")}
    children = [p for p in persons.values() if p["nir_holder_person_id"]]
    assert len(children) > 50
    for child in children:
        parent = persons[child["nir_holder_person_id"]]
        assert parent["household_id"] == child["household_id"]
        assert parent["minor"] == "False" and child["minor"] == "True"
        assert parent["birth_date"] != child["birth_date"]


def test_recorded_nir_of_a_child_is_the_parent_own_nir() -> None:
    pop = population.build(np.random.SeedSequence(3), 3000)
    rec = pop.recorded_nir
    kids = np.flatnonzero(pop.holder >= 0)
    assert len(kids) > 100
    assert np.all(rec[kids] == pop.nirs.own[pop.holder[kids]])
    assert np.all(pop.names.first_name[kids] != "") and np.all(
        pop.hh.birth[kids] != pop.hh.birth[pop.holder[kids]]
    )
