import datetime as dt

import pytest

from vigie.scan.recognizers import nir_consistency


@pytest.mark.parametrize(
    ("nir", "birth", "sex", "valid"),
    [
        ("269054958815780", "12/05/1969", "F", True),
        ("269054958815780", "1969-05-12", "2", True),
        ("269054958815780", dt.date(1969, 5, 1), "Femme", True),
        ("269054958815780", "12/06/1969", "F", False),  # month differs
        ("269054958815780", "12/05/1970", "F", False),  # year differs
        ("269054958815780", "12/05/1969", "M", False),  # sex differs
        ("269354958815775", "01/05/1969", None, True),  # 35 = month 5, pseudo-fictitious
        ("269994958815732", "01/11/1969", None, True),  # 99: month unknown, year only
        ("785053512300147", "01/05/1985", "H", True),  # provisional man
    ],
)
def test_nir_consistency(nir: str, birth: str | dt.date, sex: str | None, valid: bool) -> None:
    outcome = nir_consistency(nir, birth, sex)
    assert outcome is not None and outcome.valid is valid, outcome


def test_nir_consistency_with_nothing_to_compare_is_not_valid() -> None:
    outcome = nir_consistency("269054958815780", None, None)
    assert outcome is not None and not outcome.valid


def test_nir_consistency_needs_fifteen_characters() -> None:
    assert nir_consistency("7112345678901", "01/01/1990", "M") is None
