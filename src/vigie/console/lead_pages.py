"""The incident lead's pages: the review queue and the audit log.

The review queue shows one undecided pair at a time, masked by `vigie review`'s own
masks, and records accept/reject through `vigie review`'s own function, under the lead's
login. Keyboard shortcuts come from /static/console.js when JavaScript runs; the forms
work without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from vigie.console import data, labels
from vigie.console.audit_log import AuditFilter, row
from vigie.console.web import whole_number

if TYPE_CHECKING:
    from vigie.console.app import Ctx, Pages


class LeadPages:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    def review(self, request: Request, ctx: Ctx) -> Response:
        after = whole_number(request.query_params.get("apres"), 0)
        found = data.review_pair(ctx.reader, after)
        if found.pair is None and after:  # skipped to the end: start again from the top
            found = data.review_pair(ctx.reader, 0)
            after = 0
        done = request.query_params.get("fait", "")
        pair_id, _, decision = done.partition(":")
        message = None
        number = whole_number(pair_id, -1)
        if number >= 0 and decision in labels.DECISIONS:
            message = f"Paire {number} : {labels.DECISIONS[decision]}."
        return self.pages.page(
            "review.html",
            session=ctx.session,
            found=found,
            after=after,
            message=message,
            marks=summary(found.pair.fields) if found.pair else {},
        )

    def decide(self, request: Request, ctx: Ctx) -> Response:
        assert ctx.form is not None  # a POST-only route
        pair_id = whole_number(request.path_params["pair_id"], -1)
        decision = ctx.form.get("decision", "")
        done = data.decide_pair(ctx.reader, pair_id, decision) if pair_id >= 0 else None
        if done is None:
            return self.pages.refuse(404, ctx.session)
        after = whole_number(ctx.form.get("apres"), 0)
        return self.pages.redirect(f"/revue?apres={after}&fait={pair_id}:{decision}")

    def audit(self, request: Request, ctx: Ctx) -> Response:
        wanted = AuditFilter.parse(dict(request.query_params))
        page = whole_number(request.query_params.get("page"), 1)
        found = data.audit_log(ctx.reader, wanted, page)
        words = {"pages": labels.PAGES, "decisions": labels.DECISIONS, "verbs": labels.VERBS}
        return self.pages.page(
            "audit.html",
            session=ctx.session,
            found=found,
            wanted=wanted,
            rows=[row(e, words) for e in found.entries],
        )


def summary(fields: list[tuple[str, str, str, str]]) -> dict[str, int]:
    """How many fields agree, differ, or are filled on one side only."""
    counts = {"=": 0, "≠": 0, "?": 0}
    for _, mark, _, _ in fields:
        counts[mark] = counts.get(mark, 0) + 1
    return counts
