"""The dashboard's own routes beside the home page: its figures alone (for console.js to
refresh them in place) and the filings the lead downloads from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from vigie.console import data
from vigie.console.web import NO_STORE
from vigie.report.html import clock_view

if TYPE_CHECKING:
    from vigie.console.app import Ctx, Pages


class DashboardPages:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    def figures(self, request: Request, ctx: Ctx) -> Response:
        """The figures part of the dashboard (served with touch=False: polling it does not
        keep an idle session alive)."""
        board = ctx.reader.dashboard(self.pages.facts(), ctx.now)
        return self.pages.page(
            "dashboard_figures.html",
            session=ctx.session,
            board=board,
            clock=clock_view(board.clock),
        )

    def filing(self, request: Request, ctx: Ctx) -> Response:
        path = data.filing_path(ctx.reader, request.path_params["name"])
        if path is None:
            return self.pages.refuse(404, ctx.session)
        return FileResponse(path, filename=path.name, headers=NO_STORE)
