"""Name-likeness shared by the name recognizers: letters, particles, hyphens, apostrophes.

A name is 1 to 4 words of letters (accents allowed), joined by spaces, hyphens (also the
"--" of double names written 2005-2011) or apostrophes, 2 to 40 characters, no digits.
"""

from __future__ import annotations

import re

from vigie.scan.recognizers.text_norm import key

NAME_SHAPE = re.compile(
    r"[A-Za-zÀ-ÖØ-öø-ÿŒœ](?:[A-Za-zÀ-ÖØ-öø-ÿŒœ]|[ '’\-]{1,2}(?=[A-Za-zÀ-ÖØ-öø-ÿŒœ])){1,39}"
)
PARTICLES = frozenset(
    {
        "DE",
        "DU",
        "DES",
        "D",
        "LE",
        "LA",
        "LES",
        "L",
        "VAN",
        "VON",
        "DER",
        "DEN",
        "DI",
        "DA",
        "DEL",
        "DELLA",
        "DOS",
        "BEN",
        "EL",
        "AL",
        "MAC",
        "MC",
        "SAINT",
        "SAINTE",
        "Y",
        "E",
    }
)


ORGANISATION_WORDS = frozenset(
    {
        "laboratoire",
        "labo",
        "lab",
        "laboratory",
        "centre",
        "center",
        "clinique",
        "polyclinique",
        "hopital",
        "hospital",
        "chu",
        "chr",
        "cabinet",
        "selas",
        "selarl",
        "pharmacie",
        "institut",
        "groupe",
        "service",
        "ehpad",
        "sarl",
        "sas",
        "societe",
        "association",
        "maison",
        "site",
    }
)


def name_words(value: str) -> list[str] | None:
    """The words of a name-like value (comparison keys), or None if it is not name-like."""
    if not NAME_SHAPE.fullmatch(value.strip()):
        return None
    words = key(value).split()
    if not 1 <= len(words) <= 4:
        return None
    if all(w in PARTICLES for w in words):
        return None
    # "Laboratoire Biolam Vitré", "Centre hospitalier…": an organisation, not a person.
    if words[0].lower() in ORGANISATION_WORDS:
        return None
    # Sentences ("patient a jeun") have several all-lowercase words; names rarely do.
    lower = [w for w in value.split() if w.islower() and len(w) > 3]
    if len(lower) >= 2:
        return None
    return words
