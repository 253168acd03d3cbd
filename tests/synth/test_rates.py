"""Rates at 20,000 persons roughly as the brief specifies."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ._util import read_csv


@pytest.fixture(scope="module")
def truth(large: Path) -> dict[str, list[dict[str, str]]]:
    return {
        name: read_csv(large / "truth" / f"{name}.csv")
        for name in ("persons", "leak_rows", "registry_links")
    }


def _share(rows: list[dict[str, str]], test: object) -> float:
    return sum(1 for r in rows if test(r)) / len(rows)  # type: ignore[operator]


def test_persons_rates(truth: dict[str, list[dict[str, str]]]) -> None:
    persons = truth["persons"]
    leaked = [p for p in persons if p["in_leak"] == "True"]
    assert len(leaked) == 20_000
    assert 0.15 <= _share(persons, lambda p: p["minor"] == "True") <= 0.27
    assert 0.01 <= _share(persons, lambda p: p["deceased"] == "True") <= 0.06
    assert 0.15 <= 1 - len(leaked) / len(persons) <= 0.30  # registry patients not in the leak
    years = [int(p["birth_date"][:4]) for p in persons]
    assert min(years) >= 1920 and max(years) <= 2021
    assert _share(persons, lambda p: p["birth_dep"] == "99") > 0.02
    assert any(p["birth_dep"] in ("2A", "2B", "20") for p in persons)


def test_leak_rows_rates(truth: dict[str, list[dict[str, str]]]) -> None:
    rows = truth["leak_rows"]
    assert 1.4 <= len(rows) / 20_000 <= 1.9  # exams per person
    status = Counter(r["nir_status"] for r in rows)
    n = len(rows)
    assert 0.02 <= status["missing"] / n <= 0.04
    assert 0.005 <= status["mistyped"] / n <= 0.015
    assert 0.003 <= status["temporary"] / n <= 0.03
    assert status["parent"] / n >= 0.05
    assert 0.5 <= _share(rows, lambda r: "contact.phone" in r["elements"]) <= 0.7
    assert 0.25 <= _share(rows, lambda r: "contact.email" in r["elements"]) <= 0.45
    assert 0.33 <= _share(rows, lambda r: "health.blood_group" in r["elements"]) <= 0.47
    assert 0.12 <= _share(rows, lambda r: r["note_elements"] != "") <= 0.3
    assert 0.01 <= _share(rows, lambda r: "health.hiv" in r["note_elements"]) <= 0.04
    files = Counter(r["file"] for r in rows)
    for file, target in (
        ("export_sil.sql", 0.40),
        ("extraction_patients.csv", 0.25),
        ("export_labo.xlsx", 0.20),
        ("dossiers.jsonl", 0.15),
    ):
        assert abs(files[file] / n - target) < 0.08, file


def test_exam_dates_mostly_in_the_window(large: Path) -> None:
    import json

    lines = (large / "leak" / "dossiers.jsonl").read_text(encoding="utf-8").splitlines()
    dates = [json.loads(line)["date_prelevement"][:10] for line in lines]
    inside = sum("2018-06-01" <= d <= "2019-02-05" for d in dates) / len(dates)
    assert 0.85 <= inside <= 0.95
    assert min(dates) >= "2017-01-01" and max(dates) <= "2021-02-12"


def test_registries_show_moves_and_deaths(
    large: Path, truth: dict[str, list[dict[str, str]]]
) -> None:
    links = truth["registry_links"]
    assert len({link["controller"] for link in links}) == 28
    rows = [
        r for p in sorted((large / "registries").glob("laboratoire_*.csv")) for r in read_csv(p)
    ]
    assert len(rows) == len(links)
    assert any(r["DECEDE"] == "O" and r["DATE_DECES"] for r in rows)
    assert 0.25 <= _share(rows, lambda r: bool(r["NOM_USAGE"])) / 0.5 <= 0.6
