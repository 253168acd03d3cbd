import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("010003820", True, "finess.luhn"),  # DOMAIN.md examples
        ("010003812", True, "finess.luhn"),
        ("350123451", True, "finess.luhn"),
        ("2A0001238", True, "finess.luhn"),  # Corsica, key read with 20 (unconfirmed)
        ("010003821", False, "finess.luhn"),  # wrong key
        ("011003820", False, "finess.shape"),  # third character not 0
        ("000003820", False, "finess.departement"),
        ("990003820", False, "finess.departement"),
        ("01000382", None, None),  # too short
    ],
)
def test_finess(value: str, valid: bool | None, rule: str | None) -> None:
    check("finess", value, valid, rule)
