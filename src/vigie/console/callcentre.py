"""The call centre's pages: look a caller up, read the script, record the call's outcome;
and the outcomes list the lead and the controllers follow (with its CSV).

Lookups are POST forms (with the session's CSRF token): a code or an identity never
travels in an address, a log or the browser's history. Every read goes through
calls.CallDesk or outcomes (scoped, counted, audited); the pages only render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from vigie.console import labels
from vigie.console.calls import CallDesk, Lookup
from vigie.console.outcomes import (
    KINDS,
    AddressRefused,
    NewAddress,
    list_outcomes,
    outcomes_csv,
    record_outcome,
)
from vigie.console.scripts import outcome_script, scripts_for
from vigie.console.web import NO_STORE
from vigie.notify.minors import WITHHELD

if TYPE_CHECKING:
    from vigie.console.app import Ctx, Pages

CALLERS = ("agent", "lead")  # who takes calls
FOLLOWERS = ("lead", "controller")  # who follows their outcomes

ELEMENTS = {**labels.ELEMENTS_FR, WITHHELD: "Informations de santé (sans détail)"}
LETTER_STATUS = {
    "issued": "émis, pas encore de nouvelles de La Poste",
    "sent": "posté",
    "delivered": "distribué",
    "returned": "revenu (n'habite pas à l'adresse indiquée)",
    "resent": "renvoyé",
}
KIND_LABELS = {
    "new_address": "nouvelle adresse (renvoi du courrier)",
    "opposition": "opposition (article 21 du RGPD)",
    "complaint": "réclamation",
    "access": "demande d'accès (article 15 du RGPD)",
}
STATES = {
    "pending": "en attente du prochain renvoi",
    "resent": "nouveau courrier émis",
    "to_answer": "à traiter par le responsable",
}
VIA = {"code": "code du courrier", "identite": "identité"}


class CallCentre:
    """Handlers of the call-centre routes; rendering and the session gate are the Pages'."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        words = {"elements": ELEMENTS, "status": LETTER_STATUS, "kinds": KIND_LABELS,
                 "states": STATES, "via": VIA}  # fmt: skip
        pages.env.globals.update(calls=words)

    def _desk(self, ctx: Ctx) -> CallDesk:
        return CallDesk(ctx.reader.ws, ctx.reader.con, ctx.session.principal, ctx.now)

    def search(self, request: Request, ctx: Ctx) -> Response:
        return self.pages.page("callcentre_search.html", session=ctx.session)

    def by_code(self, request: Request, ctx: Ctx) -> Response:
        form = ctx.form or {}
        return self._answer(ctx, self._desk(ctx).by_code(form.get("code", "")))

    def by_identity(self, request: Request, ctx: Ctx) -> Response:
        form = ctx.form or {}
        found = self._desk(ctx).by_identity(
            form.get("nom", ""), form.get("prenom", ""), form.get("naissance", ""),
            form.get("code_postal", ""),
        )  # fmt: skip
        return self._answer(ctx, found)

    def _answer(self, ctx: Ctx, lookup: Lookup) -> Response:
        if lookup.outcome == "limited":
            response = self.pages.page(
                "callcentre_limited.html", status=429, session=ctx.session,
                minutes=max(1, -(-lookup.retry_after // 60)),
            )  # fmt: skip
            response.headers["retry-after"] = str(lookup.retry_after)
            return response
        return self.pages.page(
            "callcentre_caller.html", session=ctx.session, lookup=lookup,
            caller=lookup.caller, scripts=scripts_for(lookup),
        )  # fmt: skip

    def outcome(self, request: Request, ctx: Ctx) -> Response:
        form = ctx.form or {}
        kind, person_id = form.get("issue", ""), form.get("personne", "")
        if kind not in KINDS:
            return self.pages.refuse(400, ctx.session)
        address = NewAddress.from_form(form) if kind == "new_address" else None
        try:
            outcome_id = record_outcome(self._desk(ctx), person_id, kind, address)
        except AddressRefused as refused:
            return self.pages.page(
                "callcentre_address.html", status=400, session=ctx.session,
                person_id=person_id, address=address, problem=refused.message,
            )  # fmt: skip
        return self.pages.page(
            "callcentre_recorded.html", session=ctx.session, kind=kind,
            outcome_id=outcome_id, script=outcome_script(kind),
        )  # fmt: skip

    def follow_up(self, request: Request, ctx: Ctx) -> Response:
        kind = request.query_params.get("issue", "")
        rows = list_outcomes(ctx.reader.ws, ctx.reader.con, ctx.session.principal, kind)
        return self.pages.page(
            "callcentre_follow.html", session=ctx.session, rows=rows,
            kind=kind if kind in KINDS else "",
        )  # fmt: skip

    def follow_up_csv(self, request: Request, ctx: Ctx) -> Response:
        kind = request.query_params.get("issue", "")
        rows = list_outcomes(ctx.reader.ws, ctx.reader.con, ctx.session.principal, kind)
        headers: dict[str, Any] = {
            **NO_STORE,
            "content-disposition": 'attachment; filename="appels.csv"',
        }
        return Response(outcomes_csv(rows), media_type="text/csv; charset=utf-8",
                        headers=headers)  # fmt: skip
