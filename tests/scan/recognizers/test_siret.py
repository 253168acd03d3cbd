import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("73282932000074", True, "siret.luhn"),
        ("732 829 320 00074", True, "siret.luhn"),
        ("35600000000048", True, "siret.luhn"),  # La Poste head office exception
        ("73282932000075", False, "siret.luhn"),
        ("269054958815780", None, None),  # a NIR is not a SIRET
    ],
)
def test_siret(value: str, valid: bool | None, rule: str | None) -> None:
    check("siret", value, valid, rule)
