"""The operator's side of "Suis-je concerné ?": the key pair, and opening sealed requests.

The private key lives in the encrypted store (table portal_keys); the bundle publishes the
public key only. `open_requests` reads a file of sealed lines written by the portal.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb

from vigie.workspace import table_exists

KEYS_DDL = "CREATE TABLE IF NOT EXISTS portal_keys (purpose VARCHAR PRIMARY KEY, private BLOB)"


def sealing_key(con: duckdb.DuckDBPyConnection, *, create: bool) -> bytes | None:
    """The private key that opens sealed requests (made on first use when `create`)."""
    from nacl.public import PrivateKey

    if not table_exists(con, "portal_keys"):
        if not create:
            return None
        con.execute(KEYS_DDL)
    rows = con.execute("SELECT private FROM portal_keys WHERE purpose = 'sealed'").fetchall()
    if rows:
        return bytes(rows[0][0])
    if not create:
        return None
    private = bytes(PrivateKey.generate())
    con.execute("INSERT INTO portal_keys VALUES ('sealed', ?)", [private])
    return private


def public_of(private: bytes) -> bytes:
    from nacl.public import PrivateKey

    return bytes(PrivateKey(private).public_key)


def open_requests(private: bytes, path: Path) -> tuple[list[dict[str, Any]], int]:
    """The requests that open with the key, and how many lines did not (damaged, forged)."""
    opened, bad = open_sealed_lines(private, path)
    return [request for _, request in opened], bad


def open_sealed_lines(private: bytes, path: Path) -> tuple[list[tuple[str, dict[str, str]]], int]:
    """(digest of the sealed line, request) for each line that opens, and how many did not.
    A line is its own identity: every sealed box has a fresh ephemeral key, so two requests
    never share bytes, and an import can skip the lines it has answered before."""
    from nacl.exceptions import CryptoError
    from nacl.public import PrivateKey, SealedBox

    box = SealedBox(PrivateKey(private))
    opened: list[tuple[str, dict[str, str]]] = []
    bad = 0
    for line in path.read_bytes().splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            data = json.loads(box.decrypt(base64.b64decode(line, validate=True)))
        except (CryptoError, binascii.Error, ValueError):
            bad += 1
            continue
        if isinstance(data, dict):
            digest = hashlib.sha256(line).hexdigest()
            opened.append((digest, {str(k): str(v) for k, v in data.items()}))
        else:
            bad += 1
    return opened, bad
