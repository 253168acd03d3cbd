"""Small HTTP helpers shared by the console's pages: cookie name, bounded forms."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from starlette.requests import Request

from vigie.portal.selfcheck import MAX_BODY

NO_STORE = {"cache-control": "no-store"}


def cookie_name(request: Request) -> str:
    # Behind TLS, the __Host- prefix makes the browser insist on Secure, Path=/, no Domain.
    return "__Host-vigie" if request.url.scheme == "https" else "vigie"


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request))


def whole_number(value: str | None, default: int, *, digits: int = 9) -> int:
    """A page or pair number from a query or a form; anything odd is the default. ASCII
    digits only: "²".isdigit() holds but int("²") raises (it was a 500)."""
    if value and value.isascii() and value.isdigit() and len(value) <= digits:
        return int(value)
    return default


def same_token(posted: str, expected: str) -> bool:
    """A posted token against the session's, in constant time. As bytes: compare_digest
    raises on a str with a non-ASCII character, which anyone can post (it was a 500)."""
    return hmac.compare_digest(posted.encode("utf-8"), expected.encode("utf-8"))


def parse_form(body: bytes) -> dict[str, str]:
    """A url-encoded form, first value of each field, bounded; never raises."""
    raw = parse_qs(
        body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=20
    )
    return {k[:40]: v[0][:500] for k, v in raw.items() if v}


async def capped_body(request: Request) -> bytes | None:
    """The request body, or None past MAX_BODY (a console form is well under 1 KiB)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body
