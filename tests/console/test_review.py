"""The lead's review queue: pairs masked as `vigie review` masks them, decisions recorded
through `vigie review`'s own function with the deciding login, nothing for other roles."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.console.conftest import Clock, controllers_by_size, csrf, log_in, make_account
from tests.console.live import live_console
from vigie.console.accounts import Principal
from vigie.console.data import Denied, Reader, decide_pair, review_pair
from vigie.link import review
from vigie.workspace import Workspace, audit


@pytest.fixture
def client(queued: Workspace, clock: Clock) -> Iterator[httpx.Client]:
    with live_console(queued, clock=clock) as base, httpx.Client(base_url=base) as client:
        yield client


def _raw_values(ws: Workspace, uid: str) -> list[str]:
    """Every non-empty value of a leak row, as stored (to prove none reaches the page)."""
    table, _, row = uid.rpartition(":")
    with ws.connect(read_only=True) as con:
        result = con.execute(f'SELECT * FROM "{table}" WHERE _row = ?', [int(row)])
        names = [d[0] for d in result.description]
        values = result.fetchall()[0]
    return [str(v) for n, v in zip(names, values, strict=True)
            if v is not None and len(str(v)) > 3 and not n.startswith("_")]  # fmt: skip


def test_the_lead_sees_a_pair_masked_as_vigie_review_masks_it(
    queued: Workspace, client: httpx.Client, clock: Clock
) -> None:
    log_in(client, clock, make_account(queued, "lead"))
    page = client.get("/revue")
    assert page.status_code == 200
    first = review.queue(queued, 1)[0]
    assert f"Paire {first.pair_id}" in page.text and "6 paires en attente" in page.text
    for _, _mark, left, right in first.fields:  # the CLI's masked values, as they are
        for value in (left, right):
            if value:
                assert str(value).replace("'", "&#39;") in page.text
    for value in _raw_values(queued, first.left) + _raw_values(queued, first.right):
        if not re.fullmatch(r"[MF]|\d{1,4}|[\d.]+", value):  # masks keep sex and dept digits
            assert value not in page.text, "an unmasked value reached the page"
    assert "identiques" in page.text and 'aria-keyshortcuts="a"' in page.text
    entry = audit.read_entries(queued.audit_path)[-1]
    assert entry["verb"] == "view" and entry["params"]["page"] == "revue"
    assert entry["params"]["pair_id"] == first.pair_id and entry["params"]["person_ids"]


def test_accepting_a_pair_goes_through_vigie_review_with_the_login(
    queued: Workspace, client: httpx.Client, clock: Clock
) -> None:
    lead = make_account(queued, "lead")
    log_in(client, clock, lead)
    first = review.queue(queued, 1)[0]
    token = csrf(client, "/revue")
    done = client.post(f"/revue/{first.pair_id}",
                       data={"csrf": token, "decision": "accept", "apres": "0"})  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"] == f"/revue?apres=0&fait={first.pair_id}:accept"
    after = client.get(done.headers["location"])
    assert f"Paire {first.pair_id} : acceptée" in after.text and "5 paires" in after.text
    with queued.connect(read_only=True) as con:
        rows = con.execute("SELECT unique_id_l, unique_id_r, decision FROM link_decisions")
        assert rows.fetchall() == [(first.left, first.right, "accept")]
    entries = [e for e in audit.read_entries(queued.audit_path) if e["verb"] == "review"]
    assert [e["params"] for e in entries] == [{"pair_id": first.pair_id, "left": first.left,
        "right": first.right, "decision": "accept", "by": lead.login}]  # fmt: skip
    assert queued.verify_audit() == len(audit.read_entries(queued.audit_path))
    assert [p.pair_id for p in review.queue(queued, 10)] == [2, 3, 4, 5, 6]


def test_skipping_and_rejecting_keep_the_place_in_the_queue(
    queued: Workspace, client: httpx.Client, clock: Clock
) -> None:
    log_in(client, clock, make_account(queued, "lead"))
    skipped = client.get("/revue?apres=1")
    assert "Paire 2 —" in skipped.text and 'href="/revue?apres=2"' in skipped.text
    token = csrf(client, "/revue")
    done = client.post("/revue/2", data={"csrf": token, "decision": "reject", "apres": "1"})
    assert done.headers["location"] == "/revue?apres=1&fait=2:reject"
    assert "Paire 3 —" in client.get(done.headers["location"]).text
    assert "Paire 1 —" in client.get("/revue?apres=6").text  # past the end: from the top


@pytest.mark.parametrize(
    "form",
    [{"decision": "accept"}, {"decision": "accept", "csrf": "forged"},
     {"decision": "maybe", "csrf": None}, {"decision": "", "csrf": None}],
)  # fmt: skip
def test_a_decision_needs_the_token_and_a_known_answer(
    queued: Workspace, client: httpx.Client, clock: Clock, form: dict[str, str | None]
) -> None:
    log_in(client, clock, make_account(queued, "lead"))
    if "csrf" in form and form["csrf"] is None:
        form = {**form, "csrf": csrf(client, "/revue")}
    answer = client.post("/revue/1", data={k: v for k, v in form.items() if v is not None})
    assert answer.status_code in (403, 404)
    with queued.connect(read_only=True) as con:
        assert review.pending(con) == 6


def test_an_unknown_pair_is_404(queued: Workspace, client: httpx.Client, clock: Clock) -> None:
    log_in(client, clock, make_account(queued, "lead"))
    token = csrf(client, "/revue")
    for path in ("/revue/999", "/revue/0"):
        assert client.post(path, data={"csrf": token, "decision": "accept"}).status_code == 404
    assert client.post("/revue/x", data={"csrf": token, "decision": "accept"}).status_code == 404
    # Starlette's {pair_id:int} ran int() on 4,300 digits and more: a 500, even without a
    # session (found by the fuzz); now any number the queue cannot hold is 404
    for pair in ("9" * 5000, "9" * 12, "²"):
        answer = client.post(f"/revue/{pair}", data={"csrf": token, "decision": "accept"})
        assert answer.status_code == 404, pair
    client.cookies.clear()
    assert client.post("/revue/" + "9" * 5000, data={"csrf": token}).status_code == 303


def test_no_other_role_reaches_the_queue(
    queued: Workspace, client: httpx.Client, clock: Clock
) -> None:
    for who in (make_account(queued, "controller", controllers_by_size(queued)[0]),
                make_account(queued, "agent")):  # fmt: skip
        client.cookies.clear()
        log_in(client, clock, who)
        token = csrf(client, "/")
        assert client.get("/revue").status_code == 403
        assert (
            client.post("/revue/1", data={"csrf": token, "decision": "accept"}).status_code == 403
        )
        assert "/revue" not in client.get("/").text
    with queued.connect(read_only=True) as con:
        assert review.pending(con) == 6


def test_the_data_layer_denies_the_queue_to_controllers_and_agents(queued: Workspace) -> None:
    biggest = controllers_by_size(queued)[0]
    with queued.connect() as con:
        for who in (Principal("dpo.x", "controller", biggest),
                    Principal("a.martin", "agent")):  # fmt: skip
            reader = Reader(queued, con, who)
            with pytest.raises(Denied):
                review_pair(reader)
            with pytest.raises(Denied):
                decide_pair(reader, 1, "accept")
        lead = Reader(queued, con, Principal("m.durand", "lead"))
        assert decide_pair(lead, 99, "accept") is None
        assert decide_pair(lead, 1, "perhaps") is None
        assert review_pair(lead, after=6).pair is None
