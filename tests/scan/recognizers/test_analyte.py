"""Lab results in columns (issue 12's finding): a column named after its analyte and
holding numbers, or a column of numbers with lab units, is health.result; numbers under
other headers, and ambiguous abbreviations without a unit, are not."""

from __future__ import annotations

import random

import pytest

from vigie.scan import profile_column
from vigie.scan.headers import normalise
from vigie.scan.recognizers.analytes import analyte_of

rng = random.Random(5)


def _numbers(low: float, high: float, n: int = 300, decimals: int = 1) -> list[str | None]:
    return [f"{rng.uniform(low, high):.{decimals}f}".replace(".", ",") for _ in range(n)]


@pytest.mark.parametrize(
    "header",
    ["hemoglobine", "Hémoglobine", "HGB", "Hb (g/dL)", "glycemie_g_l", "Glycémie", "glucose",
     "tsh", "TSH µUI/mL", "crp", "CRP (mg/L)", "crp_mg_l", "hba1c", "HbA1c (%)", "ferritine",
     "Ferritin", "creatinine_umol_l", "K (mmol/L)", "na_mmol_l", "plaquettes_g_l", "PSA",
     "vitamine_d", "25-OH-D", "LDL cholestérol"],
)  # fmt: skip
def test_an_analyte_header_with_numbers_is_a_lab_result(header: str) -> None:
    found = profile_column("resultats", header, _numbers(0.1, 200))
    assert found.element == "health.result", (header, found.evidence)


@pytest.mark.parametrize("header", ["k", "na", "PT", "GB", "ca", "montant", "quantite", "age"])
def test_numbers_under_other_or_ambiguous_headers_are_not(header: str) -> None:
    found = profile_column("t", header, _numbers(0, 100, decimals=0))
    assert found.element != "health.result", (header, found.evidence)


def test_a_code_column_named_like_an_analyte_is_not_a_result() -> None:
    codes = [f"CRP-2019-{i:04d}" for i in range(300)]
    assert profile_column("t", "crp", codes).element != "health.result"


def test_values_with_lab_units_are_results_whatever_the_header() -> None:
    units = ["mmol/L", "g/dL", "mg/L", "µmol/L", "UI/L", "%", "G/L", "mUI/L", "ng/mL"]
    values = [f"{rng.uniform(0.1, 50):.1f} {rng.choice(units)}".replace(".", ",")
              for _ in range(300)] + ["< 0,5 mg/L", "> 90 mL/min/1,73 m2"]  # fmt: skip
    found = profile_column("t", "valeur", values)
    assert found.element == "health.result", found.evidence


def test_unit_tokens_are_dropped_from_the_header() -> None:
    assert analyte_of(normalise("TSH µUI/mL")) == "TSH"
    assert analyte_of(normalise("K+ (mmol/L)")) == "POTASSIUM"
    assert analyte_of(normalise("k")) is None
    assert analyte_of(normalise("nom")) is None
