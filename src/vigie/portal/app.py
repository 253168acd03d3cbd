"""The portal's pages and API over a loaded bundle (Starlette; served by uvicorn).

Server-rendered French pages, no JavaScript. A code arrives in the query (the letter's
QR targets `/verifier?code=...`) or the API path; anything that is not a genuine code,
however long or strange, gets the ordinary "not genuine" answer with status 200.
"""

from __future__ import annotations

import base64
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


def create_app(bundle: Bundle, *, rate: int = 60, requests_file: Path | None = None) -> Guard:
    """The ASGI application: pages, API, health, behind the guard (limits, headers)."""
    env = _environment()
    tokens = Tokens()
    sealed_key = bundle.public_keys.get("sealed_requests")
    sealed = (
        SealedLog(requests_file, base64.b64decode(sealed_key))
        if requests_file is not None and sealed_key
        else None
    )
    css = resources.files("vigie.portal").joinpath("static/portal.css").read_bytes()
    shared = {"incident": bundle.incident, "official": OFFICIAL, "base_url": bundle.base_url,
              "issuers": bundle.issuers}  # fmt: skip

    def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = env.get_template(name).render(**shared, **values)
        return HTMLResponse(html, status_code=status, headers=NO_STORE)

    async def home(request: Request) -> Response:
        return page("home.html")

    qr_key = bundle.public_key("qr_signing")

    async def verifier(request: Request) -> Response:
        query = request.query_params
        code = query.get("code")
        if code is None:
            return page("verifier.html")
        found = bundle.verify(code)
        signed = None
        if found is not None and "s" in query:
            # A QR whose signature fails or names another letter was altered: not genuine.
            signed = signing.check(qr_key, dict(query)) if qr_key else None
            if signed is None or signed.letter != found.reference:
                found = None
        if found is None:
            return page("not_genuine.html")
        bound = {"initials": signed.initials, "postcode": signed.postcode} if signed else None
        return page("genuine.html", letter=_letter(found), signed=bound)

    async def api_verify(request: Request) -> Response:
        found = bundle.verify(request.path_params["code"])
        if found is None:
            return JSONResponse({"genuine": False}, headers=NO_STORE)
        letter = {"genuine": True, **_letter(found), "issued_on": found.issued_on.isoformat()}
        return JSONResponse(letter, headers=NO_STORE)

    async def concerne(request: Request) -> Response:
        if sealed is None:
            return page("concerne_ferme.html")
        if request.method == "GET":
            return page("concerne.html", token=tokens.issue(), values={}, missing=(), expired=False)
        body = await _capped_body(request)
        if body is None or not same_site(dict(request.headers)):
            return page("error.html", status=400, status_code=400)
        form = parse_form(body)
        if not tokens.valid(form.token):
            return page("concerne.html", status=400, token=tokens.issue(), values=form.values,
                        missing=(), expired=True)  # fmt: skip
        if form.missing:
            return page("concerne.html", status=400, token=tokens.issue(), values=form.values,
                        missing=form.missing, expired=False)  # fmt: skip
        sealed.append(form.values)
        # The same bytes for everyone: the portal does not know, and must not look as if.
        return page("concerne_recu.html")

    async def schema(request: Request) -> Response:
        return JSONResponse(openapi(bundle.base_url))

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"}, headers=NO_STORE)

    async def stylesheet(request: Request) -> Response:
        return Response(css, media_type="text/css", headers={"cache-control": "max-age=3600"})

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "not found" if status == 404 else "error"}, status)
        return page("error.html", status=status, status_code=status)

    routes = [
        Route("/", home),
        Route("/verifier", verifier),
        Route("/verifier/", verifier),  # the letters' QR codes point here
        Route("/concerne", concerne, methods=["GET", "POST"]),
        Route("/api/verify/{code}", api_verify),
        Route("/openapi.json", schema),
        Route("/sante", health),
        Route("/static/portal.css", stylesheet),
    ]
    handlers = {404: not_found, 405: not_found, 500: not_found}
    return Guard(Starlette(routes=routes, exception_handlers=handlers), rate=rate)
