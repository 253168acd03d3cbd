"""The data layer on its own: scopes, figures that add up, masks, a view entry per read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.console.conftest import controllers_by_size
from vigie.console.accounts import Principal
from vigie.console.data import Denied, Reader
from vigie.workspace import Workspace, audit

NOW = datetime(2021, 2, 24, 8, tzinfo=UTC)  # 09:00 in Paris, a day after awareness
LEAD = Principal("m.durand", "lead")


@contextmanager
def reader(ws: Workspace, who: Principal) -> Iterator[Reader]:
    with ws.connect() as con:
        yield Reader(ws, con, who)


def _count(ws: Workspace, sql: str, params: list[object] | None = None) -> int:
    with ws.connect(read_only=True) as con:
        return int(con.execute(sql, params or []).fetchall()[0][0])


def test_lead_figures_add_up(ws: Workspace) -> None:
    with reader(ws, LEAD) as lead:
        board = lead.dashboard(ws.facts(), NOW)
    assert board.persons == _count(ws, "SELECT count(*) FROM persons") == 120
    assert sum(board.per_tier.values()) == board.persons
    assert board.letters + sum(board.not_sent.values()) == board.persons
    assert board.letter_status == {"unknown": board.letters}
    assert board.review_queue == 0
    assert board.clock is not None and board.clock.status == "running"
    assert round(board.clock.hours_left) == 48  # aware 2021-02-23 09:00+01, deadline +72 h


def test_a_controller_sees_only_its_own_figures(ws: Workspace) -> None:
    name = controllers_by_size(ws)[1]
    with reader(ws, Principal("dpo.x", "controller", name)) as dpo:
        board = dpo.dashboard(ws.facts(), NOW)
    own = _count(ws, "SELECT count(*) FROM persons WHERE list_contains(controllers, ?)", [name])
    assert board.persons == own and list(board.per_controller) == [name]
    assert sum(board.per_tier.values()) == own
    assert board.review_queue is None


def test_an_agent_reads_nothing_through_the_data_layer(ws: Workspace) -> None:
    person_id = "P" + "0" * 12
    with reader(ws, Principal("a.martin", "agent")) as agent:
        for read in (lambda: agent.dashboard({}, NOW), lambda: agent.persons("", 1),
                     lambda: agent.person(person_id), lambda: agent.knows(person_id),
                     lambda: agent.views(person_id)):  # fmt: skip
            with pytest.raises(Denied):
                read()


def test_a_controller_reads_no_other_person_and_leaves_no_view(ws: Workspace) -> None:
    name = controllers_by_size(ws)[0]
    with ws.connect(read_only=True) as con:
        others = [r[0] for r in con.execute(
            "SELECT person_id FROM persons WHERE NOT list_contains(controllers, ?)", [name]
        ).fetchall()]  # fmt: skip
    before = len(audit.read_entries(ws.audit_path))
    with reader(ws, Principal("dpo.y", "controller", name)) as dpo:
        assert all(dpo.person(pid) is None and not dpo.knows(pid) for pid in others)
        with pytest.raises(Denied):
            dpo.views(others[0])
    assert len(audit.read_entries(ws.audit_path)) == before


def test_a_person_is_masked_and_the_read_recorded(ws: Workspace) -> None:
    with ws.connect(read_only=True) as con:
        person_id, surname, phone, birth = con.execute(
            "SELECT person_id, surname, phone, CAST(birth_date AS VARCHAR) FROM persons "
            "WHERE phone IS NOT NULL AND length(surname) > 3 LIMIT 1"
        ).fetchall()[0]
    with reader(ws, LEAD) as lead:
        view = lead.person(person_id)
    assert view is not None and view.tier in ("very_high", "high", "medium", "low")
    shown = " ".join(value for _, value in view.identity)
    for secret in (surname, phone, birth, phone[-4:]):
        assert secret not in shown
    assert surname[0] in shown and "*" in shown
    last = audit.read_entries(ws.audit_path)[-1]
    assert last["verb"] == "view"
    assert last["params"] == {"by": "m.durand", "role": "lead", "page": "personne",
                              "person_id": person_id}  # fmt: skip


@pytest.mark.parametrize("query", ["", "l01-000001", "L01-000001", "ma", "MA", "é", "%", "_",
                                   "' OR 1=1 --", "x" * 200])  # fmt: skip
def test_search_is_scoped_bounded_and_never_breaks(ws: Workspace, query: str) -> None:
    name = controllers_by_size(ws)[0]
    own = _count(ws, "SELECT count(*) FROM persons WHERE list_contains(controllers, ?)", [name])
    with reader(ws, Principal("dpo.z", "controller", name)) as dpo:
        found = dpo.persons(query, 1)
    assert found.total <= own and len(found.rows) <= 50
    if query in ("%", "_", "é", "' OR 1=1 --"):
        assert found.total == 0
    if query == "":
        assert found.total == own


def test_a_letter_reference_finds_its_person(ws: Workspace) -> None:
    with ws.connect(read_only=True) as con:
        letter, person_id = con.execute(
            "SELECT letter_id, person_id FROM notify_letters LIMIT 1"
        ).fetchall()[0]
    with reader(ws, LEAD) as lead:
        found = lead.persons(letter.lower(), 1)
    assert [r.person_id for r in found.rows] == [person_id] and found.rows[0].letter == letter


def test_persons_are_paged_without_gaps_or_repeats(ws: Workspace) -> None:
    with reader(ws, LEAD) as lead:
        pages = [lead.persons("", n) for n in (1, 2, 3)]
        past_the_end = lead.persons("", 999)
        before_the_start = lead.persons("", 0)
    assert [p.pages for p in pages] == [3, 3, 3] and [len(p.rows) for p in pages] == [50, 50, 20]
    ids = [r.person_id for p in pages for r in p.rows]
    assert len(ids) == len(set(ids)) == 120
    assert past_the_end.page == 3 and past_the_end.rows == pages[2].rows
    assert before_the_start.page == 1 and before_the_start.rows == pages[0].rows


def test_a_controllers_pages_hold_its_persons_only(ws: Workspace) -> None:
    name = controllers_by_size(ws)[0]
    own = _count(ws, "SELECT count(*) FROM persons WHERE list_contains(controllers, ?)", [name])
    with reader(ws, Principal("dpo.p", "controller", name)) as dpo:
        first = dpo.persons("", 1)
        ids = [r.person_id for n in range(1, first.pages + 1) for r in dpo.persons("", n).rows]
    assert first.total == own == len(set(ids))


def test_lookup_maps_follow_the_tables_and_a_stale_one_never_shows_another_person(
    notified: Path, console_env: Path, tmp_path: Path
) -> None:
    """The console's in-memory maps (key -> rowid) are rebuilt when a stage rewrites a
    table; one gone stale without a run can hide a person, never show someone else."""
    from tests.console.conftest import copy_workspace
    from vigie.console.store import ConsoleStore

    copy = copy_workspace(notified, tmp_path / "copy")
    with copy.connect(read_only=True) as con:
        people = con.execute("SELECT person_id, surname FROM persons ORDER BY 1").fetchall()
    store = ConsoleStore(copy)
    try:

        def look(person_id: str) -> str | None:
            with store.open() as con:
                view = Reader(copy, con, LEAD).person(person_id)
            return view.person_id if view else None

        def search(prefix: str) -> set[str]:
            with store.open() as con:
                return {r.person_id for r in Reader(copy, con, LEAD).persons(prefix, 1).rows}

        assert all(look(pid) == pid for pid, _ in people[:20])  # maps built, then used
        pid, surname = next((p, s) for p, s in people if s and len(s) > 3)
        assert pid in search(surname[:3])
        reorder = "CREATE OR REPLACE TABLE persons AS SELECT * FROM persons ORDER BY {} DESC"
        with store.open() as con:  # rowids change, no run recorded: the maps are stale
            con.execute(reorder.format("person_id"))
        assert all(look(p) in (p, None) for p, _ in people)
        assert search(surname[:3]) <= {p for p, s in people if s and s[:3] == surname[:3]}
        with store.open() as con:  # what link does: rewrite, then record its run
            con.execute(reorder.format("surname"))
        copy.record("link", {}, {"persons": len(people)}, con=None)
        assert all(look(p) == p for p, _ in people)
        assert pid in search(surname[:3])
    finally:
        store.close()
