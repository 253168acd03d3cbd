"""NIR (numéro de sécurité sociale): key by python-stdnum, structure by DOMAIN.md §1.

stdnum checks only the key (with 2A/2B); the sex digit, month, département, commune and
order number are checked here. Sex 3/4 (foreign, registration in progress) and 7/8
(provisional) are valid but told apart by the rule id, as are 13-digit NNP/MIG numbers.
"""

from __future__ import annotations

import re

from stdnum.fr import nir as std_nir

from vigie.scan.masking import mask_nir
from vigie.scan.recognizers.base import Recognizer

# 15 characters (13 + key) or 13 (NNP/MIG), spaces or dots tolerated between them.
SHAPE = re.compile(r"\d(?:[ .]?[\dABab]){12}(?:[ .]?\d){0,2}")
_SEX = {
    "1": "man",
    "2": "woman",
    "3": "foreign man, pending",
    "4": "foreign woman, pending",
    "7": "provisional man",
    "8": "provisional woman",
}


def compact(value: str) -> str:
    """The NIR without spaces and dots, upper-cased (as stdnum does)."""
    return re.sub(r"[ .]", "", value).upper()


def _month(mm: str) -> str | None:
    m = int(mm)
    if 1 <= m <= 12:
        return f"month {mm}"
    if 31 <= m <= 42:
        return "pseudo-fictitious month"
    if 20 <= m <= 30 or 50 <= m <= 99:
        return "fictitious month"
    return None


def _place(n: str) -> str | None:
    dd, rest = n[5:7], n[7:10]
    if dd in ("2A", "2B"):
        return f"département {dd}" if rest != "000" else None
    if not dd.isdigit():
        return None
    if dd in ("97", "98"):
        return f"overseas {n[5:8]}" if n[8:10] != "00" else None
    if dd == "99":
        return "born abroad" if rest != "000" else None
    if 1 <= int(dd) <= 96:
        return f"département {dd}" if rest != "000" else None
    return None


def _temporary(n: str) -> tuple[bool, str, str]:
    kind = "nnp" if n[0] in "78" else "mig" if n[0] in "56" else ""
    if not kind or n[1] not in "12":
        return False, "nir.length", "13 digits, not an NNP/MIG shape"
    if n[1] == "2":
        return False, f"nir.{kind}", f"{kind.upper()} flag 2 (fictitious)"
    return True, f"nir.{kind}", f"13-digit provisional number ({kind.upper()}), no key"


def validate(value: str) -> tuple[bool, str, str]:
    """Check a NIR's key and structure; the detail says which part fails."""
    n = compact(value)
    if len(n) == 13 and n.isdigit():
        return _temporary(n)
    if len(n) != 15:
        return False, "nir.length", f"{len(n)} characters, not 15"
    if n[0] not in _SEX:
        return False, "nir.sex", f"sex digit {n[0]} is not 1/2/3/4/7/8"
    month, place = _month(n[3:5]) if n[3:5].isdigit() else None, _place(n)
    if month is None:
        return False, "nir.month", f"month {n[3:5]} is not a NIR month"
    if place is None:
        return False, "nir.place", "place of birth is not a département, overseas or 99"
    if n[10:13] == "000":
        return False, "nir.order", "order number 000"
    if not std_nir.is_valid(n):
        return False, "nir.key", "key does not match"
    rule = "nir.provisional" if n[0] in "78" else "nir.pending" if n[0] in "34" else "nir.valid"
    return True, rule, f"key ok; sex {n[0]} ({_SEX[n[0]]}); {month}; {place}"


RECOGNIZER = Recognizer(
    name="nir",
    noun="NIRs with a valid key and structure",
    element="national_id.nir",
    description="French social security number (NIR), validated key and structure",
    shape=SHAPE,
    validate=validate,
    mask=mask_nir,
    header_hints=(
        "NIR",
        "NUMSS",
        "NUM_SS",
        "NUM_SECU",
        "NUMSECU",
        "NO_SECU",
        "SECU",
        "NUMERO_SECU",
        "NUMERO_SECURITE_SOCIALE",
        "N_SECU",
        "NSS",
        "INSEE",
        "NUM_INSEE",
        "MATRICULE",
        "IMMAT",
        "IMMATRICULATION",
        "NIR_ASSURE",
    ),
    specificity=5,
)
