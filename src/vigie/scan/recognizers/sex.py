"""Sex codes: M/F/H, 1/2, Homme/Femme, Masculin/Féminin, male/female."""

from __future__ import annotations

import re

from vigie.scan.masking import mask_code
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.text_norm import fold

_CODES = {
    "M": "M",
    "H": "M",
    "1": "M",
    "HOMME": "M",
    "MASCULIN": "M",
    "MASC": "M",
    "MALE": "M",
    "F": "F",
    "2": "F",
    "FEMME": "F",
    "FEMININ": "F",
    "FEM": "F",
    "FEMALE": "F",
    "MR": "M",
    "MME": "F",
    "MLLE": "F",
    "MONSIEUR": "M",
    "MADAME": "F",
}
SHAPE = re.compile(r"[A-Za-zéÉèÈ.]{1,9}|[12]")


def sex_of(value: str) -> str | None:
    """'M' or 'F' for a sex code, None for anything else."""
    return _CODES.get(fold(value).rstrip("."))


def validate(value: str) -> tuple[bool, str, str]:
    """A known French or English sex code."""
    code = sex_of(value)
    if code is None:
        return False, "sex.code", "not a known sex code"
    return True, "sex.code", f"sex code for {'man' if code == 'M' else 'woman'}"


RECOGNIZER = Recognizer(
    name="sex",
    noun="sex codes",
    element="identity.sex",
    description="Sex codes (M/F/H, 1/2, Homme/Femme, Masculin/Féminin, civility)",
    shape=SHAPE,
    validate=validate,
    mask=mask_code,
    header_hints=("SEXE", "SEX", "GENRE", "GENDER", "CIVILITE", "CIV", "SX", "CODE_SEXE"),
    specificity=2,
)
