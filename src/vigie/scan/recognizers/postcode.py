"""French postcodes: 5 digits in La Poste's base (4 when a spreadsheet dropped the 0)."""

from __future__ import annotations

import re

from vigie.scan.masking import mask_postcode
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.reference import postcodes

SHAPE = re.compile(r"\d{4,5}|\d\d ?\d{3}")


def validate(value: str) -> tuple[bool, str, str]:
    """Known to La Poste; else say whether its département range is at least plausible."""
    code = value.replace(" ", "").zfill(5)
    if code in postcodes():
        return True, "postcode.known", f"postcode of département {code[:2]}"
    dep = int(code[:2])
    if 1 <= dep <= 95 or code[:3] in ("971", "972", "973", "974", "975", "976", "980"):
        return False, "postcode.unknown", "département range ok but not a La Poste code"
    return False, "postcode.range", "not a département range"


RECOGNIZER = Recognizer(
    name="postcode",
    noun="known French postcodes",
    element="contact.postcode",
    description="French postcodes (La Poste list)",
    shape=SHAPE,
    validate=validate,
    mask=mask_postcode,
    header_hints=(
        "CP",
        "CODE_POSTAL",
        "CODEPOSTAL",
        "CODE_POST",
        "C_POSTAL",
        "CPOSTAL",
        "POSTCODE",
        "POSTAL_CODE",
        "ZIP",
        "ZIPCODE",
        "ZIP_CODE",
        "CP_PATIENT",
    ),
    specificity=3,
    header_trusts_shape=True,
)
