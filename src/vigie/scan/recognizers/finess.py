"""FINESS number of a health or social establishment (not personal data).

9 characters: département (01-95, 2A/2B, 97 overseas, 98 Mayotte), a 0, a 5-character
order number, a Luhn key (ANS MOS). Luhn handling of 2A/2B is unconfirmed: Corsican
numbers are checked with 2A -> 20 and 2B -> 20 as a best guess and say so.
"""

from __future__ import annotations

import re

from stdnum import luhn

from vigie.scan.masking import mask_id
from vigie.scan.recognizers.base import Recognizer

SHAPE = re.compile(r"(?:\d\d|2[ABab])\d{7}")


def validate(value: str) -> tuple[bool, str, str]:
    """Département prefix, a 0 in third place and the Luhn key."""
    v = value.strip().upper()
    dep = v[:2]
    metro = dep.isdigit() and 1 <= int(dep) <= 95
    if not (metro or dep in ("2A", "2B", "97", "98")):
        return False, "finess.departement", "first two characters are not a département"
    if v[2] != "0":
        return False, "finess.shape", "third character is not 0"
    digits = "20" + v[2:] if dep in ("2A", "2B") else v
    if not luhn.is_valid(digits):
        return False, "finess.luhn", "Luhn key fails"
    corsica = " (Corsican: key read with 20, unconfirmed)" if dep in ("2A", "2B") else ""
    return True, "finess.luhn", f"département {dep}, Luhn key ok{corsica}"


RECOGNIZER = Recognizer(
    name="finess",
    noun="FINESS numbers with a valid key",
    element=None,
    description="FINESS number of an establishment (9 characters, Luhn); not personal",
    shape=SHAPE,
    validate=validate,
    mask=mask_id,
    header_hints=("FINESS", "NUM_FINESS", "FINESS_ET", "FINESS_EJ", "NO_FINESS", "CODE_FINESS"),
    specificity=4,
    personal=False,
)
