"""lab_value: a number with a unit of clinical biology is a lab result, in any column."""

from __future__ import annotations

import pytest

from vigie.scan.recognizers.analytes import LAB_VALUE


@pytest.mark.parametrize(
    "value",
    ["5,4 mmol/L", "13.2 g/dL", "< 0,5 mg/L", "> 90 mL/min/1,73 m2", "6,1 %", "250 G/L",
     "2,3 mUI/L", "45 µmol/L", "0.8 ng/mL", "12 mm/h"],
)  # fmt: skip
def test_numbers_with_lab_units(value: str) -> None:
    found = LAB_VALUE.recognize(value)
    assert found is not None and found.valid and found.element == "health.result"


@pytest.mark.parametrize("value", ["12", "12,50 €", "3 rue de la Paix", "35000", "1,5 km", "A+"])
def test_other_values(value: str) -> None:
    assert LAB_VALUE.recognize(value) is None
