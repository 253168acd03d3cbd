"""ADELI number of a health professional: 9 digits.

Its internal structure and key are unconfirmed (DOMAIN.md), so the digits alone cannot
tell an ADELI from a SIREN, a FINESS or any 9-digit code: this recognizer classifies a
column only when its header names ADELI (`header_trusts_shape`).
"""

from __future__ import annotations

import re

from vigie.scan.masking import mask_id
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.text_norm import digits_only

SHAPE = re.compile(r"0?\d{9}|(?:\d[ .]?){8}\d")


def validate(value: str) -> tuple[bool, str, str]:
    """9 digits (10 with the idNatPS prefix 0); no key is known."""
    d = digits_only(value)
    if len(d) == 10 and d[0] == "0":
        d = d[1:]
    if len(d) != 9:
        return False, "adeli.shape", "not 9 digits"
    return True, "adeli.shape", "9 digits (no key to check)"


RECOGNIZER = Recognizer(
    name="adeli",
    noun="9-digit ADELI numbers",
    element="provider.prescriber",
    description="ADELI number of a health professional (9 digits; header needed)",
    shape=SHAPE,
    validate=validate,
    mask=mask_id,
    header_hints=("ADELI", "NUM_ADELI", "NO_ADELI", "ADELI_PRESC", "ID_ADELI"),
    needs_header=True,
    specificity=0,
    header_trusts_shape=True,
)
