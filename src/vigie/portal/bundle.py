"""The portal bundle: everything the public service needs, nothing personal.

A bundle is a folder: `bundle.json` (hash parameters, issuers with their official
contact, the public wording of the incident, public keys, base URL) and `codes.tsv`
(portal hash, letter reference, issuer number, date). It is rebuilt whole from the store
each time, so a rebuild after a reissue or resends holds every code ever issued.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from vigie.errors import ConfigError, StoreError
from vigie.portal import hashes, signing
from vigie.portal.texts import public_incident
from vigie.workspace import Workspace, table_exists

FORMAT = 1
META = "bundle.json"
CODES = "codes.tsv"


@dataclass(frozen=True)
class Issuer:
    name: str
    contact: str


@dataclass(frozen=True)
class Letter:
    reference: str
    issuer: Issuer
    issued_on: date


@dataclass
class Bundle:
    """A loaded bundle: code lookup by portal hash, and the public texts."""

    salt: bytes
    iterations: int
    issuers: list[Issuer]
    incident: dict[str, Any]
    base_url: str | None
    built_at: str
    codes: dict[bytes, tuple[str, int, date]]
    public_keys: dict[str, str]

    def public_key(self, name: str) -> bytes | None:
        value = self.public_keys.get(name)
        return base64.b64decode(value) if value else None

    def verify(self, text: str) -> Letter | None:
        """The letter a genuine code belongs to, None for anything else (never raises)."""
        if len(text) > 64:  # a code is 14 characters; longer is not worth hashing
            return None
        digest = hashes.portal_hash(self.salt, self.iterations, text)
        found = self.codes.get(bytes.fromhex(digest)) if digest else None
        if found is None:
            return None
        reference, issuer, issued_on = found
        return Letter(reference, self.issuers[issuer], issued_on)


def _issuers(facts: dict[str, Any]) -> list[Issuer]:
    from vigie.notify.run import controllers_of

    dpo, fallback = controllers_of(facts)
    listed = [Issuer(name, contact) for name, contact in dpo.items()]
    if fallback not in dpo:
        listed.append(Issuer(fallback, ""))
    return listed


def _code_rows(
    ws: Workspace,
) -> tuple[tuple[bytes, int], list[tuple[str, str, str, date]], dict[str, bytes]]:
    from vigie.portal.requests import public_of, sealing_key

    with ws.connect() as con:
        params = hashes.load_params(con, create=False)
        if params is None or not table_exists(con, "portal_codes"):
            raise StoreError("no letters with portal hashes yet: run `vigie notify WS` first")
        rows = con.execute(
            "SELECT p.portal_hash, p.letter_id, c.issuer, c.issued_on FROM portal_codes p "
            "JOIN notify_codes c USING (letter_id) ORDER BY p.letter_id"
        ).fetchall()
        private = sealing_key(con, create=True)
        qr_private = signing.signing_key(con, create=True)
    assert private is not None and qr_private is not None
    keys = {"sealed_requests": public_of(private), "qr_signing": signing.public_of(qr_private)}
    return (
        params,
        [(str(h), str(lid), str(who), day) for h, lid, who, day in rows],
        keys,
    )


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def build_bundle(ws: Workspace, output: Path, base_url: str | None = None) -> dict[str, Any]:
    """Write the bundle for every code issued so far; returns counts for the CLI."""
    started = time.monotonic()
    facts = ws.facts()
    issuers = _issuers(facts)
    number = {issuer.name: i for i, issuer in enumerate(issuers)}
    (salt, rounds), rows, keys = _code_rows(ws)
    lines = []
    for digest, reference, issuer, issued_on in rows:
        if issuer not in number:  # a controller renamed in the facts after the letters
            number[issuer] = len(issuers)
            issuers.append(Issuer(issuer, ""))
        lines.append(f"{digest}\t{reference}\t{number[issuer]}\t{issued_on.isoformat()}\n")
    meta = {
        "format": FORMAT,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "base_url": base_url,
        "hash": {
            "algorithm": "pbkdf2-sha256",
            "salt": salt.hex(),
            "iterations": rounds,
            "bytes": hashes.HASH_BYTES,
        },
        "issuers": [{"name": i.name, "contact": i.contact} for i in issuers],
        "incident": public_incident(facts),
        # Public halves only: self-check requests are sealed to one, QR codes signed with
        # the other's private half; both private keys stay in the store.
        "public_keys": {k: base64.b64encode(v).decode("ascii") for k, v in keys.items()},
    }
    output.mkdir(parents=True, exist_ok=True)
    _write(output / CODES, "".join(lines).encode("ascii"))
    _write(output / META, json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8"))
    params = {"output": str(output), "base_url": base_url}
    ws.record("portal build", params, {"codes": len(lines)}, started=started)
    return {"codes": len(lines), "issuers": len(issuers), "output": str(output)}


def load_bundle(folder: Path) -> Bundle:
    """Read a bundle folder (no store, no key needed)."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        raw = (folder / CODES).read_text(encoding="ascii")
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{folder}: not a portal bundle ({type(exc).__name__})") from None
    if meta.get("format") != FORMAT:
        raise ConfigError(f"{folder}: bundle format {meta.get('format')!r}, expected {FORMAT}")
    days: dict[str, date] = {}
    table: dict[bytes, tuple[str, int, date]] = {}
    for line in raw.splitlines():
        digest, reference, issuer, day = line.split("\t")
        issued_on = days.setdefault(day, date.fromisoformat(day))
        table[bytes.fromhex(digest)] = (reference, int(issuer), issued_on)
    return Bundle(
        salt=bytes.fromhex(meta["hash"]["salt"]),
        iterations=int(meta["hash"]["iterations"]),
        issuers=[Issuer(i["name"], i["contact"]) for i in meta["issuers"]],
        incident=meta["incident"],
        base_url=meta.get("base_url"),
        built_at=meta["built_at"],
        codes=table,
        public_keys=dict(meta.get("public_keys") or {}),
    )
