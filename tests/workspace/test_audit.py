"""The audit log is a hash chain: any edit, removal or reordering is named."""

from __future__ import annotations

import json

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
