"""Verbs of the console: `vigie users ...`, `vigie console`, `vigie audit views`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from vigie.cli import app
from vigie.cli._common import Result, open_workspace, verb, workspace_argument
from vigie.cli.workspace_verbs import audit
from vigie.errors import InputError

login_argument = click.argument("login", metavar="LOGIN")
password_stdin = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the holder's password from stdin (else a one-time password is printed once).",
)


@app.group()
def users() -> None:
    """Console accounts: one per person, no default or shared account.

    \b
    Example:
      vigie users add incident m.durand --role lead
      vigie users add incident dpo.vannes --role controller --controller "Océalab Vannes"
    """


def _stdin_password(wanted: bool) -> str | None:
    if not wanted:
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InputError("--password-stdin: no password on stdin")
    return password


def _handover(login: str, one_time: str | None) -> str:
    if one_time is None:
        return f"{login} logs in with the password given on stdin"
    return (f"one-time password for {login} (shown once; hand it over in person or by "
            f"phone, never by e-mail; changed at first login): {one_time}")  # fmt: skip


@users.command("add")
@workspace_argument
@login_argument
@click.option(
    "--role", required=True, metavar="lead|controller|agent", help="What the account may do."
)
@click.option(
    "--controller", metavar="NAME", help="For role controller: the controller it acts for."
)
@click.option("--totp", is_flag=True, help="Require a TOTP code for an agent too.")
@password_stdin
@verb
def users_add(workspace: Path, login: str, role: str, controller: str | None, totp: bool,
              password_stdin: bool) -> Result:  # fmt: skip
    """Create the console account LOGIN for one named person.

    Lead and controller accounts need a TOTP code: the holder enrols an authenticator
    app at first login (the secret is shown to them only).

    \b
    Example:
      vigie users add incident m.durand --role lead
      vigie users add incident dpo.vannes --role controller --controller "Océalab Vannes"
      printf '%s\\n' "$PASSWORD" | vigie users add incident a.martin --role agent --password-stdin
    """
    from vigie.console.accounts import add_user

    ws = open_workspace(workspace)
    made = add_user(ws, login, role.strip().lower(), controller=controller, totp=totp,
                    password=_stdin_password(password_stdin))  # fmt: skip
    data = {"login": made.login, "role": role, "controller": controller,
            "one_time_password": made.one_time_password,
            "totp_required": made.totp_required}  # fmt: skip
    second = "TOTP enrolled at first login" if made.totp_required else "no TOTP"
    text = (f"account {made.login} created ({role}{', ' + controller if controller else ''}; "
            f"{second})\n{_handover(made.login, made.one_time_password)}\n"
            f"console: vigie console {ws.path}")  # fmt: skip
    return Result(data, text)


@users.command("list")
@workspace_argument
@verb
def users_list(workspace: Path) -> Result:
    """List the console accounts and their state (never a password or a secret).

    \b
    Example:
      vigie users list incident --json
    """
    from vigie.console.accounts import list_users

    rows = list_users(open_workspace(workspace))
    return Result({"users": rows}, "\n".join(_user_line(r) for r in rows) or "no account")


def _user_line(row: dict[str, Any]) -> str:
    state = []
    if row["disabled"]:
        state.append("DISABLED")
    if row["must_change_password"]:
        state.append("one-time password not yet changed")
    if row["totp_required"] and not row["totp_enrolled"]:
        state.append("TOTP not yet enrolled")
    if row["locked_until"] is not None:
        state.append(f"locked until {row['locked_until']:%Y-%m-%d %H:%M}")
    state.append(f"{row['open_sessions']} open session(s)")
    role = row["role"] + (f" ({row['controller']})" if row["controller"] else "")
    return f"{row['login']:<20} {role:<40} {', '.join(state)}"


@users.command("disable")
@workspace_argument
@login_argument
@verb
def users_disable(workspace: Path, login: str) -> Result:
    """Disable LOGIN; its open console sessions end at once.

    \b
    Example:
      vigie users disable incident m.durand
    """
    from vigie.console.accounts import disable_user

    ended = disable_user(open_workspace(workspace), login)
    return Result({"login": login, "sessions_ended": ended},
                  f"account {login} disabled; {ended} session(s) ended")  # fmt: skip


@users.command("enable")
@workspace_argument
@login_argument
@verb
def users_enable(workspace: Path, login: str) -> Result:
    """Enable a disabled account again.

    \b
    Example:
      vigie users enable incident m.durand
    """
    from vigie.console.accounts import enable_user

    enable_user(open_workspace(workspace), login)
    return Result({"login": login}, f"account {login} enabled")


@users.command("reset")
@workspace_argument
@login_argument
@password_stdin
@verb
def users_reset(workspace: Path, login: str, password_stdin: bool) -> Result:
    """New password (one-time unless given) and new TOTP enrolment for LOGIN.

    Its sessions end; a locked account is unlocked.

    \b
    Example:
      vigie users reset incident m.durand
    """
    from vigie.console.accounts import reset_user

    made = reset_user(open_workspace(workspace), login,
                      password=_stdin_password(password_stdin))  # fmt: skip
    data = {"login": login, "one_time_password": made.one_time_password}
    return Result(data, f"account {login} reset\n{_handover(login, made.one_time_password)}")


@app.command()
@workspace_argument
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True, type=int)
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="TLS reverse proxies whose X-Forwarded-For/-Proto are trusted.")  # fmt: skip
@verb
def console(workspace: Path, host: str, port: int, forwarded_allow_ips: str) -> Result:
    """Serve the team's web console over the workspace's store; stop with Ctrl-C.

    Only people with an account (`vigie users add`) get in. It listens on loopback by
    default; to reach it from other machines, put a TLS reverse proxy in front.

    \b
    Example:
      vigie console incident --port 8081
    """
    from vigie.console.server import LOOPBACK, serve

    ws = open_workspace(workspace)
    if host not in LOOPBACK:
        click.echo(f"vigie: warning: the console listens on {host}: put a TLS reverse proxy in "
                   "front of it (docs/console.md); without TLS, passwords and session cookies "
                   "cross the network in clear", err=True)  # fmt: skip
    click.echo(f"vigie: console of {ws.path} on http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    serve(ws, host=host, port=port, forwarded_allow_ips=forwarded_allow_ips)
    return Result({"workspace": str(ws.path), "host": host, "port": port})


@audit.command("views")
@workspace_argument
@click.argument("person_id", metavar="PERSON_ID")
@verb
def audit_views(workspace: Path, person_id: str) -> Result:
    """List who looked at PERSON_ID in the console, from the audit log.

    \b
    Example:
      vigie audit views incident P86BF5EFC8BEE
    """
    from vigie.console.data import views_of

    ws = open_workspace(workspace)
    ws.verify_audit()  # a list from a tampered log would be worthless
    views = views_of(ws.audit_path, person_id)
    lines = [f"{v['time']}  {v['by']:<20} {v['role']:<11} {v['page']} (entry {v['seq']})"
             for v in views]  # fmt: skip
    text = "\n".join(lines) or f"no console view of {person_id} in the audit log"
    return Result({"person_id": person_id, "views": views}, text)
