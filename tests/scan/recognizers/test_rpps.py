import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("10003456786", True, "rpps.luhn_ok"),
        ("12345678903", True, "rpps.luhn_ok"),
        ("810003456786", True, "rpps.luhn_ok"),  # idNatPS form "8" + RPPS
        ("10003456787", False, "rpps.luhn_fail"),  # wrong key
        ("35001234562", False, "rpps.shape"),  # does not start with 1
        ("1000345678", None, None),  # 10 digits
    ],
)
def test_rpps(value: str, valid: bool | None, rule: str | None) -> None:
    check("rpps", value, valid, rule)
