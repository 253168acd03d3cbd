"""Verification codes: anyone holding a letter can check it is genuine.

A code is 60 random bits (`secrets`), written as 12 Crockford base-32 characters in three
groups (`7KQ2-M9XD-4TRB`). The store keeps only HMAC-SHA256(secret, code) with a secret
that itself lives in the encrypted store; a check recomputes the keyed hash, looks it up
and compares in constant time. A code tells the checker the issuer and the date only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date

import duckdb

from vigie.workspace import table_exists

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_BITS = 60
CODE_CHARS = CODE_BITS // 5
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})

SECRET_DDL = "CREATE TABLE IF NOT EXISTS notify_secret (secret BLOB)"
CODES_DDL = (
    "CREATE TABLE IF NOT EXISTS notify_codes (code_hash VARCHAR PRIMARY KEY, "
    "letter_id VARCHAR, issuer VARCHAR, issued_on DATE)"
)


@dataclass(frozen=True)
class Verified:
    issuer: str
    issued_on: date


def new_code() -> str:
    """A fresh random code, grouped by four for reading aloud: 60 bits from the system's
    random source in one call (12 calls of secrets.choice cost 5x more), 5 a character."""
    bits = secrets.randbits(5 * CODE_CHARS)
    raw = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(CODE_CHARS))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_CHARS, 4))


def normalise(text: str) -> str | None:
    """Upper case, no separators, confusable letters mapped; None if not code-shaped."""
    cleaned = "".join(c for c in text.upper() if c.isalnum()).translate(_CONFUSABLE)
    if len(cleaned) != CODE_CHARS or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def code_hash(secret: bytes, code: str) -> str:
    normal = normalise(code)
    if normal is None:
        raise ValueError("not a verification code")
    return hmac.new(secret, normal.encode("ascii"), hashlib.sha256).hexdigest()


def load_secret(con: duckdb.DuckDBPyConnection, *, create: bool) -> bytes | None:
    """The workspace's code secret (32 random bytes, made on first use when `create`)."""
    if not table_exists(con, "notify_secret"):
        if not create:
            return None
        con.execute(SECRET_DDL)
    rows = con.execute("SELECT secret FROM notify_secret").fetchall()
    if rows:
        return bytes(rows[0][0])
    if not create:
        return None
    secret = secrets.token_bytes(32)
    con.execute("INSERT INTO notify_secret VALUES (?)", [secret])
    return secret


def store_codes(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str, date]]) -> None:
    """Insert (code_hash, letter_id, issuer, issued_on) rows; plaintext never reaches here."""
    from vigie.notify.records import insert_rows

    con.execute(CODES_DDL)
    insert_rows(con, "notify_codes", ("code_hash", "letter_id", "issuer", "issued_on"), rows)


def verify(con: duckdb.DuckDBPyConnection, code: str) -> Verified | None:
    """The issuer and date of a genuine code, else None (altered, unknown, malformed)."""
    secret = load_secret(con, create=False)
    if secret is None or normalise(code) is None or not table_exists(con, "notify_codes"):
        return None
    wanted = code_hash(secret, code)
    rows = con.execute(
        "SELECT code_hash, issuer, issued_on FROM notify_codes WHERE code_hash = ?", [wanted]
    ).fetchall()
    for stored, issuer, issued_on in rows:
        if hmac.compare_digest(str(stored), wanted):
            return Verified(str(issuer), issued_on)
    return None
