"""Birth names (nom de naissance, nom de jeune fille): name-likeness plus a header.

The values of a birth-name column look exactly like last names; only the header (NOM_JF,
NOM_NAISSANCE...) or the presence of a second last-name column tells (profile_table).
"""

from __future__ import annotations

from vigie.scan.masking import mask_name
from vigie.scan.recognizers import last_name
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.names import NAME_SHAPE

RECOGNIZER = Recognizer(
    name="birth_name",
    noun="name-like values",
    element="identity.birth_name",
    description="Birth names (name-likeness; header or a second name column needed)",
    shape=NAME_SHAPE,
    validate=last_name.validate,
    mask=mask_name,
    header_hints=(
        "NOM_JF",
        "NOMJF",
        "NOM_JEUNE_FILLE",
        "NOM_NAISSANCE",
        "NOMNAISSANCE",
        "NOM_NAISS",
        "NOM_DE_NAISSANCE",
        "NE_E",
        "NEE",
        "BIRTH_NAME",
        "MAIDEN_NAME",
        "NOM_PATRONYMIQUE",
    ),
    needs_header=True,
    diverse=True,
    specificity=0,
)
