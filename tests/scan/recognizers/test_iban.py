import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("FR7630006000011234567890189", True, "iban.check"),
        ("FR76 3000 6000 0112 3456 7890 189", True, "iban.check"),
        ("DE89370400440532013000", True, "iban.check"),
        ("FR7630006000011234567890188", False, "iban.check"),  # wrong check
        ("FR76300060000112345678901", False, "iban.check"),  # French IBANs have 27 chars
        ("FR76", None, None),
    ],
)
def test_iban(value: str, valid: bool | None, rule: str | None) -> None:
    check("iban", value, valid, rule)
