""" "Suis-je concerné ?": the portal's side. It seals what the person typed and answers
the same page to everyone.

The portal cannot tell whether someone is in the leak (it holds no one) and cannot read
the requests it stores: each is a libsodium sealed box to the operator's public key,
appended as one base64 line. The answer page has no form and no token, so its bytes are
the same for every accepted request. Forms carry a signed, time-limited token (no
cookie) and cross-site posts are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

FIELDS = ("nom", "prenom", "date_naissance", "code_postal", "email")
REQUIRED = FIELDS[:4]
MAX_BODY = 8192
MAX_FIELD = 200
TOKEN_SECONDS = 3600


class Tokens:
    """Anti-forgery tokens: timestamp, nonce and an HMAC with a key made at start-up."""

    def __init__(self) -> None:
        self.key = secrets.token_bytes(32)

    def _mac(self, stamp: str, nonce: str) -> str:
        return hmac.new(self.key, f"{stamp}.{nonce}".encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, now: float | None = None) -> str:
        stamp, nonce = str(int(now or time.time())), secrets.token_hex(8)
        return f"{stamp}.{nonce}.{self._mac(stamp, nonce)}"

    def valid(self, token: str, now: float | None = None) -> bool:
        parts = token.split(".")
        # ASCII only: "²".isdigit() holds but int("²") raises, and compare_digest raises
        # on a non-ASCII str; a forged token must be refused, not crash the page (500).
        if len(parts) != 3 or not token.isascii() or not parts[0].isdigit() or len(token) > 80:
            return False
        stamp, nonce, mac = parts
        fresh = 0 <= (now or time.time()) - int(stamp) <= TOKEN_SECONDS
        return fresh and hmac.compare_digest(mac, self._mac(stamp, nonce))


@dataclass(frozen=True)
class Form:
    values: dict[str, str]
    token: str
    missing: tuple[str, ...]


def parse_form(body: bytes) -> Form:
    """The posted fields, trimmed and bounded; never raises on odd bytes."""
    text = body.decode("utf-8", errors="replace")
    raw = parse_qs(text, keep_blank_values=True, max_num_fields=20)
    values = {name: (raw.get(name) or [""])[0].strip()[:MAX_FIELD] for name in FIELDS}
    token = (raw.get("jeton") or [""])[0]
    missing = tuple(name for name in REQUIRED if not values[name])
    return Form(values, token, missing)


class SealedLog:
    """Appends sealed requests to a file; the portal holds the public key only."""

    def __init__(self, path: Path, public_key: bytes) -> None:
        from nacl.public import PublicKey, SealedBox

        self.path = path
        self.box = SealedBox(PublicKey(public_key))
        self.lock = threading.Lock()

    def append(self, values: dict[str, str]) -> None:
        day = datetime.now(UTC).date().isoformat()  # the day only: no fine timing on record
        plain = json.dumps({**values, "received": day}, ensure_ascii=False).encode("utf-8")
        line = base64.b64encode(self.box.encrypt(plain)) + b"\n"
        with self.lock, self.path.open("ab") as f:
            f.write(line)


def same_site(headers: dict[str, str]) -> bool:
    """Refuse posts another site's page made the browser send.

    Browsers say where a post comes from in Sec-Fetch-Site; older ones only in Origin,
    which is "null" under our no-referrer policy and then proves nothing either way.
    """
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin, host = headers.get("origin"), headers.get("host", "")
    return origin in (None, "null") or origin.split("://", 1)[-1] == host
