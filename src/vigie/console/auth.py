"""Logging in and staying in: password, TOTP code, lockout, sessions.

A session is a random token in a cookie; the store keeps only its SHA-256, so a copy of
the store does not let anyone in. Every request looks the session up together with its
account: a disabled account, an idle session (IDLE) or an old one (ABSOLUTE) ends there
and then. A first login (one-time password, TOTP not yet enrolled) opens a "setup"
session that reaches the activation page only; finishing it starts a new session.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pyotp

from vigie.console.accounts import Principal, hash_password, password_matches
from vigie.workspace import Workspace, transaction

MAX_FAILURES = 5  # bad passwords or codes in a row before the account locks
LOCKOUT = timedelta(minutes=15)
IDLE = timedelta(minutes=15)
ABSOLUTE = timedelta(hours=8)  # a working day, then log in again
_TOUCH = timedelta(seconds=30)  # seen_at is written at most this often
_STEP = 30  # seconds per TOTP code


@dataclass(frozen=True)
class Account:
    login: str
    role: str
    controller: str | None
    password_hash: str
    must_change: bool
    totp_required: bool
    totp_secret: str | None
    totp_last_step: int | None
    disabled: bool
    locked_until: datetime | None

    @property
    def needs_setup(self) -> bool:
        return self.must_change or (self.totp_required and self.totp_secret is None)


@dataclass(frozen=True)
class Session:
    token_hash: str
    principal: Principal
    stage: str  # "setup" (first login) or "active"
    csrf: str
    pending_totp: str | None
    must_change: bool
    needs_totp: bool


@functools.cache
def _decoy() -> str:
    return hash_password(secrets.token_hex(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account(con: duckdb.DuckDBPyConnection, login: str) -> Account | None:
    rows = con.execute(
        "SELECT login, role, controller, password_hash, must_change, totp_required, "
        "totp_secret, totp_last_step, disabled, locked_until FROM console_users "
        "WHERE login = ?",
        [login],
    ).fetchall()
    return Account(*rows[0]) if rows else None


def totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step the code belongs to (now, or one step either side for clock drift)."""
    # Digits as typed with any keyboard (NFKC: full-width "１" is "1"); ASCII ones only:
    # other scripts' digits pass isdigit() and made compare_digest raise (a 500).
    code = "".join(ch for ch in unicodedata.normalize("NFKC", code) if ch in "0123456789")
    if len(code) != 6:
        return None
    totp, current = pyotp.TOTP(secret), int(now.timestamp()) // _STEP
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * _STEP), code):
            return step
    return None


def check_credentials(
    found: Account | None, password: str, code: str, now: datetime
) -> tuple[bool, int | None]:
    """(accepted, TOTP step used). Slow on purpose (Argon2id): call with the store closed.

    A locked or disabled account is refused like a wrong password, and a code already
    used (same step or older) is refused: a code seen over a shoulder cannot be replayed.
    """
    if found is None:
        password_matches(_decoy(), password)  # an unknown login costs the same time
        return False, None
    matches = password_matches(found.password_hash, password)
    if found.disabled or (found.locked_until is not None and found.locked_until > now):
        return False, None
    step = None
    if found.totp_secret is not None:
        step = totp_step(found.totp_secret, code, now)
        if step is None or (found.totp_last_step is not None and step <= found.totp_last_step):
            return False, None
    return matches, step


def record_failure(
    ws: Workspace, con: duckdb.DuckDBPyConnection, login: str, now: datetime
) -> bool:
    """Count a failed login of an existing account; True when it locks the account now."""
    rows = con.execute(
        "UPDATE console_users SET failures = failures + 1 WHERE login = ? AND "
        "(locked_until IS NULL OR locked_until <= ?) RETURNING failures",
        [login, now],
    ).fetchall()
    if not rows or rows[0][0] < MAX_FAILURES:
        return False
    con.execute(
        "UPDATE console_users SET failures = 0, locked_until = ? WHERE login = ?",
        [now + LOCKOUT, login],
    )
    ws.record("console lockout", {"login": login}, {"failures": MAX_FAILURES}, con=con)
    return True


