"""A national or social-security number that is not a French NIR (e.g. FEBRL soc_sec_id).

Digits alone say nothing, so this recognizer classifies a column only by an explicit
English or foreign header hint plus a number shape (`header_trusts_shape`). French NIR
headers are deliberately absent: a NIR-named column of random digits stays unclassified.
"""

from __future__ import annotations

import re

from vigie.scan.masking import mask_id
from vigie.scan.recognizers.base import Recognizer

SHAPE = re.compile(r"[A-Za-z]{0,3}\d(?:[ \-.]?\d){4,16}[A-Za-z]?")


def validate(value: str) -> tuple[bool, str, str]:
    """A number of 5 to 17 digits; there is no checksum to test."""
    return True, "national_id.shape", "identifier-shaped number (no checksum known)"


RECOGNIZER = Recognizer(
    name="national_id_other",
    noun="identifier-shaped numbers",
    element="national_id.other",
    description="Other national/social-security numbers (header needed)",
    shape=SHAPE,
    validate=validate,
    mask=lambda v: mask_id(v),
    header_hints=(
        "SOC_SEC_ID",
        "SSN",
        "SOCIAL_SECURITY_NUMBER",
        "NATIONAL_ID",
        "PASSPORT",
        "PASSPORT_NUMBER",
        "ID_CARD",
        "NUM_CNI",
        "CNI",
        "TAX_ID",
        "NUM_PASSEPORT",
        "PASSEPORT",
    ),
    needs_header=True,
    specificity=0,
    header_trusts_shape=True,
)
