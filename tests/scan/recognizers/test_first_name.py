import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("JEAN", True),
        ("Marie", True),
        ("Anne-Sophie", True),
        ("Anne Sophie", True),
        ("Jean-Pierre", True),
        ("Hélène", True),
        ("DUPONT-MOREAU", False),
        ("patient à jeun prévu", False),
        ("J3AN", None),
    ],
)
def test_first_name(value: str, valid: bool | None) -> None:
    check("first_name", value, valid)
