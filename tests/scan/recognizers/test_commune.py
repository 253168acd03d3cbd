import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("Rennes", True),
        ("SAINT-MALO", True),
        ("ST MALO", True),
        ("Évreux", True),
        ("EVREUX", True),
        ("L'Abergement-Clémenciat", True),
        ("RENNES CEDEX 9", True),
        ("Paris 15e", True),
        ("Kingscliff", False),
        ("Xyzzyville", False),
    ],
)
def test_commune(value: str, valid: bool) -> None:
    check("commune", value, valid)
