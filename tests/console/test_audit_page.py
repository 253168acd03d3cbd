"""The lead's audit page: the log filtered and paged, and `vigie audit verify`'s answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.console.conftest import Clock, controllers_by_size, copy_workspace, log_in, make_account
from tests.console.live import live_console
from vigie.console.accounts import Principal
from vigie.console.audit_log import AuditFilter
from vigie.console.data import Denied, Reader, audit_log
from vigie.workspace import Workspace, audit


@pytest.fixture
def copy(notified: Path, console_env: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(notified, tmp_path / "copy")


@pytest.fixture
def client(copy: Workspace, clock: Clock) -> Iterator[httpx.Client]:
    with live_console(copy, clock=clock) as base, httpx.Client(base_url=base) as client:
        yield client


def _person_ids(ws: Workspace, n: int) -> list[str]:
    with ws.connect(read_only=True) as con:
        rows = con.execute(f"SELECT person_id FROM persons ORDER BY 1 LIMIT {n}").fetchall()
    return [r[0] for r in rows]


def _seqs(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', page)]


def test_the_lead_filters_the_log_by_action_login_day_and_person(
    copy: Workspace, client: httpx.Client, clock: Clock
) -> None:
    lead, other = make_account(copy, "lead"), make_account(copy, "lead")
    ids = _person_ids(copy, 3)
    log_in(client, clock, other)
    client.get(f"/personnes/{ids[0]}")
    client.cookies.clear()
    log_in(client, clock, lead)
    for person_id in ids:
        client.get(f"/personnes/{person_id}")
    entries = audit.read_entries(copy.audit_path)
    page = client.get("/journal")
    assert page.status_code == 200 and "Journal intact" in page.text
    assert f"{len(entries)} entrées" in page.text.replace("\u202f", "")
    assert _seqs(page.text)[0] == entries[-1]["seq"]  # newest first

    mine = client.get("/journal", params={"action": "view", "compte": lead.login}).text
    expected = [e["seq"] for e in entries if e["verb"] == "view"
                and e["params"].get("by") == lead.login]  # fmt: skip
    assert _seqs(mine) == expected[::-1] and len(expected) == 3

    about = client.get("/journal", params={"personne": ids[0].lower()}).text
    assert _seqs(about) == [e["seq"] for e in reversed(entries)
                            if e["params"].get("person_id") == ids[0]
                            or ids[0] in (e["params"].get("person_ids") or ())]  # fmt: skip
    assert lead.login in about and other.login in about

    today = entries[-1]["time"][:10]
    assert len(_seqs(client.get("/journal", params={"jour": today}).text)) > 0
    assert "0 entrée" in client.get("/journal", params={"jour": "1999-01-01"}).text


def test_the_log_is_paged_newest_first(copy: Workspace, client: httpx.Client,
                                       clock: Clock) -> None:  # fmt: skip
    ids = _person_ids(copy, 60)
    with copy.connect() as con:
        reader = Reader(copy, con, Principal("m.durand", "lead"))
        for person_id in ids:
            reader.person(person_id)
    log_in(client, clock, make_account(copy, "lead"))
    entries = audit.read_entries(copy.audit_path)
    # the shared workspace may hold views from other tests: count them all
    views = [e["seq"] for e in reversed(entries) if e["verb"] == "view"]  # newest first
    pages = -(-len(views) // 50)
    first = client.get("/journal", params={"action": "view"})
    assert f"page 1 sur {pages}" in first.text and 'rel="next"' in first.text
    second = client.get("/journal", params={"action": "view", "page": "2"})
    assert _seqs(first.text) == views[:50] and _seqs(second.text) == views[50:100]
    assert "action=view" in second.text and 'rel="prev"' in second.text
    assert _seqs(client.get("/journal", params={"page": "999"}).text)[-1] == 1  # last page
    assert len(_seqs(client.get("/journal").text)) == 50 and len(entries) > 60


def test_a_tampered_log_is_reported_by_the_page(copy: Workspace, client: httpx.Client,
                                                clock: Clock) -> None:  # fmt: skip
    log_in(client, clock, make_account(copy, "lead"))
    lines = copy.audit_path.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[2])
    entry["counts"] = {"rows_read": 1}
    lines[2] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    copy.audit_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = client.get("/journal")
    assert page.status_code == 200
    assert "ne se vérifie pas" in page.text and "entry 4" in page.text


def test_no_other_role_reads_the_log(copy: Workspace, client: httpx.Client,
                                     clock: Clock) -> None:  # fmt: skip
    biggest = controllers_by_size(copy)[0]
    for who in (make_account(copy, "controller", biggest), make_account(copy, "agent")):
        client.cookies.clear()
        log_in(client, clock, who)
        assert client.get("/journal").status_code == 403
        assert client.get("/journal", params={"compte": who.login}).status_code == 403
    with copy.connect() as con:
        for who in (Principal("dpo.x", "controller", biggest), Principal("a.b", "agent")):
            with pytest.raises(Denied):
                audit_log(Reader(copy, con, who), AuditFilter(), 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"jour": "2021-02-24"}, AuditFilter(day="2021-02-24")),
        ({"jour": "24/02/2021"}, AuditFilter()),
        ({"personne": "p86bf5efc8bee"}, AuditFilter(person_id="P86BF5EFC8BEE")),
        ({"personne": "' OR 1=1"}, AuditFilter()),
        ({"compte": " M.Durand "}, AuditFilter(login="m.durand")),
        ({"action": "x" * 500}, AuditFilter(verb="x" * 40)),
    ],
)
def test_filters_are_parsed_strictly(query: dict[str, str], expected: AuditFilter) -> None:
    assert AuditFilter.parse(query) == expected
