"""First login: the holder replaces the one-time password and enrols a TOTP app.

The TOTP secret is drawn when the page is first shown, kept in the (setup) session row of
the encrypted store and shown to the holder only — as text and as a QR code drawn
server-side (segno, inline SVG: no script, no image from elsewhere). It becomes the
account's when a code made from it is typed back. Finishing starts a new session.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyotp
import segno
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from vigie.console import auth
from vigie.console.accounts import PASSWORD_RULES, hash_password, password_matches, password_problem
from vigie.console.web import capped_body, parse_form, same_token, session_token
from vigie.portal.selfcheck import same_site
from vigie.workspace import lock

if TYPE_CHECKING:
    from vigie.console.app import Pages

ISSUER = "vigie"


def qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_inline(scale=4, border=4, title="QR code à scanner"))


class Activation:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    async def endpoint(self, request: Request) -> Response:
        form = None
        if request.method == "POST":
            body = await capped_body(request)
            if body is None or not same_site(dict(request.headers)):
                return self.pages.refuse(403)
            form = parse_form(body)
        try:
            return await run_in_threadpool(self._serve, request, form)
        except lock.WorkspaceBusy:
            return self.pages.busy()

    def _session(self, request: Request, now: datetime) -> tuple[auth.Session | None, Any]:
        with self.pages.store.open() as con:
            session = auth.current(con, session_token(request), now)
            if session is None or session.stage != "setup":
                return session, None
            if session.needs_totp and session.pending_totp is None:
                secret = pyotp.random_base32()
                auth.set_pending_totp(con, session, secret)
                session = auth.current(con, session_token(request), now)
            found = auth.account(con, session.principal.login) if session else None
        return session, found

    def _serve(self, request: Request, form: dict[str, str] | None) -> Response:
        pages, now = self.pages, self.pages.clock()
        session, found = self._session(request, now)
        if session is None:
            return pages.with_cookie(request, pages.redirect("/connexion"), None)
        if session.stage != "setup" or found is None:
            return pages.redirect("/")
        if form is None:
            return self._render(session, [])
        if not same_token(form.get("csrf", ""), session.csrf):
            return pages.refuse(403, session)
        errors, changes = self._check(form, session, found.password_hash, now)  # slow: hashes
        if errors:
            return self._render(session, errors, status=400)
        with pages.store.open() as con:
            again = auth.current(con, session_token(request), now)
            if again is None or again.token_hash != session.token_hash:
                return pages.with_cookie(request, pages.redirect("/connexion"), None)
            token = auth.finish_setup(pages.ws, con, session, changes, now)
        return pages.with_cookie(request, pages.redirect("/"), token)

    @staticmethod
    def _check(
        form: dict[str, str], session: auth.Session, old_hash: str, now: datetime
    ) -> tuple[list[str], dict[str, Any]]:
        errors: list[str] = []
        changes: dict[str, Any] = {}
        login = session.principal.login
        if session.must_change:
            new = form.get("nouveau", "")
            if new != form.get("confirmation", ""):
                errors.append("Les deux saisies du nouveau mot de passe diffèrent.")
            elif problem := password_problem(login, new):
                errors.append(PASSWORD_RULES[problem][1])
            elif password_matches(old_hash, new):
                errors.append("Choisissez un mot de passe différent du mot de passe provisoire.")
            else:
                changes["password_hash"] = hash_password(new)
        if session.needs_totp and session.pending_totp:
            step = auth.totp_step(session.pending_totp, form.get("code", ""), now)
            if step is None:
                errors.append(
                    "Le code à usage unique est incorrect : saisissez les 6 chiffres "
                    "affichés par l'application, avant qu'ils ne changent."
                )
            else:
                changes.update(totp_secret=session.pending_totp, totp_step=step)
        return errors, changes

    def _render(self, session: auth.Session, errors: list[str], status: int = 200) -> Response:
        secret = session.pending_totp if session.needs_totp else None
        values: dict[str, Any] = {"secret": None, "qr": None, "grouped": ""}
        if secret:
            totp = pyotp.TOTP(secret)
            uri = totp.provisioning_uri(name=session.principal.login, issuer_name=ISSUER)
            grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
            values = {"secret": secret, "qr": qr_svg(uri), "grouped": grouped}
        return self.pages.page(
            "activation.html", status=status, session=session, errors=errors, **values
        )
