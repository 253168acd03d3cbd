import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("351234567", True, "adeli.shape"),
        ("0351234567", True, "adeli.shape"),  # idNatPS form "0" + ADELI
        ("35 12 34 56 7", True, "adeli.shape"),
        ("35123456", None, None),  # 8 digits
        ("3512345678901", None, None),
    ],
)
def test_adeli(value: str, valid: bool | None, rule: str | None) -> None:
    check("adeli", value, valid, rule)
