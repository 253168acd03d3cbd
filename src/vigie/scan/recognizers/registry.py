"""The one place where recognizers are registered: add a module, then a line here."""

from __future__ import annotations

from vigie.scan.recognizers import (
    adeli,
    analytes,
    birth_name,
    birth_place,
    blood_group,
    commune,
    dates,
    email,
    finess,
    first_name,
    iban,
    ins,
    last_name,
    national_id_other,
    nir,
    password,
    phone,
    postcode,
    prescriber,
    result_value,
    rpps,
    sex,
    siren,
    siret,
    street,
)
from vigie.scan.recognizers.base import Recognizer

RECOGNIZERS: tuple[Recognizer, ...] = (
    *(
        m.RECOGNIZER
        for m in (
            nir,
            ins,
            rpps,
            adeli,
            finess,
            siren,
            siret,
            iban,
            national_id_other,
            phone,
            email,
            dates,
            postcode,
            commune,
            birth_place,
            sex,
            blood_group,
            result_value,
            first_name,
            last_name,
            birth_name,
            street,
            prescriber,
            password,
        )
    ),
    analytes.ANALYTE,  # two recognizers in one module: lab results (see analytes.py)
    analytes.LAB_VALUE,
)
_BY_NAME = {r.name: r for r in RECOGNIZERS}


def all_recognizers() -> tuple[Recognizer, ...]:
    """Every registered recognizer, in registration order."""
    return RECOGNIZERS


def get(name: str) -> Recognizer:
    """The recognizer called `name` (KeyError if none)."""
    return _BY_NAME[name]
