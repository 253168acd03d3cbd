"""Signed QR codes: anyone can check a letter offline with the published public key.

In the spirit of the French 2D-Doc: the QR carries the fields in clear and an Ed25519
signature over them. Signed: a version tag, the letter reference, the issuer, the date,
and a digest of the recipient's postcode and initials; the QR carries postcode and
initials too, so the reader compares them with the envelope (a genuine QR copied onto a
fake letter names someone else). The private key stays in the encrypted store.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import duckdb

from vigie.portal.requests import KEYS_DDL
from vigie.workspace import table_exists

VERSION = "V1"


@dataclass(frozen=True)
class Bound:
    """What a valid signature vouches for."""

    letter: str
    issuer: str
    issued_on: date
    postcode: str
    initials: str


def initials(first_names: str | None, surname: str | None) -> str:
    """ "J.D." from Jeanne / Dupont: capitals without accents, first letter of each."""
    letters = [(part or "").strip()[:1] for part in (first_names, surname)]
    plain = [unicodedata.normalize("NFKD", c)[:1].upper() for c in letters if c]
    return "".join(f"{c}." for c in plain)


def _message(bound: Bound) -> bytes:
    who = hashlib.sha256(f"{bound.postcode}|{bound.initials}".encode()).hexdigest()[:32]
    fields = (VERSION, bound.letter, bound.issuer, bound.issued_on.isoformat(), who)
    return "|".join(fields).encode("utf-8")


def signing_key(con: duckdb.DuckDBPyConnection, *, create: bool) -> bytes | None:
    """The workspace's Ed25519 private key (raw 32 bytes), made on first use."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    if not table_exists(con, "portal_keys"):
        if not create:
            return None
        con.execute(KEYS_DDL)
    rows = con.execute("SELECT private FROM portal_keys WHERE purpose = 'qr'").fetchall()
    if rows:
        return bytes(rows[0][0])
    if not create:
        return None
    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    con.execute("INSERT INTO portal_keys VALUES ('qr', ?)", [raw])
    return raw


def public_of(private: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.from_private_bytes(private).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def qr_query(private: Any, bound: Bound) -> str:
    """The query parameters the QR adds after `code=`: fields in clear and the signature.

    `private` is the raw key or, when signing many letters, the loaded key object (loading
    costs more than signing). The same text as urlencode's, made for a fifth of its cost
    (it ran once a letter on the issue's critical path)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if isinstance(private, bytes):
        private = Ed25519PrivateKey.from_private_bytes(private)
    signature = base64.urlsafe_b64encode(private.sign(_message(bound)))
    return (
        f"l={_quoted(bound.letter)}&e={_quoted(bound.issuer)}&d={bound.issued_on:%Y%m%d}"
        f"&p={_quoted(bound.postcode)}&i={_quoted(bound.initials)}"
        f"&s={signature.decode('ascii').rstrip('=')}"
    )


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    return quote_plus(value)


def letter_signer(raw: bytes, issued_on: date) -> Any:
    """A function (letter id, issuer, postcode, recipient) -> the letter's `qr_extra`,
    with the workspace's key loaded once."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(raw)

    def sign(letter: str, issuer: str, postcode: str, recipient: Any) -> str:
        who = initials(recipient.first_names, recipient.surname)
        return qr_query(private, Bound(letter, issuer, issued_on, postcode, who))

    return sign


def check(public: bytes, params: dict[str, str]) -> Bound | None:
    """The bound fields if the signature in `params` is valid, else None (never raises)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        day = params["d"]
        bound = Bound(params["l"][:40], params["e"][:200],
                      date(int(day[:4]), int(day[4:6]), int(day[6:8])),
                      params["p"][:10], params["i"][:10])  # fmt: skip
        signature = base64.urlsafe_b64decode(params["s"][:100] + "==")
        Ed25519PublicKey.from_public_bytes(public).verify(signature, _message(bound))
    except (KeyError, ValueError, InvalidSignature):
        return None
    return bound


def check_text(public: bytes, text: str) -> tuple[str | None, Bound | None]:
    """(code, bound) from a scanned QR's text: the URL form, or `VIGIE CODE QUERY` printed
    when the letters had no verification URL. Bound is None if unsigned or bad."""
    text = text.strip()[:2000]
    if text.startswith("VIGIE "):
        parts = text.split(" ")
        raw = parse_qs(parts[2] if len(parts) > 2 else "")
        params = {k: v[0] for k, v in raw.items() if v}
        params["code"] = parts[1]
    else:
        raw = parse_qs(urlsplit(text).query)
        params = {k: v[0] for k, v in raw.items() if v}
    return params.get("code"), check(public, params)


def check_with_bundle(folder: Path, text: str) -> dict[str, Any]:
    """`vigie verify --qr`: the signature of a QR's text against a bundle's public key."""
    from vigie.portal.bundle import load_bundle

    public = load_bundle(folder).public_key("qr_signing")
    code, bound = check_text(public, text) if public else (None, None)
    if bound is None:
        return {"signature_valid": False}
    return {"signature_valid": True, "code": code, "letter": bound.letter,
            "issuer": bound.issuer, "issued_on": bound.issued_on.isoformat(),
            "initials": bound.initials, "postcode": bound.postcode}  # fmt: skip
