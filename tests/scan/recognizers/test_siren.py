import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("732829320", True, "siren.luhn"),
        ("732 829 320", True, "siren.luhn"),
        ("732829321", False, "siren.luhn"),
        ("73282932", None, None),
    ],
)
def test_siren(value: str, valid: bool | None, rule: str | None) -> None:
    check("siren", value, valid, rule)
