"""Small HTTP helpers shared by the console's pages: cookie name, bounded forms."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

from vigie.portal.selfcheck import MAX_BODY

NO_STORE = {"cache-control": "no-store"}


def cookie_name(request: Request) -> str:
    # Behind TLS, the __Host- prefix makes the browser insist on Secure, Path=/, no Domain.
    return "__Host-vigie" if request.url.scheme == "https" else "vigie"


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request))


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
