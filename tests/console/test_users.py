"""`vigie users`: individual accounts in the store, hashed, audited, checked."""

from __future__ import annotations

import json

import pytest

from tests.cli.runner import assert_one_line_error, vigie
from vigie.console import accounts
from vigie.errors import InputError
from vigie.workspace import Workspace

LAB = "Laboratoire exemple"  # the controller of the template incident.yaml


def _stored(ws: Workspace, login: str) -> dict[str, object]:
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT password_hash, must_change, totp_required, totp_secret, controller "
            "FROM console_users WHERE login = ?",
            [login],
        ).fetchall()
    keys = ("hash", "must_change", "totp_required", "totp_secret", "controller")
    return dict(zip(keys, rows[0], strict=True))


def test_a_lead_gets_a_one_time_password_hashed_with_argon2id(workspace: Workspace) -> None:
    made = accounts.add_user(workspace, "m.durand", "lead")
    assert made.one_time_password and len(made.one_time_password) == 19
    assert made.totp_required
    stored = _stored(workspace, "m.durand")
    assert str(stored["hash"]).startswith("$argon2id$")
    assert made.one_time_password not in str(stored["hash"])
    assert stored["must_change"] is True and stored["totp_secret"] is None
    assert accounts.password_matches(str(stored["hash"]), made.one_time_password)


def test_every_users_verb_is_audited_without_a_password(workspace: Workspace) -> None:
    made = accounts.add_user(workspace, "m.durand", "lead")
    reset = accounts.reset_user(workspace, "m.durand")
    accounts.disable_user(workspace, "m.durand")
    accounts.enable_user(workspace, "m.durand")
    log = workspace.audit_path.read_text()
    entries = [json.loads(line) for line in log.splitlines()]
    assert [e["verb"] for e in entries[1:]] == [
        "users add", "users reset", "users disable", "users enable"]  # fmt: skip
    assert all(e["params"]["login"] == "m.durand" for e in entries[1:])
    for secret in (made.one_time_password, reset.one_time_password, "$argon2"):
        assert secret and secret not in log
    assert workspace.verify_audit() == 5


def test_password_from_stdin_is_kept_and_need_not_change(workspace: Workspace) -> None:
    run = vigie("users", "add", str(workspace.path), "a.martin", "--role", "agent",
                "--password-stdin", "--json", stdin="un mot de passe long\n")  # fmt: skip
    assert run.code == 0, run.stderr
    assert run.json()["one_time_password"] is None
    assert run.json()["totp_required"] is False
    stored = _stored(workspace, "a.martin")
    assert stored["must_change"] is False
    assert accounts.password_matches(str(stored["hash"]), "un mot de passe long")


def test_a_controller_account_acts_for_a_known_controller(workspace: Workspace) -> None:
    made = accounts.add_user(workspace, "dpo.exemple", "controller", controller=LAB)
    assert made.totp_required
    assert _stored(workspace, "dpo.exemple")["controller"] == LAB


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["x.y", "--role", "boss"], "", "unknown role 'boss'"),
        (["x.y", "--role", "controller"], "", "role controller needs --controller"),
        (["x.y", "--role", "lead", "--controller", LAB], "", "for role controller only"),
        (["x.y", "--role", "controller", "--controller", "Laboratoire exmple"], "",
         "unknown controller 'Laboratoire exmple'; did you mean 'Laboratoire exemple'?"),
        (["admin", "--role", "lead"], "", "names a function, not a person"),
        (["M Durand", "--role", "lead"], "", "lower-case letter first"),
        (["x.y", "--role", "agent", "--password-stdin"], "court\n", "at least 12 characters"),
        (["x.y", "--role", "agent", "--password-stdin"], "x.y est mon secret\n", "the login"),
        (["x.y", "--role", "agent", "--password-stdin"], "\n", "no password on stdin"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(workspace: Workspace, args: list[str], stdin: str,
                               message: str) -> None:  # fmt: skip
    run = vigie("users", "add", str(workspace.path), *args, stdin=stdin)
    assert_one_line_error(run)
    assert message in run.stderr, run.stderr
    assert "un mot" not in run.stderr


def test_a_duplicate_login_is_refused(workspace: Workspace) -> None:
    accounts.add_user(workspace, "m.durand", "lead")
    with pytest.raises(InputError, match=r"login .m\.durand. already exists"):
        accounts.add_user(workspace, "m.durand", "agent")
    run = vigie("users", "disable", str(workspace.path), "nobody")
    assert_one_line_error(run)
    assert "no account 'nobody'" in run.stderr


def test_list_shows_state_never_secrets(workspace: Workspace) -> None:
    made = accounts.add_user(workspace, "m.durand", "lead")
    accounts.add_user(workspace, "a.martin", "agent")
    accounts.disable_user(workspace, "a.martin")
    run = vigie("users", "list", str(workspace.path))
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("a.martin") and "DISABLED" in lines[0]
    assert "TOTP not yet enrolled" in lines[1] and "one-time password" in lines[1]
    assert made.one_time_password not in run.stdout and "argon2" not in run.stdout
