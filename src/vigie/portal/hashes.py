"""Portal hashes of verification codes: what the public bundle may hold.

The store's code hashes use a secret that must stay in the store, so the portal gets its
own: PBKDF2-HMAC-SHA256 with a per-workspace random salt and ITERATIONS rounds, computed
when the code is issued (the plaintext exists only then). Salt and rounds ship in the
bundle, so anyone holding a bundle can test guesses offline; what keeps that hopeless is
the code space (60 bits) times the rounds, with no precomputation across workspaces
(docs/portal.md works the numbers). A found code reveals a letter reference, an issuer
and a date: nobody's identity.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

import duckdb

from vigie.notify.codes import normalise
from vigie.workspace import table_exists

# 500 rounds: ~0.13 ms per check on one core, what the server pays per verification.
ITERATIONS = 500
HASH_BYTES = 16

PARAMS_DDL = "CREATE TABLE IF NOT EXISTS portal_params (salt BLOB, iterations INTEGER)"
CODES_DDL = (
    "CREATE TABLE IF NOT EXISTS portal_codes (portal_hash VARCHAR PRIMARY KEY, letter_id VARCHAR)"
)


def portal_hash(salt: bytes, iterations: int, code: str) -> str | None:
    """The hex portal hash of a code-shaped text, None for anything else."""
    normal = normalise(code)
    if normal is None:
        return None
    digest = hashlib.pbkdf2_hmac("sha256", normal.encode("ascii"), salt, iterations, HASH_BYTES)
    return digest.hex()


def load_params(con: duckdb.DuckDBPyConnection, *, create: bool) -> tuple[bytes, int] | None:
    """The workspace's (salt, rounds), made on first use when `create`."""
    if not table_exists(con, "portal_params"):
        if not create:
            return None
        con.execute(PARAMS_DDL)
    rows = con.execute("SELECT salt, iterations FROM portal_params").fetchall()
    if rows:
        return bytes(rows[0][0]), int(rows[0][1])
    if not create:
        return None
    salt = secrets.token_bytes(16)
    con.execute("INSERT INTO portal_params VALUES (?, ?)", [salt, ITERATIONS])
    return salt, ITERATIONS


def hash_codes(
    params: tuple[bytes, int], issued: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(portal_hash, letter_id) for (letter_id, plaintext code) pairs being issued, with
    the workspace's (salt, rounds) from load_params: no store needed, so notify runs it in
    a thread while the letters render (PBKDF2 releases the GIL)."""
    salt, rounds = params
    rows = []
    for letter_id, code in issued:
        digest = portal_hash(salt, rounds, code)
        if digest is None:
            raise ValueError("not a verification code")
        rows.append((digest, letter_id))
    return rows


def store_rows(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str]]) -> None:
    from vigie.notify.records import insert_rows

    con.execute(CODES_DDL)
    insert_rows(con, "portal_codes", ("portal_hash", "letter_id"), rows)
