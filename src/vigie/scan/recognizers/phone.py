"""Phone numbers (phonenumbers), France and its overseas régions.

Numbers written nationally (0...) are parsed with region FR, then, when FR says invalid,
with the overseas regions GP, MQ, GF, RE, YT (DOMAIN.md: 0690... is invalid as +33).
International forms (+33, 0033, +590...) are parsed as written.
"""

from __future__ import annotations

import re

import phonenumbers

from vigie.scan.masking import mask_phone
from vigie.scan.recognizers.base import Recognizer

# National: 0 + 9 digits in pairs or not; international: +/00, a country code, 6-12 digits.
SHAPE = re.compile(
    r"0[1-9](?:[ .\-/]?\d\d){4}"
    r"|(?:\+|00)\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?\d(?:[ .\-]?\d){5,12}"
)
REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT")


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def validate(value: str) -> tuple[bool, str, str]:
    """Valid for FR or an overseas region (or as an international number)."""
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    for region in REGIONS[:1] if text.startswith("+") else REGIONS:
        num = _parse(text, region)
        if num is not None and phonenumbers.is_valid_number(num):
            return True, "phone.valid", f"valid number ({region} numbering plan)"
    return False, "phone.invalid", "not a valid French or overseas number"


RECOGNIZER = Recognizer(
    name="phone",
    noun="valid French phone numbers",
    element="contact.phone",
    description="Phone numbers (phonenumbers; FR, GP, MQ, GF, RE, YT)",
    shape=SHAPE,
    validate=validate,
    mask=mask_phone,
    header_hints=(
        "TEL",
        "TELEPHONE",
        "TEL1",
        "TEL2",
        "TEL_DOM",
        "TEL_PORT",
        "TEL_FIXE",
        "PORTABLE",
        "MOBILE",
        "GSM",
        "NUM_TEL",
        "TEL_MOBILE",
        "PHONE",
        "PHONE_NUMBER",
        "MOBILE_PHONE",
        "CELL",
        "TELEPHONE_PORTABLE",
        "FAX",
    ),
    specificity=4,
)
