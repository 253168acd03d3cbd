"""The portal's pages and API over a loaded bundle (Starlette; served by uvicorn).

Server-rendered French pages, no JavaScript. A code arrives in the query (the letter's
QR targets `/verifier?code=...`) or the API path; anything that is not a genuine code,
however long or strange, gets the ordinary "not genuine" answer with status 200.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from vigie.notify.variants import french_date
from vigie.portal import signing
from vigie.portal.bundle import Bundle, Letter
from vigie.portal.guard import Guard
from vigie.portal.openapi import openapi
from vigie.portal.selfcheck import MAX_BODY, SealedLog, Tokens, parse_form, same_site

OFFICIAL = {
    "cnil": "https://www.cnil.fr/fr/violations-de-donnees-personnelles",
    "cybermalveillance": "https://www.cybermalveillance.gouv.fr/",
    "signal_spam": "https://www.signal-spam.fr/",
    "pharos": "https://www.internet-signalement.gouv.fr/",
}
NO_STORE = {"cache-control": "no-store"}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("vigie.portal", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _letter(found: Letter) -> dict[str, Any]:
    return {"issuer": found.issuer.name, "contact": found.issuer.contact,
            "issued_on": french_date(found.issued_on), "letter": found.reference}  # fmt: skip


async def _capped_body(request: Request) -> bytes | None:
    """The request body, or None past MAX_BODY (a form is a few hundred bytes)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


class Pages:
    """One method per route, over one bundle; no state besides the form tokens."""

    def __init__(self, bundle: Bundle, requests_file: Path | None) -> None:
        self.bundle = bundle
        self.env = _environment()
        self.tokens = Tokens()
        self.qr_key = bundle.public_key("qr_signing")
        sealed_key = bundle.public_key("sealed_requests")
        self.sealed = SealedLog(requests_file, sealed_key) if requests_file and sealed_key else None
        self.css = resources.files("vigie.portal").joinpath("static/portal.css").read_bytes()
        self.shared = {"incident": bundle.incident, "official": OFFICIAL,
                       "base_url": bundle.base_url, "issuers": bundle.issuers}  # fmt: skip

    def page(self, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(**self.shared, **values)
        return HTMLResponse(html, status_code=status, headers=NO_STORE)

    async def home(self, request: Request) -> Response:
        return self.page("home.html")

    async def verifier(self, request: Request) -> Response:
        query = request.query_params
        code = query.get("code")
        if code is None:
            return self.page("verifier.html")
        found = self.bundle.verify(code)
        signed = None
        if found is not None and "s" in query:
            # A QR whose signature fails or names another letter was altered: not genuine.
            signed = signing.check(self.qr_key, dict(query)) if self.qr_key else None
            if signed is None or signed.letter != found.reference:
                found = None
        if found is None:
            return self.page("not_genuine.html")
        bound = {"initials": signed.initials, "postcode": signed.postcode} if signed else None
        return self.page("genuine.html", letter=_letter(found), signed=bound)

    async def api_verify(self, request: Request) -> Response:
        found = self.bundle.verify(request.path_params["code"])
        if found is None:
            return JSONResponse({"genuine": False}, headers=NO_STORE)
        letter = {"genuine": True, **_letter(found), "issued_on": found.issued_on.isoformat()}
        return JSONResponse(letter, headers=NO_STORE)

    def _form(self, status: int = 200, **values: Any) -> HTMLResponse:
        context = {"values": {}, "missing": (), "expired": False, **values}
        return self.page("concerne.html", status=status, token=self.tokens.issue(), **context)

    async def concerne(self, request: Request) -> Response:
        if self.sealed is None:
            return self.page("concerne_ferme.html")
        if request.method == "GET":
            return self._form()
        body = await _capped_body(request)
        if body is None or not same_site(dict(request.headers)):
            return self.page("error.html", status=400, status_code=400)
        form = parse_form(body)
        if not self.tokens.valid(form.token):
            return self._form(400, values=form.values, expired=True)
        if form.missing:
            return self._form(400, values=form.values, missing=form.missing)
        self.sealed.append(form.values)
        # The same bytes for everyone: the portal does not know, and must not look as if.
        return self.page("concerne_recu.html")

    async def schema(self, request: Request) -> Response:
        return JSONResponse(openapi(self.bundle.base_url))

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"}, headers=NO_STORE)

    async def stylesheet(self, request: Request) -> Response:
        return Response(self.css, media_type="text/css", headers={"cache-control": "max-age=3600"})

    async def error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "not found" if status == 404 else "error"}, status)
        return self.page("error.html", status=status, status_code=status)


def create_app(bundle: Bundle, *, rate: int = 60, requests_file: Path | None = None) -> Guard:
    """The ASGI application: pages, API, health, behind the guard (limits, headers)."""
    pages = Pages(bundle, requests_file)
    routes = [
        Route("/", pages.home),
        Route("/verifier", pages.verifier),
        Route("/verifier/", pages.verifier),  # the letters' QR codes point here
        Route("/concerne", pages.concerne, methods=["GET", "POST"]),
        Route("/api/verify/{code}", pages.api_verify),
        Route("/openapi.json", pages.schema),
        Route("/sante", pages.health),
        Route("/static/portal.css", pages.stylesheet),
    ]
    handlers = {404: pages.error, 405: pages.error, 500: pages.error}
    return Guard(Starlette(routes=routes, exception_handlers=handlers), rate=rate)
