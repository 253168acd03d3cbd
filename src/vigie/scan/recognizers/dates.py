"""Dates as French systems write them, with or without a time.

dd/mm/yyyy, dd/mm/yy, dd.mm.yyyy, dd-mm-yyyy, yyyy-mm-dd, yyyy/mm/dd, yyyymmdd; a time
(hh:mm, hh:mm:ss, ISO `T`, fractions) may follow. A date validates when the calendar date
exists and the year is between 1880 and 2100. Whether a date column holds birth dates or
exam dates is decided by profiling (ranges and headers), not here.
"""

from __future__ import annotations

import datetime as dt
import re

from vigie.scan.masking import mask_date
from vigie.scan.recognizers.base import Recognizer

_TIME = r"(?:[ T]\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
SHAPE = re.compile(
    r"(?:(?P<d>\d{1,2})(?P<s1>[/.\-])(?P<m>\d{1,2})(?P=s1)(?P<y>\d{4}|\d{2})"
    r"|(?P<Y>\d{4})(?P<s2>[\-/]?)(?P<M>\d{2})(?P=s2)(?P<D>\d{2}))" + _TIME
)
MIN_YEAR, MAX_YEAR = 1880, 2100


def _year(text: str, pivot: int) -> int:
    year = int(text)
    if len(text) == 2:  # two-digit years: the closest past century
        year += 2000 if year <= pivot else 1900
    return year


def parse_date(value: str, pivot: int | None = None) -> dt.date | None:
    """The calendar date a value writes, or None. `pivot`: last 2-digit year read as 20yy."""
    m = SHAPE.fullmatch(value.strip())
    if m is None:
        return None
    pivot = dt.date.today().year % 100 if pivot is None else pivot
    if m.group("d"):
        parts = (_year(m.group("y"), pivot), int(m.group("m")), int(m.group("d")))
    else:
        parts = (int(m.group("Y")), int(m.group("M")), int(m.group("D")))
    try:
        day = dt.date(*parts)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


def validate(value: str) -> tuple[bool, str, str]:
    """A real calendar date in a plausible year range."""
    day = parse_date(value)
    if day is None:
        return False, "date.calendar", "not a calendar date between 1880 and 2100"
    return True, "date.valid", f"calendar date, year {day.year // 10 * 10}s"


RECOGNIZER = Recognizer(
    name="date",
    noun="calendar dates",
    element="identity.birth_date",
    description="Dates (birth dates; exam dates are told apart by profiling)",
    shape=SHAPE,
    validate=validate,
    mask=mask_date,
    header_hints=(
        "DDN",
        "DATE_NAISS",
        "DATE_NAISSANCE",
        "DATENAISS",
        "DATENAISSANCE",
        "DT_NAISS",
        "NAISSANCE",
        "DATE_DE_NAISSANCE",
        "NE_LE",
        "DOB",
        "DATE_OF_BIRTH",
        "BIRTH_DATE",
        "BIRTHDATE",
        "BIRTHDAY",
        "DATE_NAIS",
    ),
    specificity=3,
)
EXAM_HINTS = (
    "DATE_PRELEV",
    "DATE_PRELEVEMENT",
    "DT_PRELEV",
    "DATEPRELEV",
    "DATE_EXAMEN",
    "DATE_EXAM",
    "DATE_ANALYSE",
    "DATE_RESULTAT",
    "DATE_DEMANDE",
    "DATE_RDV",
    "DATE_VISITE",
    "DATE_RECEPTION",
    "EXAM_DATE",
    "SAMPLE_DATE",
    "DATE_PASSAGE",
    "DATE_DOSSIER",
    "DATE_SEJOUR",
    "DATE_ADMISSION",
    "DATE_ENTREE",
    "VISIT_DATE",
)
