"""SIREN number of a company (9 digits, Luhn; python-stdnum). Not personal data."""

from __future__ import annotations

import re

from stdnum.fr import siren

from vigie.scan.masking import mask_id
from vigie.scan.recognizers.base import Recognizer

SHAPE = re.compile(r"\d{3}[ .]?\d{3}[ .]?\d{3}")


def validate(value: str) -> tuple[bool, str, str]:
    """stdnum.fr.siren: 9 digits and a Luhn checksum."""
    if siren.is_valid(value):
        return True, "siren.luhn", "9 digits, Luhn ok"
    return False, "siren.luhn", "Luhn checksum fails"


RECOGNIZER = Recognizer(
    name="siren",
    noun="SIREN numbers with a valid key",
    element=None,
    description="SIREN number of a company (python-stdnum); not personal",
    shape=SHAPE,
    validate=validate,
    mask=mask_id,
    header_hints=("SIREN", "NUM_SIREN", "NO_SIREN"),
    specificity=2,
    personal=False,
)
