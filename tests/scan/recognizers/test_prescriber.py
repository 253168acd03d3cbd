import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("Dr MARTIN", True),
        ("Dr. Anne Petit", True),
        ("Docteur LE GALL", True),
        ("Pr Durand", True),
        ("Dr 1234", False),
        ("MARTIN", None),
    ],
)
def test_prescriber(value: str, valid: bool | None) -> None:
    check("prescriber", value, valid)
