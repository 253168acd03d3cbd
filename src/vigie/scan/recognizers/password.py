"""Password hashes (bcrypt, argon2, crypt, Django/Werkzeug, hex digests) and secrets.

A plain-text password cannot be told from any other word; under a password header
(MDP, PASSWORD...) any token without spaces is taken (`header_trusts_shape`).
"""

from __future__ import annotations

import re

from vigie.scan.masking import mask_hash
from vigie.scan.recognizers.base import Recognizer

LOOSE_SHAPE = re.compile(r"\S{4,256}")
_HASHES = (
    ("bcrypt", re.compile(r"\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}")),
    ("argon2", re.compile(r"\$argon2(?:id|i|d)\$\S+")),
    ("crypt", re.compile(r"\$(?:1|5|6|y|7)\$\S{8,}")),
    ("django/werkzeug", re.compile(r"(?:pbkdf2|scrypt|sha1|sha256|md5)[\w:]*\$\S+\$\S+")),
    ("ldap", re.compile(r"\{(?:SSHA|SHA|MD5|SMD5|CRYPT)\}[A-Za-z0-9+/=]{8,}")),
    (
        "hex digest",
        re.compile(
            r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})"
            r"|(?:[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64}|[0-9A-F]{128})"
        ),
    ),
)


def validate(value: str) -> tuple[bool, str, str]:
    """A known password-hash format."""
    text = value.strip()
    for label, pattern in _HASHES:
        if pattern.fullmatch(text):
            return True, "password.hash", f"{label} hash"
    return False, "password.hash", "not a known hash format"


RECOGNIZER = Recognizer(
    name="password",
    noun="password hashes",
    element="credentials.password",
    description="Password hashes and password columns",
    shape=re.compile("|".join(f"(?:{p.pattern})" for _, p in _HASHES)),
    loose_shape=LOOSE_SHAPE,
    validate=validate,
    mask=mask_hash,
    header_hints=(
        "PASSWORD",
        "PASSWD",
        "PWD",
        "PASS",
        "MDP",
        "MOT_DE_PASSE",
        "MOTDEPASSE",
        "PASSWORD_HASH",
        "HASH",
        "HASH_MDP",
        "SECRET",
        "PASS_HASH",
    ),
    specificity=4,
    header_trusts_shape=True,
)
