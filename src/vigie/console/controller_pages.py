"""A controller's space: its package (persons CSV, counts, letter template), the list of
its persons no letter reached and why, and the wording of its letters.

Every read goes through the data layer with the space's slug: a controller opening
another controller's slug gets 404, as for a space that does not exist; the lead opens
them all (/espace lists them). Downloads are spreadsheet-safe CSV (vigie.spreadsheet)
and each person in one is recorded in the audit chain as seen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from vigie.console import data, labels
from vigie.console.space import letter_wording
from vigie.console.web import NO_STORE, whole_number

if TYPE_CHECKING:
    from vigie.console.app import Ctx, Pages


def _download(body: bytes, filename: str, media_type: str) -> Response:
    headers = {**NO_STORE, "content-disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=media_type, headers=headers)


class ControllerPages:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    def _not_found(self, ctx: Ctx) -> Response:
        return self.pages.refuse(404, ctx.session)

    def spaces(self, request: Request, ctx: Ctx) -> Response:
        found = data.spaces(ctx.reader)
        if ctx.session.principal.role == "controller":
            if not found:
                return self._not_found(ctx)
            return self.pages.redirect(f"/espace/{found[0][1]}")
        return self.pages.page("spaces.html", session=ctx.session, spaces=found)

    def space(self, request: Request, ctx: Ctx) -> Response:
        found = data.space(ctx.reader, request.path_params["slug"])
        if found is None:
            return self._not_found(ctx)
        return self.pages.page("space.html", session=ctx.session, space=found)

    def persons_csv(self, request: Request, ctx: Ctx) -> Response:
        slug = request.path_params["slug"]
        body = data.package_csv(ctx.reader, slug)
        if body is None:
            return self._not_found(ctx)
        return _download(body, f"personnes-{slug}.csv", "text/csv; charset=utf-8")

    def counts(self, request: Request, ctx: Ctx) -> Response:
        slug = request.path_params["slug"]
        body = data.counts_json(ctx.reader, slug)
        if body is None:
            return self._not_found(ctx)
        return _download(body, f"chiffres-{slug}.json", "application/json")

    def minors_csv(self, request: Request, ctx: Ctx) -> Response:
        slug = request.path_params["slug"]
        body = data.minors_csv(ctx.reader, slug)
        if body is None:
            return self._not_found(ctx)
        return _download(body, f"mineurs-a-examiner-{slug}.csv", "text/csv; charset=utf-8")

    def template(self, request: Request, ctx: Ctx) -> Response:
        slug, name = request.path_params["slug"], request.path_params["name"]
        body = data.template_file(ctx.reader, slug, name)
        if body is None:
            return self._not_found(ctx)
        return _download(body, name, "text/plain; charset=utf-8")

    def not_sent(self, request: Request, ctx: Ctx) -> Response:
        slug = request.path_params["slug"]
        page = whole_number(request.query_params.get("page"), 1, digits=6)
        found = data.not_sent(ctx.reader, slug, page)
        name = data.space_controller(ctx.reader, slug)
        if found is None or name is None:
            return self._not_found(ctx)
        return self.pages.page(
            "not_sent.html", session=ctx.session, found=found, slug=slug, controller=name
        )

    def not_sent_csv(self, request: Request, ctx: Ctx) -> Response:
        slug = request.path_params["slug"]
        body = data.not_sent_csv(ctx.reader, slug, labels.NOT_SENT)
        if body is None:
            return self._not_found(ctx)
        return _download(body, f"sans-courrier-{slug}.csv", "text/csv; charset=utf-8")

    def wording(self, request: Request, ctx: Ctx) -> Response:
        from vigie.portal.answers import last_verify_url

        slug = request.path_params["slug"]
        inputs = data.letter_inputs(ctx.reader, slug)
        if inputs is None:
            return self._not_found(ctx)
        text = letter_wording(self.pages.facts(), inputs, last_verify_url(self.pages.ws))
        return self.pages.page("wording.html", session=ctx.session, text=text, slug=slug)
