"""A controller's space in the data layer: its package is notify's own (same bytes), the
not-sent list, the letter template and wording; each person downloaded recorded; no
other controller's space for a controller, every space for the lead, none for an agent."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.console.conftest import controllers_by_size, copy_workspace
from vigie.console import labels
from vigie.console.accounts import Principal
from vigie.console.data import (
    Denied,
    Reader,
    counts_json,
    letter_inputs,
    minors_csv,
    not_sent,
    not_sent_csv,
    package_csv,
    space,
    space_controller,
    spaces,
    template_file,
)
from vigie.console.space import letter_wording
from vigie.notify.filings import slug
from vigie.workspace import Workspace, audit

LEAD = Principal("m.durand", "lead")


@contextmanager
def reader(ws: Workspace, who: Principal) -> Iterator[Reader]:
    with ws.connect() as con:
        yield Reader(ws, con, who)


def dpo_of(name: str) -> Principal:
    return Principal("dpo.x", "controller", name)


def _package(ws: Workspace, name: str) -> Path:
    return ws.out_dir / "notify" / "filings" / "controllers" / slug(name)


def test_a_controller_opens_its_own_space_only(ws: Workspace) -> None:
    mine, *others = controllers_by_size(ws)
    with reader(ws, dpo_of(mine)) as dpo:
        assert [s[0] for s in spaces(dpo)] == [mine]
        assert space_controller(dpo, slug(mine)) == mine
        for other in others:
            assert space_controller(dpo, slug(other)) is None
            assert space(dpo, slug(other)) is None and package_csv(dpo, slug(other)) is None
        for odd in ("", "..", slug(mine).upper(), slug(mine) + "/", "x" * 500):
            assert space_controller(dpo, odd) is None
    with reader(ws, LEAD) as lead:
        assert {s[0] for s in spaces(lead)} == {mine, *others}
        assert all(space_controller(lead, slug(c)) == c for c in others)
    with reader(ws, Principal("a.martin", "agent")) as agent:
        for read in (lambda: spaces(agent), lambda: space(agent, slug(mine)),
                     lambda: package_csv(agent, slug(mine))):  # fmt: skip
            with pytest.raises(Denied):
                read()


def test_the_persons_csv_is_notifys_package_and_each_person_is_recorded(ws: Workspace) -> None:
    name = controllers_by_size(ws)[1]
    with reader(ws, dpo_of(name)) as dpo:
        body = package_csv(dpo, slug(name))
        counts = counts_json(dpo, slug(name))
    assert body == (_package(ws, name) / "persons.csv").read_bytes()  # one code path
    assert counts is not None
    assert json.loads(counts) == json.loads((_package(ws, name) / "counts.json").read_text())
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    entry = audit.read_entries(ws.audit_path)[-1]
    assert entry["verb"] == "view" and entry["params"]["page"] == "export personnes"
    assert entry["params"]["person_ids"] == [r["person_id"] for r in rows]
    assert entry["params"]["by"] == "dpo.x" and entry["params"]["controller"] == name


def test_a_leaked_formula_reaches_the_download_as_text(
    notified: Path, console_env: Path, tmp_path: Path
) -> None:
    copy = copy_workspace(notified, tmp_path / "copy")
    name = controllers_by_size(copy)[0]
    attack = '=HYPERLINK("http://example.org/x","Cliquez")'
    with copy.connect() as con:
        person_id = con.execute(
            "SELECT min(person_id) FROM persons WHERE list_contains(controllers, ?)", [name]
        ).fetchall()[0][0]
        con.execute("UPDATE persons SET surname = ? WHERE person_id = ?", [attack, person_id])
    with reader(copy, dpo_of(name)) as dpo:
        body = package_csv(dpo, slug(name))
    assert body is not None
    row = next(r for r in csv.DictReader(io.StringIO(body.decode())) if r["person_id"] == person_id)
    assert row["surname"] == "'" + attack


def test_the_not_sent_list_is_masked_on_the_page_and_whole_in_the_download(ws: Workspace) -> None:
    name = next(c for c in controllers_by_size(ws) if _not_sent_count(ws, c) > 0)
    with ws.connect(read_only=True) as con:
        raw = con.execute(
            "SELECT p.person_id, p.surname, n.reason FROM persons p JOIN notify_not_sent n "
            "USING (person_id) WHERE list_contains(p.controllers, ?) ORDER BY 1",
            [name],
        ).fetchall()
    with reader(ws, dpo_of(name)) as dpo:
        found = not_sent(dpo, slug(name), 1)
        body = not_sent_csv(dpo, slug(name), labels.NOT_SENT)
    assert found is not None and body is not None
    assert [(r.person_id, r.reason) for r in found.rows] == [(p, r) for p, _, r in raw]
    shown = " ".join(r.name for r in found.rows)
    assert all(surname not in shown for _, surname, _ in raw if len(surname) > 1)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [(r["person_id"], r["surname"], r["reason"]) for r in rows] == raw
    assert {r["motif"] for r in rows} <= set(labels.NOT_SENT.values())
    pages = [e["params"]["page"] for e in audit.read_entries(ws.audit_path)[-2:]]
    assert pages == ["non envoyés", "export non envoyés"]


def _not_sent_count(ws: Workspace, name: str) -> int:
    with ws.connect(read_only=True) as con:
        return int(con.execute(
            "SELECT count(*) FROM notify_not_sent n JOIN persons p USING (person_id) "
            "WHERE list_contains(p.controllers, ?)", [name]).fetchall()[0][0])  # fmt: skip


def test_the_letter_template_is_served_by_name_from_a_fixed_list(ws: Workspace) -> None:
    name, other, *_ = controllers_by_size(ws)
    with reader(ws, dpo_of(name)) as dpo:
        typ = template_file(dpo, slug(name), "letter.typ")
        assert typ == (_package(ws, name) / "letter-template" / "letter.typ").read_bytes()
        for odd in ("../counts.json", "filing.typ", "letter.typ/", "", "LETTER.TYP"):
            assert template_file(dpo, slug(name), odd) is None
        assert template_file(dpo, slug(other), "letter.typ") is None


def test_the_wording_is_notifys_with_the_controller_as_sender(ws: Workspace) -> None:
    name, other, *_ = controllers_by_size(ws)
    with reader(ws, dpo_of(name)) as dpo:
        inputs = letter_inputs(dpo, slug(name))
        assert letter_inputs(dpo, slug(other)) is None
    assert inputs is not None and inputs.controller == name
    text = letter_wording(ws.facts(), inputs, None)
    assert text.adult["sender"]["name"] == name and name in text.adult["happened"]["text"]
    assert text.dpo and text.dpo in text.adult["rights"]["text"]
    assert sum(n for _, _, n in text.tiers) == sum(inputs.tiers.values())
    assert ("identity.last_name", "votre nom", inputs.elements["identity.last_name"]) in (
        text.elements
    )


def test_minors_to_review_are_the_controllers_own(ws: Workspace) -> None:
    with ws.connect(read_only=True) as con:
        rows = con.execute("SELECT controller, person_id FROM notify_minors_review").fetchall()
    for name in {c for c, _ in rows}:
        with reader(ws, dpo_of(name)) as dpo:
            body = minors_csv(dpo, slug(name))
        assert body is not None
        got = [r["person_id"] for r in csv.DictReader(io.StringIO(body.decode()))]
        assert sorted(got) == sorted(p for c, p in rows if c == name)
