"""Console accounts: one per person, kept in the encrypted store (`console_users`).

No default account and no shared one: each is created by `vigie users add` for a named
person. Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106); when none
is given, a one-time password is generated, printed once and must be changed at first
login. Lead and controller accounts (and agents made with `--totp`) need a TOTP code
(RFC 6238); the holder enrols at first login, so the secret is shown to them only, never
in a terminal. Every change is audited with the login, never a password or a secret.
"""

from __future__ import annotations

import difflib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vigie.errors import InputError
from vigie.workspace import Workspace, table_exists, transaction
from vigie.workspace.store import scalar

ROLES = ("lead", "controller", "agent")
MIN_PASSWORD = 12
# Names of a function or a group, not of a person: an account is someone's.
GENERIC = {
    "admin",
    "administrateur",
    "administrator",
    "root",
    "user",
    "guest",
    "test",
    "demo",
    "lead",
    "controller",
    "agent",
    "shared",
    "team",
    "equipe",
    "accueil",
    "standard",
    "dpo",
    "support",
    "vigie",
}
_LOGIN = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread

DDL = (
    """CREATE TABLE IF NOT EXISTS console_users (
        login VARCHAR, role VARCHAR, controller VARCHAR, password_hash VARCHAR,
        must_change BOOLEAN, totp_required BOOLEAN, totp_secret VARCHAR,
        totp_last_step BIGINT, disabled BOOLEAN, failures INTEGER, locked_until TIMESTAMPTZ,
        created_at TIMESTAMPTZ, changed_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS console_sessions (
        token_hash VARCHAR, login VARCHAR, stage VARCHAR, csrf VARCHAR, pending_totp VARCHAR,
        created_at TIMESTAMPTZ, seen_at TIMESTAMPTZ, ended_at TIMESTAMPTZ, end_reason VARCHAR)""",
)

_hasher = PasswordHasher()  # Argon2id, t=3, m=64 MiB, p=4


@dataclass(frozen=True)
class Principal:
    """Who is asking: what every read of the data layer is scoped by."""

    login: str
    role: str
    controller: str | None = None


@dataclass(frozen=True)
class Handover:
    """What to give the holder of a new or reset account."""

    login: str
    one_time_password: str | None  # None when the holder gave theirs on stdin
    totp_required: bool


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    """Four groups of four characters (~79 bits), easy to read out and type."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


# Why a password is refused: (for the CLI, for the first-login page).
PASSWORD_RULES = {
    "short": (
        f"at least {MIN_PASSWORD} characters",
        f"Le mot de passe doit compter au moins {MIN_PASSWORD} caractères.",
    ),
    "login": ("it contains the login", "Le mot de passe ne doit pas contenir l'identifiant."),
}


def password_problem(login: str, password: str) -> str | None:
    """The PASSWORD_RULES key a chosen password breaks, if any."""
    if len(password) < MIN_PASSWORD:
        return "short"
    if login.lower() in password.lower():
        return "login"
    return None


def _check_password(login: str, password: str | None) -> None:
    if password is not None and (problem := password_problem(login, password)):
        raise InputError(f"password refused: {PASSWORD_RULES[problem][0]}")


def known_controllers(ws: Workspace, con: duckdb.DuckDBPyConnection) -> set[str]:
    """The incident's controllers: incident.yaml's list and the registries' names."""
    names = {
        str(c.get("name", "")).strip()
        for c in ws.facts().get("controllers") or []
        if isinstance(c, dict)
    }
    if table_exists(con, "_registries"):
        names |= {
            r[0] for r in con.execute("SELECT DISTINCT controller FROM _registries").fetchall()
        }
    return {n for n in names if n}


