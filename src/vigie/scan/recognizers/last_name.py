"""Last names (nom, nom d'usage): name-likeness only.

Any name-like value validates, so this is the least specific name recognizer: a column
whose values are mostly in the first-name or commune list goes to those instead.
"""

from __future__ import annotations

from vigie.scan.masking import mask_name
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.names import NAME_SHAPE, name_words


def validate(value: str) -> tuple[bool, str, str]:
    """Name-like: letters, particles, hyphens, apostrophes, 1-4 words."""
    words = name_words(value)
    if words is None:
        return False, "name.shape", "not name-like (too many words or only particles)"
    return True, "name.shape", f"name-like, {len(words)} word(s)"


RECOGNIZER = Recognizer(
    name="last_name",
    noun="name-like values",
    element="identity.last_name",
    description="Last names (name-likeness)",
    shape=NAME_SHAPE,
    validate=validate,
    mask=mask_name,
    header_hints=(
        "NOM",
        "NOM_PATIENT",
        "NOMUSUEL",
        "NOM_USUEL",
        "NOM_USAGE",
        "NOMUSAGE",
        "NOM_MARITAL",
        "NOM_EPOUSE",
        "NOM_FAMILLE",
        "PATRONYME",
        "SURNAME",
        "LAST_NAME",
        "LASTNAME",
        "FAMILY_NAME",
        "NOM_UTILISE",
        "NAME",
        "NOM_PAT",
    ),
    diverse=True,
    specificity=1,
)
