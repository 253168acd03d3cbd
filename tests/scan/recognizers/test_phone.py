import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("06 12 34 56 78", True, "phone.valid"),
        ("0612345678", True, "phone.valid"),
        ("06.12.34.56.78", True, "phone.valid"),
        ("02 99 12 34 56", True, "phone.valid"),  # Bretagne landline
        ("+33 6 12 34 56 78", True, "phone.valid"),
        ("0033612345678", True, "phone.valid"),
        ("0690 12 34 56", True, "phone.valid"),  # Guadeloupe mobile: parsed as GP
        ("0692 12 34 56", True, "phone.valid"),  # Réunion mobile
        ("0696 12 34 56", True, "phone.valid"),  # Martinique mobile
        ("0712345678", False, "phone.invalid"),  # 07 1x is not a mobile range
        ("0012345678", None, None),
        ("061234567", None, None),  # 9 digits
    ],
)
def test_phone(value: str, valid: bool | None, rule: str | None) -> None:
    check("phone", value, valid, rule)
