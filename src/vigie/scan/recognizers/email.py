"""E-mail addresses: one @, a dotted domain with a letter TLD, no spaces."""

from __future__ import annotations

import re

from vigie.scan.masking import mask_email
from vigie.scan.recognizers.base import Recognizer

SHAPE = re.compile(r"[^@\s]+@[^@\s]+")
_VALID = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)


def validate(value: str) -> tuple[bool, str, str]:
    """RFC 5322 dot-atom local part, a host name with a top-level domain."""
    if _VALID.fullmatch(value.strip()):
        return True, "email.syntax", "well-formed address"
    return False, "email.syntax", "malformed address"


RECOGNIZER = Recognizer(
    name="email",
    noun="well-formed e-mail addresses",
    element="contact.email",
    description="E-mail addresses",
    shape=SHAPE,
    validate=validate,
    mask=mask_email,
    header_hints=(
        "MAIL",
        "EMAIL",
        "E_MAIL",
        "COURRIEL",
        "ADRESSE_MAIL",
        "MEL",
        "ADR_MAIL",
        "EMAIL_ADDRESS",
        "MAIL_PATIENT",
    ),
    specificity=5,
)
