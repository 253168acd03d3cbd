"""Consistency of a NIR with the birth date and sex written in the same row."""

from __future__ import annotations

import datetime as dt

from vigie.scan.recognizers.base import Recognition
from vigie.scan.recognizers.dates import parse_date
from vigie.scan.recognizers.nir import compact
from vigie.scan.recognizers.sex import sex_of

_NIR_SEX = {"1": "M", "3": "M", "7": "M", "2": "F", "4": "F", "8": "F"}


def nir_consistency(
    nir: str, birth_date: str | dt.date | None, sex: str | None
) -> Recognition | None:
    """Compare the NIR's year, month and sex digit with a birth date and a sex code.

    None when the NIR is not 15 characters. Fictitious months (20-30, 50-99) carry no
    month, so only the year is compared; months 31-42 mean month - 30. The century is not
    in the NIR, so only the last two digits of the year are compared.
    """
    n = compact(nir)
    if len(n) != 15 or not n[1:5].isdigit():
        return None
    faults, checks = [], []
    day = birth_date if isinstance(birth_date, dt.date) else parse_date(birth_date or "")
    if day is not None:
        checks.append("birth year")
        if int(n[1:3]) != day.year % 100:
            faults.append("birth year differs")
        mm = int(n[3:5])
        month = mm if 1 <= mm <= 12 else mm - 30 if 31 <= mm <= 42 else None
        if month is not None:
            checks.append("month")
            if month != day.month:
                faults.append("birth month differs")
    code = sex_of(sex or "")
    if code is not None and n[0] in _NIR_SEX:
        checks.append("sex")
        if code != _NIR_SEX[n[0]]:
            faults.append("sex differs")
    if not checks:
        return Recognition("national_id.nir", False, "nir.consistency", "nothing to compare")
    detail = "; ".join(faults) if faults else " and ".join(checks) + " consistent"
    return Recognition("national_id.nir", not faults, "nir.consistency", detail, "nir")
