import hashlib

import pytest

from tests.scan.recognizers._table import check

BCRYPT = "$2b$12$" + "abcdefghijABCDEFGHIJ0123456789./abcdefghijABCDEFGHIJ0"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (BCRYPT, True),
        (hashlib.md5(b"x").hexdigest(), True),
        (hashlib.sha1(b"x").hexdigest(), True),
        (hashlib.sha256(b"x").hexdigest(), True),
        ("pbkdf2_sha256$600000$salt$hashvalue", True),
        ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", True),
        ("{SSHA}abcdefghijklmnop", True),
        ("azerty123", None),  # plain passwords: only under a password header
        ("abc123", None),
    ],
)
def test_password(value: str, valid: bool | None) -> None:
    check("password", value, valid)
