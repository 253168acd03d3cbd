import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(("value", "valid"), [("Lorient", True), ("Bamako", False)])
def test_birth_place(value: str, valid: bool) -> None:
    check("birth_place", value, valid)
