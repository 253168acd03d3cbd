import pytest

from tests.scan.recognizers._table import check
from vigie.scan.recognizers import get


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


@pytest.mark.parametrize(
    "value", ["Laboratoire Biolam Vitré", "LABORATOIRE EUREBIO EVREUX", "Clinique des Lilas", "CHU"]
)
def test_organisation_names_are_not_person_names(value: str) -> None:
    found = get("last_name").recognize(value)
    assert found is None or not found.valid