def log_in(
    ws: Workspace, con: duckdb.DuckDBPyConnection, found: Account, step: int | None, now: datetime
) -> str:
    """Start a session for an account whose credentials were accepted; returns its token."""
    con.execute(
        "UPDATE console_users SET failures = 0, totp_last_step = coalesce(?, totp_last_step) "
        "WHERE login = ?",
        [step, found.login],
    )
    stage = "setup" if found.needs_setup else "active"
    token = start(con, found.login, stage, now)
    ws.record("console login", {"login": found.login, "stage": stage}, {}, con=con)
    return token


def start(
    con: duckdb.DuckDBPyConnection,
    login: str,
    stage: str,
    now: datetime,
    pending_totp: str | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    con.execute(
        "INSERT INTO console_sessions VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        [token_hash(token), login, stage, secrets.token_urlsafe(24), pending_totp, now, now],
    )
    return token


def current(
    con: duckdb.DuckDBPyConnection, token: str | None, now: datetime, *, touch: bool = True
) -> Session | None:
    """The live session of `token`, or None (and the session ended if it just expired);
    `touch=False` leaves its idle time running (a request the person did not make)."""
    if not token or len(token) > 100:
        return None
    hashed = token_hash(token)
    rows = con.execute(
        "SELECT s.stage, s.csrf, s.pending_totp, s.created_at, s.seen_at, u.login, u.role, "
        "u.controller, u.disabled, u.must_change, u.totp_required AND u.totp_secret IS NULL "
        "FROM console_sessions s JOIN console_users u USING (login) "
        "WHERE s.token_hash = ? AND s.ended_at IS NULL",
        [hashed],
    ).fetchall()
    if not rows:
        return None
    stage, csrf, pending, created, seen, login, role, controller, disabled, change, enrol = rows[0]
    reason = _expired(disabled, created, seen, now)
    if reason:
        end(con, hashed, reason, now)
        return None
    if touch and now - seen > _TOUCH:
        con.execute("UPDATE console_sessions SET seen_at = ? WHERE token_hash = ?", [now, hashed])
    principal = Principal(login, role, controller)
    return Session(hashed, principal, stage, csrf, pending, bool(change), bool(enrol))


def _expired(disabled: bool, created: datetime, seen: datetime, now: datetime) -> str | None:
    if disabled:
        return "disabled"
    if now - seen > IDLE:
        return "idle"
    if now - created > ABSOLUTE:
        return "expired"
    return None


def end(con: duckdb.DuckDBPyConnection, hashed: str, reason: str, now: datetime) -> None:
    con.execute(
        "UPDATE console_sessions SET ended_at = ?, end_reason = ? WHERE token_hash = ? "
        "AND ended_at IS NULL",
        [now, reason, hashed],
    )


def set_pending_totp(con: duckdb.DuckDBPyConnection, session: Session, secret: str) -> None:
    con.execute(
        "UPDATE console_sessions SET pending_totp = ? WHERE token_hash = ?",
        [secret, session.token_hash],
    )


def finish_setup(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    session: Session,
    changes: dict[str, Any],
    now: datetime,
) -> str:
    """Store the new password hash and/or TOTP secret, end the setup session and start an
    active one (a new token: the one used before the change is worth nothing)."""
    login = session.principal.login
    with transaction(con):
        if "password_hash" in changes:
            con.execute(
                "UPDATE console_users SET password_hash = ?, must_change = false, "
                "changed_at = ? WHERE login = ?",
                [changes["password_hash"], now, login],
            )
        if "totp_secret" in changes:
            con.execute(
                "UPDATE console_users SET totp_secret = ?, totp_last_step = ?, changed_at = ? "
                "WHERE login = ?",
                [changes["totp_secret"], changes["totp_step"], now, login],
            )
        end(con, session.token_hash, "setup done", now)
        token = start(con, login, "active", now)
    done = sorted(k for k in ("password_hash", "totp_secret") if k in changes)
    params = {
        "login": login,
        "password_changed": "password_hash" in done,
        "totp_enrolled": "totp_secret" in done,
    }
    ws.record("console activation", params, {}, con=con)
    return token
