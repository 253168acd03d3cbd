"""ABO blood group with rhesus: A+, AB-, O Rh+, "A POS", "O RH NEGATIF", 0+ for O."""

from __future__ import annotations

import re

from vigie.scan.masking import mask_code
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.text_norm import fold

SHAPE = re.compile(r"(?i)(?:GROUPE\s+)?(?:AB|A|B|O|0)\s*(?:RH(?:ESUS)?\s*)?[^\d]{0,9}")
_FULL = re.compile(
    r"(?:GROUPE\s+)?(AB|A|B|O|0)\s*(?:RH(?:ESUS)?\s*)?"
    r"(\+|-|POS|POSITIF|NEG|NEGATIF|D\+|D-|\(\+\)|\(-\))"
)


def validate(value: str) -> tuple[bool, str, str]:
    """An ABO group followed by a rhesus sign or word."""
    m = _FULL.fullmatch(fold(value))
    if m is None:
        return False, "blood_group.syntax", "no ABO group with rhesus"
    return True, "blood_group.syntax", "ABO group with rhesus"


RECOGNIZER = Recognizer(
    name="blood_group",
    noun="ABO blood groups with rhesus",
    element="health.blood_group",
    description="Blood groups (ABO and rhesus)",
    shape=SHAPE,
    validate=validate,
    mask=mask_code,
    header_hints=(
        "GRP_SANG",
        "GROUPE_SANGUIN",
        "GRPSANG",
        "GROUPE_SANG",
        "GS",
        "GROUPE",
        "ABO",
        "ABO_RH",
        "BLOOD_GROUP",
        "BLOOD_TYPE",
        "RHESUS",
        "GROUPAGE",
    ),
    specificity=5,
)
