"""Addresses use real communes: each postcode belongs to its commune and département."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import phonenumbers
import pytest

from vigie.synth import pools

from ._util import read_csv


@pytest.fixture(scope="module")
def commune_pairs() -> set[tuple[str, str]]:
    c = pools.communes()
    return set(zip(c.postcode.tolist(), c.name.tolist(), strict=True))


def test_communes_file_holds_the_six_departements() -> None:
    c = pools.communes()
    assert set(c.dep.tolist()) == set(pools.DEPARTEMENTS)
    assert len(set(c.insee.tolist())) > 2000
    assert all(i[:2] == d for i, d in zip(c.insee.tolist(), c.dep.tolist(), strict=True))
    assert ("35000", "Rennes") in set(zip(c.postcode.tolist(), c.name.tolist(), strict=True))


def test_registry_postcodes_belong_to_their_commune(
    small: Path, commune_pairs: set[tuple[str, str]]
) -> None:
    for path in (small / "registries").glob("laboratoire_*.csv"):
        for row in read_csv(path):
            assert (row["CODE_POSTAL"], row["COMMUNE"]) in commune_pairs, path.name


def test_leak_postcodes_belong_to_their_commune(
    small: Path, commune_pairs: set[tuple[str, str]]
) -> None:
    raw = (small / "leak" / "extraction_patients.csv").read_bytes().decode("cp1252")
    rows = list(csv.DictReader(io.StringIO(raw, newline=""), delimiter=";"))
    plain = {(cp, pools.strip_accents(name)) for cp, name in commune_pairs}
    for row in rows:
        pair = (row["CodePostal"], row["Ville"])
        assert pair in commune_pairs or pair in plain


def test_generated_phones_are_valid_french_numbers(small: Path) -> None:
    numbers = [
        row["TELEPHONE"]
        for path in (small / "registries").glob("laboratoire_*.csv")
        for row in read_csv(path)
        if row["TELEPHONE"]
    ]
    assert len(numbers) > 500
    for number in numbers:
        assert phonenumbers.is_valid_number(phonenumbers.parse(number, "FR")), number


def test_controllers_list_every_registry(small: Path) -> None:
    rows = read_csv(small / "registries" / "controllers.csv")
    assert len(rows) == 28
    for row in rows:
        assert (small / "registries" / row["file"]).exists()
        assert row["finess"][:2] == row["departement"] and row["finess"][2] == "0"
