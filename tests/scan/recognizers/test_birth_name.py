import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(("value", "valid"), [("LE BIHAN", True), ("1234", None)])
def test_birth_name(value: str, valid: bool | None) -> None:
    check("birth_name", value, valid)
