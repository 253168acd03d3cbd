import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("M", True),
        ("F", True),
        ("H", True),
        ("1", True),
        ("2", True),
        ("Homme", True),
        ("FEMME", True),
        ("Masculin", True),
        ("Féminin", True),
        ("Mme", True),
        ("X", False),
        ("3", None),
        ("Inconnu", False),
    ],
)
def test_sex(value: str, valid: bool | None) -> None:
    check("sex", value, valid)
