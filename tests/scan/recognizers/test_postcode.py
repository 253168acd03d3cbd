import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("35000", True, "postcode.known"),
        ("56100", True, "postcode.known"),
        ("20000", True, "postcode.known"),  # Ajaccio (2A)
        ("97110", True, "postcode.known"),  # Guadeloupe
        ("1400", True, "postcode.known"),  # 01400 with its 0 dropped by a spreadsheet
        ("35999", False, "postcode.unknown"),
        ("99999", False, "postcode.range"),
        ("00100", False, "postcode.range"),
        ("350000", None, None),
    ],
)
def test_postcode(value: str, valid: bool | None, rule: str | None) -> None:
    check("postcode", value, valid, rule)
