import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("A+", True),
        ("AB-", True),
        ("O Rh+", True),
        ("A POS", True),
        ("B NEG", True),
        ("O RH NEGATIF", True),
        ("0+", True),
        ("AB Rhésus +", True),
        ("groupe A+", True),
        ("A", False),
        ("C+", None),
        ("ABO", False),
    ],
)
def test_blood_group(value: str, valid: bool | None) -> None:
    check("blood_group", value, valid)
