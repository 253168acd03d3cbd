import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("12 rue de la Paix", True, "street.type"),
        ("12 bis, avenue Jean Jaurès", True, "street.type"),
        ("3 BD DE LA LIBERTE", True, "street.type"),
        ("Lieu-dit Kerhoas", True, "street.type"),
        ("Impasse des Lilas", True, "street.type"),
        ("42 wilkins street", True, "street.type"),
        ("7 Kerbiquet", True, "street.number"),
        ("Dupont", None, None),
        ("12", None, None),
    ],
)
def test_street(value: str, valid: bool | None, rule: str | None) -> None:
    check("street", value, valid, rule)
