"""French commune names, checked against INSEE's list (decoupage-administratif 6.0.0).

Accents, case, hyphens and "ST"/"SAINT" do not matter; a trailing "CEDEX nn" is ignored.
"""

from __future__ import annotations

import re

from vigie.scan.masking import mask_name
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.reference import commune_keys
from vigie.scan.recognizers.text_norm import key

SHAPE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ][A-Za-zÀ-ÖØ-öø-ÿŒœ0-9 '’\-.()]{1,60}")
_CEDEX = re.compile(r"\s+CEDEX(?:\s+\d{1,2})?$|\s+\d{1,2}(?:E|EME|ER)?$")


def validate(value: str) -> tuple[bool, str, str]:
    """In the commune list (Paris/Lyon/Marseille arrondissement numbers tolerated)."""
    k = _CEDEX.sub("", key(value))
    if k in commune_keys():
        return True, "commune.list", "a French commune"
    return False, "commune.list", "not in the French commune list"


RECOGNIZER = Recognizer(
    name="commune",
    noun="French commune names",
    element="contact.city",
    description="French commune names (INSEE list)",
    shape=SHAPE,
    validate=validate,
    mask=mask_name,
    header_hints=(
        "VILLE",
        "COMMUNE",
        "LOCALITE",
        "CITY",
        "TOWN",
        "SUBURB",
        "BUREAU",
        "BUREAU_DISTRIBUTEUR",
        "LIB_COMMUNE",
        "NOM_COMMUNE",
        "VILLE_PATIENT",
        "LOCALITY",
    ),
    specificity=3,
    header_trusts_shape=True,
)