def _check_new(
    ws: Workspace, con: duckdb.DuckDBPyConnection, login: str, role: str, controller: str | None
) -> None:
    """Every fault of a new account at once, in one line."""
    problems = []
    if not _LOGIN.match(login):
        problems.append(
            f"login {login[:40]!r}: 2-40 characters, a lower-case letter first, then "
            "letters, digits, '.', '_' or '-' (e.g. m.durand)"
        )
    elif login in GENERIC:
        problems.append(f"login {login!r} names a function, not a person: use e.g. m.durand")
    elif _row(con, login) is not None:
        problems.append(f"login {login!r} already exists")
    if role not in ROLES:
        problems.append(f"unknown role {role[:20]!r} (lead, controller or agent)")
    elif role == "controller" and not controller:
        problems.append("role controller needs --controller NAME (the controller it acts for)")
    elif role != "controller" and controller:
        problems.append(f"--controller is for role controller only, not {role}")
    if role == "controller" and controller:
        known = known_controllers(ws, con)
        if controller not in known:
            near = difflib.get_close_matches(controller, sorted(known), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f" ({len(known)} known)"
            problems.append(f"unknown controller {controller[:80]!r}{hint}")
    if problems:
        raise InputError("; ".join(problems))


def _row(con: duckdb.DuckDBPyConnection, login: str) -> tuple[Any, ...] | None:
    rows = con.execute(
        "SELECT login, role, controller, disabled FROM console_users WHERE login = ?", [login]
    ).fetchall()
    return rows[0] if rows else None


def add_user(
    ws: Workspace,
    login: str,
    role: str,
    *,
    controller: str | None = None,
    password: str | None = None,
    totp: bool = False,
) -> Handover:
    """Create an account; without `password`, a one-time password to hand over."""
    login = login.strip()
    controller = controller.strip() if controller else None
    _check_password(login, password)
    given = password
    password = password or one_time_password()
    hashed = hash_password(password)  # before the store is opened: it takes ~0.3 s
    with ws.connect(wait=5) as con:
        ensure_tables(con)
        _check_new(ws, con, login, role, controller)
        needs_totp = role in ("lead", "controller") or totp
        with transaction(con):
            con.execute(
                "INSERT INTO console_users VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, false, 0, "
                "NULL, ?, ?)",
                [login, role, controller, hashed, given is None, needs_totp, _now(), _now()],
            )
        params = {"login": login, "role": role, "controller": controller, "totp": needs_totp}
        ws.record("users add", params, {"users": 1}, con=con)
    return Handover(login, None if given else password, needs_totp)


def list_users(ws: Workspace) -> list[dict[str, Any]]:
    """Accounts and their state; never a hash or a secret."""
    with ws.connect(read_only=True, wait=5) as con:
        if not table_exists(con, "console_users"):
            return []
        rows = con.execute(
            "SELECT u.login, u.role, u.controller, u.disabled, u.must_change, u.totp_required, "
            "u.totp_secret IS NOT NULL, u.locked_until, u.created_at, "
            "(SELECT count(*) FROM console_sessions s WHERE s.login = u.login "
            "AND s.ended_at IS NULL) FROM console_users u ORDER BY u.login"
        ).fetchall()
    keys = (
        "login",
        "role",
        "controller",
        "disabled",
        "must_change_password",
        "totp_required",
        "totp_enrolled",
        "locked_until",
        "created_at",
        "open_sessions",
    )
    return [dict(zip(keys, row, strict=True)) for row in rows]


def disable_user(ws: Workspace, login: str) -> int:
    """Disable an account and end its sessions at once; returns the sessions ended."""
    with ws.connect(wait=5) as con:
        _existing(con, login)
        with transaction(con):
            con.execute(
                "UPDATE console_users SET disabled = true, changed_at = ? WHERE login = ?",
                [_now(), login],
            )
            ended = end_sessions(con, login, "disabled")
        ws.record("users disable", {"login": login}, {"sessions_ended": ended}, con=con)
    return ended


def enable_user(ws: Workspace, login: str) -> None:
    """Enable a disabled account again (its password and TOTP unchanged)."""
    with ws.connect(wait=5) as con:
        _existing(con, login)
        with transaction(con):
            con.execute(
                "UPDATE console_users SET disabled = false, failures = 0, locked_until = NULL, "
                "changed_at = ? WHERE login = ?",
                [_now(), login],
            )
        ws.record("users enable", {"login": login}, {"users": 1}, con=con)


def reset_user(ws: Workspace, login: str, *, password: str | None = None) -> Handover:
    """A new password (one-time unless given) and a new TOTP enrolment at next login, the
    account unlocked and its sessions ended (a forgotten password, a lost phone). A
    disabled account stays disabled (`vigie users enable`)."""
    _check_password(login, password)
    given = password
    password = password or one_time_password()
    hashed = hash_password(password)
    with ws.connect(wait=5) as con:
        _existing(con, login)
        totp = bool(scalar(con, "SELECT totp_required FROM console_users WHERE login = ?", [login]))
        with transaction(con):
            con.execute(
                "UPDATE console_users SET password_hash = ?, must_change = ?, totp_secret = NULL, "
                "totp_last_step = NULL, failures = 0, locked_until = NULL, "
                "changed_at = ? WHERE login = ?",
                [hashed, given is None, _now(), login],
            )
            ended = end_sessions(con, login, "reset")
        ws.record("users reset", {"login": login}, {"sessions_ended": ended}, con=con)
    return Handover(login, None if given else password, totp)


def end_sessions(con: duckdb.DuckDBPyConnection, login: str, reason: str) -> int:
    rows = con.execute(
        "UPDATE console_sessions SET ended_at = ?, end_reason = ? WHERE login = ? "
        "AND ended_at IS NULL RETURNING 1",
        [_now(), reason, login],
    ).fetchall()
    return len(rows)


def _existing(con: duckdb.DuckDBPyConnection, login: str) -> None:
    ensure_tables(con)
    if _row(con, login) is None:
        raise InputError(f"no account {login[:40]!r} (vigie users list)")


def _now() -> datetime:
    return datetime.now(UTC)
