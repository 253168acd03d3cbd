import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("269054958815780", True, "ins.valid"),  # an INS matricule is a NIR (or NIA)
        ("785053512300147", True, "ins.provisional"),
        ("269054958815781", False, "ins.key"),
        ("7112345678901", False, "ins.length"),  # a 13-digit NNP is not an INS matricule
    ],
)
def test_ins(value: str, valid: bool, rule: str) -> None:
    check("ins", value, valid, rule)
