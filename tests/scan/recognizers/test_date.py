import datetime as dt

import pytest

from tests.scan.recognizers._table import check
from vigie.scan.recognizers import parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12/05/1985", dt.date(1985, 5, 12)),
        ("12/05/85", dt.date(1985, 5, 12)),
        ("12/05/19", dt.date(2019, 5, 12)),
        ("1985-05-12", dt.date(1985, 5, 12)),
        ("19850512", dt.date(1985, 5, 12)),
        ("12.05.1985", dt.date(1985, 5, 12)),
        ("12-05-1985", dt.date(1985, 5, 12)),
        ("1985/05/12", dt.date(1985, 5, 12)),
        ("12/05/2018 08:30", dt.date(2018, 5, 12)),
        ("2018-05-12T08:30:00", dt.date(2018, 5, 12)),
        ("2018-05-12 08:30:00.123", dt.date(2018, 5, 12)),
        ("1/5/1985", dt.date(1985, 5, 1)),
        ("31/02/1985", None),  # no such day
        ("12/13/1985", None),  # month 13
        ("12/05/1785", None),  # out of range
        ("1985-5-12x", None),
    ],
)
def test_parse_date(value: str, expected: dt.date | None) -> None:
    assert parse_date(value, pivot=25) == expected


@pytest.mark.parametrize(
    ("value", "valid"),
    [("12/05/1985", True), ("20190205", True), ("31/02/1985", False), ("1985", None)],
)
def test_date(value: str, valid: bool | None) -> None:
    check("date", value, valid)
