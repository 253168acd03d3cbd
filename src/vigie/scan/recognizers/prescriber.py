"""Prescribing doctor written as a title and a name: "Dr MARTIN", "Docteur Anne Petit"."""

from __future__ import annotations

import re

from vigie.scan.masking import mask_name
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.names import name_words

SHAPE = re.compile(r"(?i)(?:DR|DOCTEUR|DOCTEURE|PR|PROFESSEUR|DOC|MED)\b\.?\s*.{2,60}")
_INITIAL = re.compile(r"\b(\w)\.")
_TITLE = re.compile(r"(?i)^(?:DR|DOCTEUR|DOCTEURE|PR|PROFESSEUR|DOC|MED)\b\.?\s*")


def validate(value: str) -> tuple[bool, str, str]:
    """A doctor's title followed by a name-like value."""
    rest = _INITIAL.sub(r"\1", _TITLE.sub("", value.strip()))  # "MARTIN A." -> "MARTIN A"
    if name_words(rest) is None:
        return False, "prescriber.name", "title not followed by a name"
    return True, "prescriber.title", "doctor's title and a name"


RECOGNIZER = Recognizer(
    name="prescriber",
    noun="doctors' titles with a name",
    element="provider.prescriber",
    description="Prescribing doctors (title and name)",
    shape=SHAPE,
    validate=validate,
    mask=lambda v: mask_name(_TITLE.sub("", v.strip())),
    header_hints=(
        "MED_PRESC",
        "MEDECIN",
        "MEDECIN_PRESCRIPTEUR",
        "PRESCRIPTEUR",
        "PRESC",
        "MED_TRAITANT",
        "MEDECIN_TRAITANT",
        "DOCTEUR",
        "NOM_MEDECIN",
        "MEDPRESC",
        "PRESCRIBER",
        "DOCTOR",
        "PHYSICIAN",
        "REFERRING_PHYSICIAN",
    ),
    specificity=5,
)
