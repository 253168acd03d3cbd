"""The completed dashboard: stages and their state, persons per tier, département and
category, where the letters stand, filings; a controller's own figures only; figures
refreshed in place without keeping an idle session alive."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.console.conftest import Clock, controllers_by_size, copy_workspace, log_in, make_account
from tests.console.live import live_console
from vigie.console.accounts import Principal
from vigie.console.data import Denied, Reader, filing_path
from vigie.workspace import Workspace

NOW = datetime(2021, 2, 24, 8, tzinfo=UTC)
LEAD = Principal("m.durand", "lead")


def _board(ws: Workspace, who: Principal):  # type: ignore[no-untyped-def]
    with ws.connect() as con:
        return Reader(ws, con, who).dashboard(ws.facts(), NOW)


def _one(ws: Workspace, sql: str, params: list[object] | None = None) -> int:
    with ws.connect(read_only=True) as con:
        return int(con.execute(sql, params or []).fetchall()[0][0])


def test_the_lead_figures_add_up_per_departement_and_category(ws: Workspace) -> None:
    board = _board(ws, LEAD)
    assert sum(board.per_departement.values()) == board.persons == 120
    assert list(board.per_departement.values()) == sorted(board.per_departement.values(),
                                                          reverse=True)  # fmt: skip
    health = _one(ws, "SELECT count(DISTINCT person_id) FROM person_exposure WHERE element "
                      "LIKE 'health.%' OR element = 'care.exam'")  # fmt: skip
    assert board.per_category["health"] == health
    assert all(n <= board.persons for n in board.per_category.values())
    assert [i.kind for i in board.issues] == ["initial"]
    assert board.issues[0].letters == board.letters and board.resent == 0
    assert {f.name for f in board.filings if f.ready} >= {"cnil-notification.pdf",
                                                          "public-communication.md"}  # fmt: skip


def test_stages_show_their_last_run_and_what_is_out_of_date(
    notified: Path, console_env: Path, tmp_path: Path
) -> None:
    copy = copy_workspace(notified, tmp_path / "copy")
    stages = {s.verb: s for s in _board(copy, LEAD).stages}
    for verb in ("ingest", "registry add", "scan", "link", "assess", "notify", "portal build"):
        assert stages[verb].last is not None and stages[verb].stale_since is None, verb
    assert stages["notify status"].last is None and "review" not in stages
    assert stages["link"].counts["persons"] == 120
    copy.record("scan", {}, {"rows": 1})  # scan again: everything after it is out of date
    stages = {s.verb: s for s in _board(copy, LEAD).stages}
    assert stages["scan"].stale_since is None and stages["link"].stale_since == "scan"
    assert stages["assess"].stale_since == "link" and stages["notify"].stale_since == "assess"
    assert stages["registry add"].stale_since is None


def test_a_controller_dashboard_holds_its_own_figures_only(ws: Workspace) -> None:
    name = controllers_by_size(ws)[1]
    board = _board(ws, Principal("dpo.x", "controller", name))
    own = _one(ws, "SELECT count(*) FROM persons WHERE list_contains(controllers, ?)", [name])
    assert sum(board.per_departement.values()) == own == board.persons
    assert all(n <= own for n in board.per_category.values())
    assert sum(i.letters for i in board.issues) == board.letters
    assert board.filings == [] and board.portal is None and board.review_queue is None
    assert all(s.counts == {} for s in board.stages)  # incident-wide counts: the lead's


def test_filings_are_the_leads_and_named_from_a_fixed_list(ws: Workspace) -> None:
    with ws.connect() as con:
        lead = Reader(ws, con, LEAD)
        assert filing_path(lead, "cnil-notification.pdf") is not None
        for name in ("../workspace.json", "controllers", "..", "cnil-notification.PDF", ""):
            assert filing_path(lead, name) is None
        with pytest.raises(Denied):
            filing_path(Reader(ws, con, Principal("d", "controller", "X")), "cnil-notification.pdf")


@pytest.fixture
def console_on(ws: Workspace, clock: Clock) -> Iterator[httpx.Client]:
    with live_console(ws, clock=clock) as base, httpx.Client(base_url=base) as client:
        yield client


def test_the_page_charts_every_figure_in_text_and_bars(
    ws: Workspace, console_on: httpx.Client, clock: Clock
) -> None:
    log_in(console_on, clock, make_account(ws, "lead"))
    page = console_on.get("/").text
    for heading in ("Étapes", "Personnes par niveau de risque", "Personnes par département",
                    "Personnes par catégorie", "Courriers émis, par dernière nouvelle",
                    "Dépôts prêts", "35 Ille-et-Vilaine"):  # fmt: skip
        assert heading in page, heading
    assert page.count("<caption>") >= 7 and '<rect width="100.0"' in page
    assert re.search(r'<script src="/static/console.js" defer></script>', page)
    assert 'href="/depots/cnil-notification.pdf"' in page
    pdf = console_on.get("/depots/cnil-notification.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert console_on.get("/depots/..%2Fworkspace.json").status_code == 404


def test_the_figures_refresh_alone_and_polling_keeps_no_session_alive(
    ws: Workspace, console_on: httpx.Client, clock: Clock
) -> None:
    log_in(console_on, clock, make_account(ws, "lead"))
    part = console_on.get("/tableau-de-bord/chiffres")
    assert part.status_code == 200 and "<html" not in part.text and "Étapes" in part.text
    for _ in range(3):  # a dashboard left open, polling (every minute in the browser)
        clock.advance(240)
        assert console_on.get("/tableau-de-bord/chiffres").status_code == 200
    clock.advance(240)  # 16 minutes since the person last did anything
    assert console_on.get("/tableau-de-bord/chiffres").status_code == 303
    assert console_on.get("/").status_code == 303  # the session is over


def test_agents_get_no_dashboard_figures_or_filings(
    ws: Workspace, console_on: httpx.Client, clock: Clock
) -> None:
    log_in(console_on, clock, make_account(ws, "agent"))
    for path in ("/tableau-de-bord/chiffres", "/depots/cnil-notification.pdf"):
        assert console_on.get(path).status_code == 403
    console_on.cookies.clear()
    log_in(console_on, clock, make_account(ws, "controller", controllers_by_size(ws)[0]))
    assert console_on.get("/tableau-de-bord/chiffres").status_code == 200
    assert console_on.get("/depots/cnil-notification.pdf").status_code == 403


def test_figures_are_kept_per_scope_until_a_stage_runs(
    notified: Path, console_env: Path, tmp_path: Path
) -> None:
    copy = copy_workspace(notified, tmp_path / "copy")
    big, small = controllers_by_size(copy)[:2]
    kept: dict[object, object] = {}

    def board(who: Principal):  # type: ignore[no-untyped-def]
        with copy.connect() as con:
            return Reader(copy, con, who, kept).dashboard(copy.facts(), NOW)

    lead, first = board(LEAD), board(Principal("d.a", "controller", big))
    second = board(Principal("d.b", "controller", small))
    assert lead.persons == 120 and first.persons > second.persons  # never another's
    assert list(second.per_controller) == [small] and second.filings == []
    with copy.connect() as con:  # a change no stage recorded yet
        con.execute("DELETE FROM notify_letters WHERE person_id IN (SELECT person_id FROM "
                    "persons WHERE list_contains(controllers, ?))", [small])  # fmt: skip
    assert board(Principal("d.b", "controller", small)).letters == second.letters  # kept
    copy.record("notify status", {}, {"letters": 0})  # a stage ran: counted again
    assert board(Principal("d.b", "controller", small)).letters == 0
    assert board(LEAD).letters == lead.letters - second.letters
