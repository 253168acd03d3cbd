"""First names: name-like and every word in the shipped first-name list.

The list (vigie/scan/data/first_names.txt.gz) gathers Faker's first names of the locales
France's population draws on; a header hint plus name-likeness is enough for a column
whose names are not all in it (`header_trusts_shape`).
"""

from __future__ import annotations

from vigie.scan.masking import mask_name
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.names import NAME_SHAPE, PARTICLES, name_words
from vigie.scan.recognizers.reference import first_name_keys


def validate(value: str) -> tuple[bool, str, str]:
    """Every word (compound first names, several given names) is a known first name."""
    words = name_words(value)
    if words is None:
        return False, "first_name.shape", "not name-like"
    known = first_name_keys()
    if all(w in known for w in words if w not in PARTICLES):
        return True, "first_name.list", f"{len(words)} known first name(s)"
    return False, "first_name.list", "name-like but not in the first-name list"


RECOGNIZER = Recognizer(
    name="first_name",
    noun="known first names",
    element="identity.first_name",
    description="First names (name-likeness and a first-name list)",
    shape=NAME_SHAPE,
    validate=validate,
    mask=mask_name,
    header_hints=(
        "PRENOM",
        "PRENOMS",
        "PRENOM1",
        "PRENOM_USUEL",
        "PRENOM_USAGE",
        "PRENOM_NAISSANCE",
        "PREMIER_PRENOM",
        "PRENOM_PATIENT",
        "PRN",
        "GIVEN_NAME",
        "GIVEN_NAMES",
        "FIRST_NAME",
        "FIRSTNAME",
        "FORENAME",
    ),
    specificity=3,
    header_trusts_shape=True,
)
