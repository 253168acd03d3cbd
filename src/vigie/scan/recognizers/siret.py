"""SIRET number of an establishment (14 digits, Luhn with La Poste's exception; stdnum)."""

from __future__ import annotations

import re

from stdnum.fr import siret

from vigie.scan.masking import mask_id
from vigie.scan.recognizers.base import Recognizer

SHAPE = re.compile(r"\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}")


def validate(value: str) -> tuple[bool, str, str]:
    """stdnum.fr.siret: 14 digits, Luhn (La Poste: digit sum multiple of 5)."""
    if siret.is_valid(value):
        return True, "siret.luhn", "14 digits, checksum ok"
    return False, "siret.luhn", "checksum fails"


RECOGNIZER = Recognizer(
    name="siret",
    noun="SIRET numbers with a valid key",
    element=None,
    description="SIRET number of an establishment (python-stdnum); not personal",
    shape=SHAPE,
    validate=validate,
    mask=mask_id,
    header_hints=("SIRET", "NUM_SIRET", "NO_SIRET"),
    specificity=3,
    personal=False,
)
