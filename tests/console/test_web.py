"""The console's small HTTP helpers: numbers from a query, tokens compared."""

from __future__ import annotations

import pytest

from vigie.console.web import same_token, whole_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3), ("007", 7), ("999999999", 999_999_999), (None, 1), ("", 1), ("0", 0),
     ("1000000000", 1), ("²", 1), ("١٢", 1), ("-1", 1), ("1e3", 1), (" 2", 1),
     ("9" * 5000, 1)],
)  # fmt: skip
def test_whole_number_takes_ascii_digits_only(value: str | None, expected: int) -> None:
    assert whole_number(value, 1) == expected


def test_whole_number_bounds_the_digits() -> None:
    assert whole_number("1234567", 1, digits=6) == 1
    assert whole_number("123456", 1, digits=6) == 123456


@pytest.mark.parametrize(
    ("posted", "expected"), [("abc", True), ("abd", False), ("", False), ("abé", False)]
)
def test_same_token_never_raises(posted: str, expected: bool) -> None:
    assert same_token(posted, "abc") is expected
