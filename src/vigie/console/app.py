"""The console's pages (Starlette; served by uvicorn): French, server-rendered, no script.

Every page but the login page needs a live session; the store is attached for the
request (see store.py), the session checked against its account there and then, and the
page reads through a `Reader` scoped to the session's principal. Forms carry the
session's CSRF token; posts from another site are refused as well.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from vigie.console import auth, figures, labels, openapi
from vigie.console.callcentre import CALLERS, FOLLOWERS, CallCentre
from vigie.console.controller_pages import ControllerPages
from vigie.console.dashboard_pages import DashboardPages
from vigie.console.data import Denied, Reader
from vigie.console.lead_pages import LeadPages
from vigie.console.setup import Activation
from vigie.console.store import ConsoleStore
from vigie.console.web import (
    NO_STORE,
    capped_body,
    cookie_name,
    parse_form,
    same_token,
    session_token,
    whole_number,
)
from vigie.portal.guard import HEADERS, Buckets, Guard
from vigie.portal.selfcheck import Tokens, same_site
from vigie.report.html import clock_view
from vigie.workspace import lock

log = logging.getLogger("vigie.console.access")
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Ctx:
    """What a page gets: the live session, its scoped reader, the time, the posted form."""

    session: auth.Session
    reader: Reader
    now: datetime
    form: dict[str, str] | None


Handler = Callable[[Request, Ctx], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


class Pages:
    """One method per route; the store, the templates and the clock are shared."""

    def __init__(
        self, store: ConsoleStore, *, clock: Clock | None = None, login_rate: int = 10
    ) -> None:
        self.store, self.ws = store, store.ws
        self._facts: tuple[tuple[int, int], dict[str, Any]] | None = None
        self.clock = clock or (lambda: datetime.now(UTC))
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("vigie.console", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.globals.update(labels=labels, figures=figures)
        self.tokens = Tokens()
        self.login_buckets = Buckets(login_rate)
        self.activation = Activation(self)
        static = resources.files("vigie.console").joinpath("static")
        self.css = static.joinpath("console.css").read_bytes()
        self.js = static.joinpath("console.js").read_bytes()

    def facts(self) -> dict[str, Any]:
        """incident.yaml, read again only when it changes (parsing it took ~10-40 ms)."""
        stat = self.ws.facts_path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        if self._facts is None or self._facts[0] != key:
            self._facts = (key, self.ws.facts())
        return self._facts[1]

    # -- rendering -------------------------------------------------------------------
    def page(
        self, name: str, status: int = 200, session: auth.Session | None = None, **values: Any
    ) -> HTMLResponse:
        title = str(self.facts().get("title") or "Incident")
        html = self.env.get_template(name).render(
            incident=title, session=session, who=session.principal if session else None, **values
        )
        return HTMLResponse(html, status_code=status, headers=NO_STORE)

    def refuse(self, status: int, session: auth.Session | None = None) -> HTMLResponse:
        return self.page("error.html", status=status, session=session, status_code=status)

    @staticmethod
    def redirect(path: str) -> RedirectResponse:
        return RedirectResponse(path, status_code=303, headers=NO_STORE)

    def with_cookie(self, request: Request, response: Response, token: str | None) -> Response:
        name = cookie_name(request)
        if token is None:
            response.delete_cookie(
                name, path="/", secure=name.startswith("__Host-"), httponly=True, samesite="strict"
            )
        else:
            response.set_cookie(
                name,
                token,
                path="/",
                secure=name.startswith("__Host-"),
                httponly=True,
                samesite="strict",
            )
        return response

    # -- the session gate ------------------------------------------------------------
    def guarded(
        self, roles: tuple[str, ...], handler: Handler, *, touch: bool = True
    ) -> Callable[..., Awaitable[Response]]:
        """An endpoint that runs `handler` for a live, active session of one of `roles`;
        `touch=False` (a page polling by itself) does not keep an idle session alive."""

        async def endpoint(request: Request) -> Response:
            form = None
            if request.method == "POST":
                body = await capped_body(request)
                if body is None or not same_site(dict(request.headers)):
                    return self.refuse(403)
                form = parse_form(body)
            return await run_in_threadpool(self._serve, request, roles, handler, form, touch)

        setattr(endpoint, openapi.GATE_ROLES, roles)  # the OpenAPI document names them
        return endpoint

    def _serve(
        self,
        request: Request,
        roles: tuple[str, ...],
        handler: Handler,
        form: dict[str, str] | None,
        touch: bool = True,
    ) -> Response:
        try:
            with self.store.open() as con:
                now = self.clock()
                session = auth.current(con, session_token(request), now, touch=touch)
                if session is None:
                    return self.with_cookie(request, self.redirect("/connexion"), None)
                if session.stage != "active":
                    return self.redirect("/activation")
                if form is not None and not same_token(form.get("csrf", ""), session.csrf):
                    return self.refuse(403, session)
                if session.principal.role not in roles:
                    return self.refuse(403, session)
                try:
                    reader = Reader(self.ws, con, session.principal, self.store.kept)
                    return handler(request, Ctx(session, reader, now, form))
                except Denied:
                    return self.refuse(403, session)
        except lock.WorkspaceBusy:
            return self.busy()

    def busy(self) -> HTMLResponse:
        response = self.page("busy.html", status=503)
        response.headers["retry-after"] = "30"
        return response

    # -- login and logout --------------------------------------------------------------
    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self.page("login.html", token=self.tokens.issue(), failed=False)
        client = request.client.host if request.client else "?"
        if self.login_buckets.take(client, time.monotonic()):
            response = self.page(
                "login.html", status=429, token=self.tokens.issue(), failed=False, too_many=True
            )
            response.headers["retry-after"] = "60"
            return response
        body = await capped_body(request)
        if body is None or not same_site(dict(request.headers)):
            return self.refuse(403)
        form = parse_form(body)
        if not self.tokens.valid(form.get("jeton", "")):
            return self.page(
                "login.html", status=400, token=self.tokens.issue(), failed=False, expired=True
            )
        login = form.get("identifiant", "").strip().lower()
        try:
            token = await run_in_threadpool(
                self._log_in, login, form.get("mot_de_passe", ""), form.get("code", "")
            )
        except lock.WorkspaceBusy:
            return self.busy()
        if token is None:
            return self.page("login.html", status=401, token=self.tokens.issue(), failed=True)
        return self.with_cookie(request, self.redirect("/"), token)

    def _log_in(self, login: str, password: str, code: str) -> str | None:
        with self.store.open() as con:
            found = auth.account(con, login) if login else None
        ok, step = auth.check_credentials(found, password, code, self.clock())  # slow: closed
        with self.store.open() as con:
            now = self.clock()
            if ok and found is not None:
                return auth.log_in(self.ws, con, found, step, now)
            if found is not None:
                auth.record_failure(self.ws, con, found.login, now)
        return None

    def logout(self, request: Request, ctx: Ctx) -> Response:
        auth.end(ctx.reader.con, ctx.session.token_hash, "logout", ctx.now)
        self.ws.record(
            "console logout", {"login": ctx.session.principal.login}, {}, con=ctx.reader.con
        )
        return self.with_cookie(request, self.redirect("/connexion"), None)

    # -- pages -------------------------------------------------------------------------
    def home(self, request: Request, ctx: Ctx) -> Response:
        if ctx.session.principal.role == "agent":
            return self.page("agent.html", session=ctx.session)
        board = ctx.reader.dashboard(self.facts(), ctx.now)
        return self.page(
            "dashboard.html", session=ctx.session, board=board, clock=clock_view(board.clock)
        )

    def persons(self, request: Request, ctx: Ctx) -> Response:
        query = request.query_params.get("q", "")[:80]
        page = whole_number(request.query_params.get("page"), 1, digits=6)
        found = ctx.reader.persons(query, page)
        return self.page("persons.html", session=ctx.session, found=found, query=query)

    def person(self, request: Request, ctx: Ctx) -> Response:
        view = ctx.reader.person(request.path_params["person_id"])
        if view is None:
            return self.refuse(404, ctx.session)
        return self.page("person.html", session=ctx.session, person=view)

    def views(self, request: Request, ctx: Ctx) -> Response:
        person_id = request.path_params["person_id"]
        if not ctx.reader.knows(person_id):
            return self.refuse(404, ctx.session)
        return self.page(
            "views.html",
            session=ctx.session,
            person_id=person_id,
            views=ctx.reader.views(person_id),
        )

    def schema(self, request: Request, ctx: Ctx) -> Response:
        """The OpenAPI document, made from the app's own routes."""
        return JSONResponse(openapi.document(request.app.routes), headers=NO_STORE)

    async def stylesheet(self, request: Request) -> Response:
        return Response(self.css, media_type="text/css", headers={"cache-control": "max-age=3600"})

    async def script(self, request: Request) -> Response:
        return Response(
            self.js, media_type="text/javascript", headers={"cache-control": "max-age=3600"}
        )

    async def health(self, request: Request) -> Response:
        return Response("ok", media_type="text/plain", headers=NO_STORE)

    async def error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        response = self.refuse(status)
        if isinstance(exc, HTTPException) and exc.headers:  # a 405's Allow (RFC 9110)
            response.headers.update(exc.headers)
        return response


