import pytest

from tests.scan.recognizers._table import check


@pytest.mark.parametrize(
    ("value", "valid", "rule"),
    [
        ("269054958815780", True, "nir.valid"),  # DOMAIN.md example
        ("2 69 05 49 588 157 80", True, "nir.valid"),  # spaces tolerated
        ("2.69.05.49.588.157.80", True, "nir.valid"),  # dots tolerated
        ("253072A07300443", True, "nir.valid"),  # Corsica 2A
        ("253072a07300443", True, "nir.valid"),  # lowercase 2a
        ("185129712300146", True, "nir.valid"),  # overseas 971
        ("185129912300189", True, "nir.valid"),  # born abroad (99 + country)
        ("385059912300171", True, "nir.pending"),  # foreign man, registration pending
        ("785053512300147", True, "nir.provisional"),  # provisional number, sex 7
        ("2852035012345", False, "nir.length"),  # 13 digits, not an NNP shape
        ("7112345678901", True, "nir.nnp"),  # NNP: sex 7, flag 1
        ("7212345678901", False, "nir.nnp"),  # NNP flag 2: fictitious
        ("5112345678901", True, "nir.mig"),  # MIG shape
        ("269054958815781", False, "nir.key"),  # wrong key
        ("569054958815780", False, "nir.sex"),  # sex 5
        ("269134958815780", False, "nir.month"),  # month 13
        ("269994958815732", True, "nir.valid"),  # fictitious month 99 is valid
        ("269354958815775", True, "nir.valid"),  # pseudo-fictitious month 35
        ("269050058815780", False, "nir.place"),  # département 00
        ("269059900015780", False, "nir.place"),  # 99 + country 000
        ("2690549588157", False, "nir.length"),
        ("995059912611151", False, "nir.sex"),  # stdnum passes it; sex 9 does not
        ("000000000000097", False, "nir.sex"),
        ("73282932000074", False, None),  # a valid SIRET is not a NIR
    ],
)
def test_nir(value: str, valid: bool, rule: str | None) -> None:
    check("nir", value, valid, rule)


def test_nir_too_short_is_not_recognized() -> None:
    check("nir", "26905495", None)
