import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("DUPONT", True),
        ("LE GALL", True),
        ("de la Fontaine", True),
        ("D'ALMEIDA", True),
        ("MARTIN--DURANT", True),
        ("Müller", True),
        ("N'Diaye", True),
        ("prélèvement difficile hier", False),
        ("DUPONT2", None),
        ("A", None),
        ("DE LA", False),
    ],
)
def test_last_name(value: str, valid: bool | None) -> None:
    check("last_name", value, valid)
