"""Masks never show more of a value than they document."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigie.scan import masking
from vigie.scan.recognizers import all_recognizers


@pytest.mark.parametrize(
    ("mask", "value", "expected"),
    [
        (masking.mask_nir, "285123501234512", "2 85 ** ** *** *** 12"),
        (masking.mask_nir, "2 85 12 35 012 345 12", "2 85 ** ** *** *** 12"),
        (masking.mask_name, "Jean Dupont", "J*** D***"),
        (masking.mask_name, "LE GALL", "L*** G***"),
        (masking.mask_phone, "06 12 34 56 78", "06 ** ** ** 78"),
        (masking.mask_phone, "+33 6 12 34 56 78", "+336 ** ** ** 78"),
        (masking.mask_email, "jean.dupont@example.fr", "j***@e***.fr"),
        (masking.mask_date, "12/05/1985", "**/**/19**"),
        (masking.mask_postcode, "35000", "35***"),
        (masking.mask_id, "10003456786", "10*******86"),
        (masking.mask_iban, "FR7630006000011234567890189", "FR76 **** **** **** **** **** *89"),
        (masking.mask_address, "12 rue de la Paix", "** RUE D** L** P**"),
        (masking.mask_code, "A+", "**"),
        (masking.mask_hash, "$2b$12$abc", "[10 characters]"),
        (masking.mask_text, "Sérologie VIH négative", "[text, 22 characters]"),
    ],
)
def test_masks(mask: object, value: str, expected: str) -> None:
    assert mask(value) == expected  # type: ignore[operator]


def _visible(masked: str) -> int:
    # the separators a mask adds (a date's slashes) are not the value's characters
    return len(re.sub(r"[\s*\[\]().,:@/-]|characters|text", "", masked))


def test_a_masked_date_shows_its_century_and_no_more() -> None:
    # hypothesis once drew "2000": the mask's slashes counted as shown characters
    assert _visible(masking.mask_date("2000")) == 2 <= LIMITS["date"]


# How many characters of the value each recognizer's mask may show, at most.
LIMITS = {
    "nir": 5,
    "ins": 5,
    "rpps": 4,
    "adeli": 4,
    "finess": 4,
    "siren": 4,
    "siret": 4,
    "iban": 6,
    "national_id_other": 4,
    "phone": 5,
    "email": 3 + 6,
    "date": 2,
    "postcode": 2,
    "commune": 3,
    "birth_place": 3,
    "sex": 0,
    "blood_group": 0,
    "first_name": 3,
    "last_name": 3,
    "birth_name": 3,
    "street": 5 + 8,
    "prescriber": 3,
    "password": 3,
    "analyte": 0,  # a lab result is health data: nothing of it shown
    "lab_value": 0,
    "result_value": 0,
}


@pytest.mark.parametrize("rec", all_recognizers(), ids=lambda r: r.name)
@given(value=st.text(min_size=1, max_size=60))
def test_masks_never_show_more_than_their_limit(rec: object, value: str) -> None:
    from vigie.scan.recognizers.base import Recognizer

    assert isinstance(rec, Recognizer)
    masked = rec.mask(value)
    if rec.name == "street":  # street types are shown whole (RUE, AVENUE): not personal
        from vigie.scan.recognizers.street import STREET_TYPES

        masked = " ".join(w for w in masked.split() if w not in STREET_TYPES)
    assert _visible(masked) <= LIMITS[rec.name], (rec.name, masked)
    if len(value.strip()) >= 8:
        assert value.strip() not in masked
