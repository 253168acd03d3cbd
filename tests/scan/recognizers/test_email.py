import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("jean.dupont@example.fr", True),
        ("j-p.martin+lab@mail.example.org", True),
        ("jean..dupont@example.fr", False),
        ("jean@localhost", False),
        ("jean.dupont@", None),
        ("jean dupont@example.fr", None),
    ],
)
def test_email(value: str, valid: bool | None) -> None:
    check("email", value, valid)
