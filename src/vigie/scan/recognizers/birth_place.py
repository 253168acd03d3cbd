"""Place of birth: a commune (or a country, not listed) under a birth-place header."""

from __future__ import annotations

from vigie.scan.masking import mask_name
from vigie.scan.recognizers import commune
from vigie.scan.recognizers.base import Recognizer

RECOGNIZER = Recognizer(
    name="birth_place",
    noun="French commune names",
    element="identity.birth_place",
    description="Place of birth (commune list; header needed)",
    shape=commune.SHAPE,
    validate=commune.validate,
    mask=mask_name,
    header_hints=(
        "LIEU_NAISSANCE",
        "LIEU_NAISS",
        "LIEUNAISS",
        "LIEU_DE_NAISSANCE",
        "COMMUNE_NAISSANCE",
        "VILLE_NAISSANCE",
        "PAYS_NAISSANCE",
        "BIRTH_PLACE",
        "PLACE_OF_BIRTH",
        "BIRTHPLACE",
    ),
    needs_header=True,
    specificity=0,
    header_trusts_shape=True,
)
