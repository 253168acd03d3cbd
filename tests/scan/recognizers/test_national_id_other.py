import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1234567", True),
        ("AB123456", True),
        ("123-45-6789", True),
        ("1234", None),
        ("abcdef", None),
    ],
)
def test_national_id_other(value: str, valid: bool | None) -> None:
    check("national_id_other", value, valid)
