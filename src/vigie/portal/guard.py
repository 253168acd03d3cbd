"""What stands between the public and the pages: rate limits, security headers, logs.

One ASGI middleware so the order is fixed and visible: a request over its client's
budget gets 429 with Retry-After before any code is hashed; every response gets the
same headers; the access log names the route, never the path or query (codes travel in
both) and never a form field.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("vigie.portal.access")

# No script, no inline style, nothing from another site, no framing.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # A code in the address must not leave in a Referer to the sites we link to.
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
LIMITED = ("/verifier", "/api/", "/concerne")
MAX_CLIENTS = 100_000


class Buckets:
    """Token buckets per client: `rate` requests a minute, bursts up to `rate`."""

    def __init__(self, rate: int) -> None:
        self.rate = max(rate, 1)
        self.per_second = self.rate / 60
        self.clients: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        """0 if the request may go on, else the seconds until it may."""
        tokens, last = self.clients.pop(client, (float(self.rate), now))
        tokens = min(float(self.rate), tokens + (now - last) * self.per_second)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.per_second
        self.clients[client] = (tokens, now)
        if len(self.clients) > MAX_CLIENTS:  # oldest first: a flood cannot grow memory
            self.clients.popitem(last=False)
        return wait


def route_name(path: str) -> str:
    """The route a path belongs to, for logs: codes never reach the log."""
    if path.startswith("/api/verify/"):
        return "/api/verify/{code}"
    known = (
        "/",
        "/verifier",
        "/verifier/",
        "/concerne",
        "/openapi.json",
        "/sante",
        "/static/portal.css",
    )
    return path if path in known else "(other)"


class Guard:
    """Rate limits on the `limited` path prefixes, headers on every response, and one log
    line per request naming its route (`route_name`), never its path or query."""

    def __init__(
        self,
        app: ASGIApp,
        rate: int = 60,
        *,
        limited: tuple[str, ...] = LIMITED,
        route_name: Callable[[str], str] = route_name,
        log: logging.Logger = log,
    ) -> None:
        self.app = app
        self.buckets = Buckets(rate)
        self.limited = limited
        self.route_name = route_name
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}
        extra = [HSTS] if scope.get("scheme") == "https" else []

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [*message.get("headers", []), *HEADERS, *extra]
            await send(message)

        path = scope.get("path", "")
        client = (scope.get("client") or ("?", 0))[0]
        limited = self.limited and path.startswith(self.limited)
        wait = self.buckets.take(client, time.monotonic()) if limited else 0
        if wait:
            await _too_many(path, wait, send_guarded)
        else:
            await self.app(scope, receive, send_guarded)
        took = (time.perf_counter() - started) * 1000
        self.log.info(
            "%s %s %d %.1fms", scope.get("method"), self.route_name(path), status["code"], took
        )


async def _too_many(path: str, wait: float, send: Any) -> None:
    retry = str(math.ceil(wait)).encode()
    if path.startswith("/api/"):
        body, kind = json.dumps({"error": "too many requests"}).encode(), b"application/json"
    else:
        text = ("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Trop de "
                "demandes</title><link rel=\"stylesheet\" href=\"/static/portal.css\"></head><body>"
                "<main><h1>Trop de demandes</h1><p>Merci de patienter une minute avant de "
                "réessayer.</p></main></body></html>")  # fmt: skip
        body, kind = text.encode("utf-8"), b"text/html; charset=utf-8"
    headers = [(b"content-type", kind), (b"retry-after", retry),
               (b"content-length", str(len(body)).encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