STAFF = ("lead", "controller")
EVERYONE = ("lead", "controller", "agent")
LEAD = ("lead",)
SPACE_PARTS = ("personnes.csv", "sans-courrier", "sans-courrier.csv", "mineurs.csv",
               "chiffres.json", "courriers")  # fmt: skip
# The portal's headers, except that scripts (progressive enhancement: review shortcuts,
# refreshing the dashboard) may come from the console itself, never inline.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
CONSOLE_HEADERS = [(b"content-security-policy", CSP.encode())] + [
    h for h in HEADERS if h[0] != b"content-security-policy"
]


def route_name(path: str) -> str:
    """The route of a path for the access log: person ids and queries never reach it."""
    if path.startswith("/revue/"):
        return "/revue/{pair_id}"
    if path.startswith("/depots/"):
        return "/depots/{name}"
    if path.startswith("/espace/"):  # the slug names a controller: not in the log either
        rest = path.split("/", 3)[3:]
        if not rest:
            return "/espace/{slug}"
        if rest[0].startswith("modele/"):
            return "/espace/{slug}/modele/{name}"
        return f"/espace/{{slug}}/{rest[0]}" if rest[0] in SPACE_PARTS else "(other)"
    if path.startswith("/personnes/"):
        return (
            "/personnes/{id}/consultations"
            if path.endswith("/consultations")
            else "/personnes/{id}"
        )
    known = (
        "/",
        "/connexion",
        "/deconnexion",
        "/activation",
        "/personnes",
        "/sante",
        "/static/console.css",
        "/static/console.js",
        "/revue",
        "/journal",
        "/tableau-de-bord/chiffres",
        "/espace",
        "/openapi.json",
    )
    return path if path in known else "(other)"


