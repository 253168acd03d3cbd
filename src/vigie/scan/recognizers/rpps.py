"""RPPS number of a health professional: 11 digits.

Whether the last digit is a Luhn key is unconfirmed in a source (DOMAIN.md); profiling
reports the share of values passing Luhn so a reader can judge (see docs/recognizers.md).
A value validates when it has 11 digits, starts with 1 (RPPS numbers are allocated from
10000000000) and passes Luhn (rule rpps.luhn_ok; rpps.luhn_fail otherwise). Without a
header, only Luhn-valid values classify a column; under an RPPS header the 11-digit shape
is enough, so a column of real numbers is found even if the Luhn hypothesis is wrong, and
its evidence gives the Luhn share.
"""

from __future__ import annotations

import re

from stdnum import luhn

from vigie.scan.masking import mask_id
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.text_norm import digits_only

SHAPE = re.compile(r"(?:8)?1\d{10}|(?:\d[ .]?){10}\d")


def validate(value: str) -> tuple[bool, str, str]:
    """11 digits (or 12 with the idNatPS prefix 8), first digit 1, Luhn key."""
    d = digits_only(value)
    if len(d) == 12 and d[0] == "8":
        d = d[1:]  # idNatPS form: "8" + RPPS
    if len(d) != 11 or d[0] != "1":
        return False, "rpps.shape", "not 11 digits starting with 1"
    if not luhn.is_valid(d):
        return False, "rpps.luhn_fail", "11 digits, Luhn key fails"
    return True, "rpps.luhn_ok", "11 digits, Luhn key ok"


RECOGNIZER = Recognizer(
    name="rpps",
    noun="RPPS numbers with a valid Luhn key",
    element="provider.prescriber",
    description="RPPS number of a health professional (11 digits, Luhn)",
    shape=SHAPE,
    validate=validate,
    mask=mask_id,
    header_hints=(
        "RPPS",
        "NUM_RPPS",
        "NO_RPPS",
        "RPPS_PRESC",
        "RPPS_PRESCRIPTEUR",
        "PRESCRIPTEUR_RPPS",
        "MEDECIN_RPPS",
        "ID_RPPS",
        "IDNATPS",
        "ID_NAT_PS",
        "RPPS_MEDECIN",
    ),
    specificity=4,
    header_trusts_shape=True,  # the Luhn key is unconfirmed: an RPPS header may vouch
)
