"""IBAN (python-stdnum: country length and mod-97 check; French IBANs have 27 chars)."""

from __future__ import annotations

import re

from stdnum import iban

from vigie.scan.masking import mask_iban
from vigie.scan.recognizers.base import Recognizer

SHAPE = re.compile(r"[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")


def validate(value: str) -> tuple[bool, str, str]:
    """stdnum.iban.validate: the country's length and format, and mod 97 = 1."""
    if not iban.is_valid(value):
        return False, "iban.check", "length, format or mod-97 check fails"
    country = value.strip()[:2].upper()
    return True, "iban.check", f"{country} IBAN, mod-97 check ok"


RECOGNIZER = Recognizer(
    name="iban",
    noun="IBANs with a valid check",
    element="financial.iban",
    description="IBAN (python-stdnum)",
    shape=SHAPE,
    validate=validate,
    mask=mask_iban,
    header_hints=("IBAN", "RIB", "NUM_IBAN", "COMPTE", "COMPTE_BANCAIRE", "BANK_ACCOUNT"),
    specificity=5,
)