def create_app(store: ConsoleStore, *, clock: Clock | None = None, login_rate: int = 10) -> Guard:
    """The ASGI application: pages behind the guard (headers, access log by route)."""
    pages = Pages(store, clock=clock, login_rate=login_rate)
    lead, board, space = LeadPages(pages), DashboardPages(pages), ControllerPages(pages)
    calls = CallCentre(pages)
    routes = [
        Route("/connexion", pages.login, methods=["GET", "POST"]),
        Route("/activation", pages.activation.endpoint, methods=["GET", "POST"]),
        Route("/deconnexion", pages.guarded(EVERYONE, pages.logout), methods=["POST"]),
        Route("/", pages.guarded(EVERYONE, pages.home)),
        Route("/personnes", pages.guarded(STAFF, pages.persons)),
        Route("/personnes/{person_id}", pages.guarded(STAFF, pages.person)),
        Route("/personnes/{person_id}/consultations", pages.guarded(("lead",), pages.views)),
        Route("/tableau-de-bord/chiffres", pages.guarded(STAFF, board.figures, touch=False)),
        Route("/depots/{name}", pages.guarded(LEAD, board.filing)),
        Route("/revue", pages.guarded(LEAD, lead.review)),
        Route("/espace", pages.guarded(STAFF, space.spaces)),
        Route("/espace/{slug}", pages.guarded(STAFF, space.space)),
        Route("/espace/{slug}/personnes.csv", pages.guarded(STAFF, space.persons_csv)),
        Route("/espace/{slug}/sans-courrier", pages.guarded(STAFF, space.not_sent)),
        Route("/espace/{slug}/sans-courrier.csv", pages.guarded(STAFF, space.not_sent_csv)),
        Route("/espace/{slug}/mineurs.csv", pages.guarded(STAFF, space.minors_csv)),
        Route("/espace/{slug}/chiffres.json", pages.guarded(STAFF, space.counts)),
        Route("/espace/{slug}/modele/{name}", pages.guarded(STAFF, space.template)),
        Route("/espace/{slug}/courriers", pages.guarded(STAFF, space.wording)),
        # Not {pair_id:int}: Starlette's int() of 4,300 digits and more raised (a 500,
        # before any session check); the page reads the number itself.
        Route("/revue/{pair_id}", pages.guarded(LEAD, lead.decide), methods=["POST"]),
        Route("/journal", pages.guarded(LEAD, lead.audit)),
        Route("/appels", pages.guarded(CALLERS, calls.search)),
        Route("/appels/code", pages.guarded(CALLERS, calls.by_code), methods=["POST"]),
        Route("/appels/identite", pages.guarded(CALLERS, calls.by_identity), methods=["POST"]),
        Route("/appels/issue", pages.guarded(CALLERS, calls.outcome), methods=["POST"]),
        Route("/appels/suivi", pages.guarded(FOLLOWERS, calls.follow_up)),
        Route("/appels/suivi.csv", pages.guarded(FOLLOWERS, calls.follow_up_csv)),
        Route("/static/console.css", pages.stylesheet),
        Route("/static/console.js", pages.script),
        Route("/sante", pages.health),
        Route("/openapi.json", pages.guarded(EVERYONE, pages.schema)),
    ]
    handlers = {404: pages.error, 405: pages.error, 500: pages.error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    return Guard(app, limited=(), route_name=route_name, log=log, headers=CONSOLE_HEADERS)
