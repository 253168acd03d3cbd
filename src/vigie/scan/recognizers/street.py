"""Street lines: an optional number (bis/ter) and a street type (French or English)."""

from __future__ import annotations

import re

from vigie.scan.masking import mask_address
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.text_norm import fold

_TYPES = """
RUE R AVENUE AV AVE BOULEVARD BD BLVD CHEMIN CH CHE ALLEE ALL IMPASSE IMP PLACE PL
ROUTE RTE QUAI QU COURS CRS SQUARE SQ PASSAGE PAS SENTIER VOIE VC VENELLE RUELLE
RESIDENCE RES LOTISSEMENT LOT HAMEAU HAM LIEU LIEU-DIT LD FAUBOURG FG FBG PROMENADE
ESPLANADE PARVIS CITE CLOS DOMAINE MAIL ROND-POINT RPT TRAVERSE VILLA ZA ZI ZAC
MONTEE COTE CARREFOUR VILLAGE PORTE QUARTIER HLM BATIMENT BAT
STREET ST ROAD RD DRIVE LANE LN COURT CT CRESCENT CRES CIRCUIT CCT CLOSE
PARADE PDE TERRACE TCE WAY HIGHWAY HWY GROVE GR PLAZA TRAIL PARKWAY
APPT APPARTEMENT APT ESCALIER ESC ETAGE LOGEMENT LOG IMMEUBLE IMM ENTREE EHPAD BP CS
TOUR BLOC PAVILLON FOYER CHEZ
"""
STREET_TYPES = frozenset(_TYPES.split())
# The shape regex sees raw values: accept the accented spellings too (Bât, Résidence).
_ACCENTED = "BÂT BÂTIMENT RÉSIDENCE ALLÉE CITÉ MONTÉE CÔTE ENTRÉE ÉTAGE LIEU-DIT"
_SHAPE_WORDS = STREET_TYPES | set(_ACCENTED.split())
# A house number then a word, or a street-type word anywhere (checked again by validate).
SHAPE = re.compile(
    r"(?i)(?:\d{1,5}(?:\s*(?:BIS|TER|[A-D]))?[\s,]+[^\W\d].{1,95}"
    r"|(?:.{0,60}[\s,])?(?:" + "|".join(sorted(_SHAPE_WORDS, key=len, reverse=True)) + r")\.?"
    r"(?:[\s,].{0,95})?)"
)
_NUMBER = re.compile(r"^\d{1,5}\s*(?:BIS|TER|QUATER|[A-D])?\b")


def validate(value: str) -> tuple[bool, str, str]:
    """A street type among the first words, or a house number then words."""
    text = fold(value).replace(",", " ")
    words = text.replace("-", " ").split()
    has_number = bool(_NUMBER.match(text))
    typed = any(w.rstrip(".") in STREET_TYPES for w in words[:6])
    if typed and len(words) >= 2:
        return True, "street.type", "street type" + (" with a number" if has_number else "")
    if has_number and len(words) >= 2 and any(w.isalpha() for w in words):
        return True, "street.number", "number then words (no street type)"
    return False, "street.shape", "no street type nor house number"


RECOGNIZER = Recognizer(
    name="street",
    noun="street lines",
    element="contact.address",
    description="Street lines (number and street type)",
    shape=SHAPE,
    validate=validate,
    mask=mask_address,
    header_hints=(
        "ADRESSE",
        "ADRESSE1",
        "ADRESSE2",
        "ADRESSE3",
        "ADRESSE_1",
        "ADRESSE_2",
        "ADR",
        "ADR1",
        "ADR2",
        "ADR3",
        "ADR_LIGNE1",
        "ADR_LIGNE2",
        "ADRESSE_LIGNE1",
        "ADRESSE_LIGNE2",
        "COMPLEMENT",
        "COMPLEMENT_ADRESSE",
        "VOIE",
        "RUE",
        "LIBELLE_VOIE",
        "NUM_VOIE",
        "NUMERO_VOIE",
        "LIEU_DIT",
        "ADDRESS",
        "ADDRESS_1",
        "ADDRESS_2",
        "ADDRESS1",
        "ADDRESS2",
        "ADDRESS_LINE_1",
        "ADDRESS_LINE_2",
        "STREET",
        "STREET_NUMBER",
        "STREET_ADDRESS",
        "STREET_NAME",
        "HOUSE_NUMBER",
        "BATIMENT",
        "ETAGE",
        "APPARTEMENT",
    ),
    specificity=2,
)
