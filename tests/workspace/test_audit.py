"""The audit log is a hash chain: any edit, removal or reordering is named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from vigie.errors import IntegrityError
from vigie.workspace import Workspace, audit


def _with_entries(ws: Workspace, n: int) -> list[str]:
    for i in range(n):
        ws.record("ingest", {"file": f"part{i}.csv"}, {"rows": i})
    return ws.audit_path.read_text().splitlines()


def _write(ws: Workspace, lines: list[str]) -> None:
    ws.audit_path.write_text("".join(line + "\n" for line in lines))


def test_intact_log_verifies(workspace: Workspace) -> None:
    _with_entries(workspace, 4)
    assert workspace.verify_audit() == 5  # init + 4


def test_edited_entry_is_named(workspace: Workspace) -> None:
    lines = _with_entries(workspace, 4)
    entry = json.loads(lines[2])
    entry["counts"]["rows"] = 999
    lines[2] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    _write(workspace, lines)
    with pytest.raises(IntegrityError, match=r"entry 4 .*does not chain to entry 3"):
        workspace.verify_audit()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda ls: ls[:2] + ls[3:], "entry 3 .*sequence 4 where 3"),
        (lambda ls: [ls[0], ls[2], ls[1], *ls[3:]], "entry 2 .*sequence 3 where 2"),
        (lambda ls: ls[:-1], "removed from the end"),
        (lambda ls: [*ls[:-1], ls[-1].replace('"rows": 3', '"rows": 4')], "entry 5 was edited"),
        (lambda ls: [ls[0], "not json", *ls[2:]], "entry 2 .*not a JSON entry"),
    ],
    ids=["removed", "reordered", "truncated", "last-edited", "garbage"],
)
def test_tampering_is_detected(workspace: Workspace, change, message: str) -> None:  # type: ignore[no-untyped-def]
    lines = _with_entries(workspace, 4)
    _write(workspace, change(lines))
    with pytest.raises(IntegrityError, match=message):
        workspace.verify_audit()


def test_entries_hold_no_values_only_what_the_verb_passed(workspace: Workspace) -> None:
    _with_entries(workspace, 1)
    last = json.loads(workspace.audit_path.read_text().splitlines()[-1])
    assert set(last) == {"seq", "time", "verb", "params", "counts", "prev"}


def test_entry_of_a_command_killed_before_its_store_write_still_verifies(
    workspace: Workspace,
) -> None:
    # A kill between appending the entry and committing the store's head leaves the log
    # one entry ahead of the head: that is an interruption, not tampering.
    _with_entries(workspace, 2)
    audit.append(workspace.audit_path, "ingest", {"file": "killed.csv"}, {})
    assert workspace.verify_audit() == 4
    workspace.record("ingest", {"file": "again.csv"}, {})
    assert workspace.verify_audit() == 5


def test_log_ahead_of_the_head_still_catches_removed_acknowledged_entries(
    workspace: Workspace,
) -> None:
    lines = _with_entries(workspace, 2)
    audit.append(workspace.audit_path, "ingest", {"file": "killed.csv"}, {})
    _write(workspace, lines[:-1])
    with pytest.raises(IntegrityError, match="removed from the end"):
        workspace.verify_audit()


def test_a_note_chains_and_moves_the_head_without_a_run(workspace: Workspace) -> None:
    with workspace.connect() as con:
        workspace.note("view", {"by": "m.durand", "person_id": "P1", "page": "personne"}, con)
        runs = con.execute("SELECT count(*) FROM _runs").fetchall()[0][0]
    assert runs == 1  # init only
    last = audit.read_entries(workspace.audit_path)[-1]
    assert last["verb"] == "view" and last["params"]["person_id"] == "P1"
    assert workspace.verify_audit() == 2
    assert workspace.audit_head() == audit.AuditHead(
        2, audit.digest_line(workspace.audit_path.read_text().splitlines()[-1])
    )


def _links(path: Path) -> tuple[tuple[int, str], tuple[int, str]]:
    """(from the last line, from the whole log) for the entry to append to `path`."""
    from vigie.workspace.audit import _next_link, _next_link_by_reading_all

    with open(path, "rb") as handle:
        return _next_link(handle), _next_link_by_reading_all(handle)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text,  # intact
        lambda text: "",  # empty
        lambda text: text + "\n\n",  # blank lines at the end
        lambda text: text[:-1],  # no final newline (a write cut short)
        lambda text: text[: len(text) // 2 + 7],  # cut mid-entry
        lambda text: text + "not json\n",
        lambda text: text + '{"seq": "x"}\n',
        lambda text: text + json.dumps({"seq": 31, "pad": "é" * 70_000}) + "\n",  # > one block
    ],
)
def test_append_reads_the_tail_and_agrees_with_the_whole_log(
    tmp_path: Path, damage: Callable[[str], str]
) -> None:
    path = tmp_path / "audit.jsonl"
    for n in range(30):
        audit.append(path, "view", {"by": "m.durand", "person_id": f"P{n:012X}"})
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    fast, slow = _links(path)
    assert fast == slow


def test_a_long_log_appends_in_the_same_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    for n in range(3_000):  # past several tail blocks
        head = audit.append(path, "view", {"by": "m.durand", "person_ids": [f"P{n:012X}"] * 5})
    assert audit.verify(path, head) == 3_000


def test_a_forged_last_sequence_is_continued_and_verification_names_it(tmp_path: Path) -> None:
    """Only a log that verifies is read from its tail alone; one whose last entry lies
    about its place gets the next number after the lie, and the chain still breaks there."""
    path = tmp_path / "audit.jsonl"
    for n in range(5):
        audit.append(path, "view", {"n": n})
    with path.open("a", encoding="utf-8") as log:
        log.write(json.dumps({"seq": 1, "prev": "0" * 64}) + "\n")
    audit.append(path, "view", {"n": 6})
    with pytest.raises(IntegrityError, match="entry 6"):
        audit.verify(path)
