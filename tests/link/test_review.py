"""The review's `=` / `≠` marks say what the model compares, not how the value was typed."""

from __future__ import annotations

import pytest

from vigie.link.review import _agree


@pytest.mark.parametrize(
    ("role", "left", "right", "same"),
    [
        ("birth_date", "2012-03-04", "04/03/2012", True),
        ("birth_date", "2012-03-04T00:00:00", "20120304", True),
        ("birth_date", "2012-03-04", "05/03/2012", False),
        ("phone", "06 12 34 56 78", "+33612345678", True),
        ("phone", "06 12 34 56 78", "06 12 34 56 79", False),
        ("last_name", "Le Goff", "LE-GOFF", True),
        ("first_names", "Hélène", "HELENE", True),
        ("first_names", "Hélène", "Helena", False),
    ],
)
def test_marks_compare_values_as_the_model_does(
    role: str, left: str, right: str, same: bool
) -> None:
    assert _agree(role, left, right) is same
