"""Letters in parallel across machines: `vigie notify WS --shard I/N` renders the letters of
shard I of N only; `vigie notify WS --merge DIR…` (shard_merge.py) checks the N shard
folders and records them in the store as one issue.

A person's shard is fixed by their id alone (the first 60 bits of MD5(person_id), modulo
N), so each machine loads and plans only its own persons, and a person lands in exactly
one shard whatever the other machines do. Letter numbers interleave: the k-th letter of
shard I is number (k - 1) × N + I, so ids never collide and the number modulo N names
the shard. Each shard uses the workspace's code secret, portal salt and QR signing key
(made on first use, under the store's write lock), so every code verifies after the merge.

A shard writes nothing to the store: its folder (`WS/out/notify/shards/issue-NN/
shard-I-of-N/`) holds the batch PDFs, manifest, not-sent list, e-mail and SMS variants,
the store rows in `records.duckdb` (encrypted with the workspace's key) and, written last,
`shard.json` (what the merge checks). A shard killed half-way has no shard.json; running
it again clears its folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import ConfigError, StoreError
from vigie.notify import codes, letters, records
from vigie.notify.issue import MANIFEST_FIELDS, IssueSpec, write_files
from vigie.notify.minors import VARIANTS, MinorsPolicy
from vigie.notify.people import Planned, load_people, plan, reconcile
from vigie.notify.run import NOTIFY_DIR, NotifyOptions, issue_spec
from vigie.portal import hashes as portal_hashes
from vigie.portal import signing
from vigie.spreadsheet import csv_bytes
from vigie.workspace import Workspace
from vigie.workspace import keys as ws_keys
from vigie.workspace.store import connect as store_connect

log = logging.getLogger(__name__)

FORMAT = 1
META = "shard.json"
RECORDS = "records.duckdb"
SHARDS_DIR = "shards"
MAX_SHARDS = 9999
# Shards started together on one machine take the store in turn for a few seconds each.
WAIT_SECONDS = 600.0
# The store tables a shard fills, with their columns (the store's own DDL makes them).
TABLES: dict[str, tuple[str, ...]] = {
    "notify_letters": records.LETTER_COLUMNS,
    "notify_not_sent": ("issue", "person_id", "reason"),
    "notify_codes": ("code_hash", "letter_id", "issuer", "issued_on"),
    "notify_minors_review": records.REVIEW_COLUMNS,
    "portal_codes": ("portal_hash", "letter_id"),
}
DDL = (*records.DDL, codes.CODES_DDL, portal_hashes.CODES_DDL)


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`I/N` with 1 <= I <= N."""
        head, _, tail = text.strip().partition("/")
        try:
            index, count = int(head), int(tail)
        except ValueError:
            raise ConfigError(f"--shard: give I/N, e.g. 2/3 (not {text[:20]!r})") from None
        if not 1 <= index <= count <= MAX_SHARDS:
            raise ConfigError(f"--shard {index}/{count}: I must be between 1 and N <= {MAX_SHARDS}")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def folder(self) -> str:
        return f"shard-{self.index}-of-{self.count}"

    @property
    def prefix(self) -> str:
        """Put before the shard's batch names once merged (`s2-batch-0001`)."""
        return f"s{self.index:0{len(str(self.count))}d}-"

    def where(self, column: str = "p.person_id") -> str:
        """The SQL condition selecting this shard's persons (integers only, no input)."""
        return f"{shard_sql(column, self.count)} = {self.index}"

    def numbers(self, letters: int) -> list[int]:
        return [k * self.count + self.index for k in range(letters)]


def shard_sql(column: str, count: int) -> str:
    """SQL for the 1-based shard of a person id (same as shard_of)."""
    return f"(('0x' || substr(md5({column}), 1, 15))::BIGINT % {int(count)} + 1)"


def shard_of(person_id: str, count: int) -> int:
    """The 1-based shard of a person id among `count`: stable on every machine."""
    return int(hashlib.md5(person_id.encode("utf-8")).hexdigest()[:15], 16) % count + 1


def fingerprint(secret: bytes) -> str:
    """Tells two copies of a key apart without revealing it."""
    return hashlib.sha256(b"vigie shard fingerprint\0" + secret).hexdigest()[:16]


def template_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Keys:
    """The workspace's secrets a shard needs: the same on every machine."""

    secret: bytes
    signing: bytes
    salt: bytes
    rounds: int

    def fingerprints(self) -> dict[str, str]:
        return {
            "codes": fingerprint(self.secret),
            "portal": fingerprint(self.salt + str(self.rounds).encode()),
            "qr": fingerprint(self.signing),
        }


def load_keys(con: duckdb.DuckDBPyConnection, *, create: bool) -> Keys | None:
    secret = codes.load_secret(con, create=create)
    signing_key = signing.signing_key(con, create=create)
    params = portal_hashes.load_params(con, create=create)
    if secret is None or signing_key is None or params is None:
        return None
    return Keys(secret, signing_key, *params)


def store_state(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The audit head: the store's state as the last recorded run left it."""
    rows = con.execute("SELECT seq, digest FROM _audit_head").fetchall()
    return {"seq": int(rows[0][0]), "digest": str(rows[0][1])} if rows else {}


@dataclass
class Loaded:
    issue: int
    kind: str
    state: dict[str, Any]
    keys: Keys
    people: int
    planned: list[Planned]
    not_sent: list[tuple[str, str]]


def _load(con: duckdb.DuckDBPyConnection, keys: Keys, on: date, shard: Shard,
          facts: dict[str, Any], reissue: bool) -> Loaded:  # fmt: skip
    done = [i for i in records.issues(con) if i.kind in ("initial", "reissue")]
    if done and not reissue:
        raise StoreError(
            f"letters already issued (issue {done[-1].issue}): nothing to shard; "
            "--reissue for a new issue"
        )
    existing = records.issues(con)
    issue = existing[-1].issue + 1 if existing else 1
    people = load_people(con, on, shard.where())
    planned, not_sent = plan(people, MinorsPolicy.from_facts(facts))
    kind = "reissue" if done else "initial"
    return Loaded(issue, kind, store_state(con), keys, len(people), planned, not_sent)


def _open(ws: Workspace, on: date, shard: Shard, facts: dict[str, Any], reissue: bool) -> Loaded:
    """Read what the shard needs; the store is written only to make missing keys."""
    with ws.connect(read_only=True, wait=WAIT_SECONDS) as con:
        keys = load_keys(con, create=False)
        if keys is not None:
            return _load(con, keys, on, shard, facts, reissue)
    with ws.connect(wait=WAIT_SECONDS) as con:
        made = load_keys(con, create=False)
        if made is None:
            made = load_keys(con, create=True)
            log.warning(
                "made the workspace's code, portal and QR keys: shards rendered on copies of "
                "it taken before now will not merge (docs/scale.md)"
            )
        assert made is not None
        return _load(con, made, on, shard, facts, reissue)


def make_keys(ws: Workspace) -> dict[str, Any]:
    """Make the keys every shard must share, before the workspace is copied to the machines
    that render shards (`vigie notify WS --make-keys`); nothing else changes."""
    with ws.connect(wait=WAIT_SECONDS) as con:
        existed = load_keys(con, create=False) is not None
        keys = load_keys(con, create=True)
        assert keys is not None
        return {"keys": keys.fingerprints(), "made": not existed}


def shard_folder(ws: Workspace, issue: int, shard: Shard) -> Path:
    return ws.out_dir / NOTIFY_DIR / SHARDS_DIR / f"issue-{issue:02d}" / shard.folder


def render_shard(ws: Workspace, options: NotifyOptions, shard: Shard) -> dict[str, Any]:
    """Render shard `shard` of the next issue into its folder; returns its summary."""
    if options.batch_size < 1:
        raise ConfigError("--batch-size: at least 1 letter per PDF")
    started = time.monotonic()
    facts = ws.facts()
    letter_date = options.letter_date or date.today()
    options = replace(options, letter_date=letter_date)
    loaded = _open(ws, letter_date, shard, facts, options.reissue)
    counts = reconcile(loaded.people, len(loaded.planned), loaded.not_sent)
    spec = issue_spec(ws, facts, options, loaded.issue, loaded.kind)
    spec = replace(spec, out=shard_folder(ws, loaded.issue, shard))
    outcome = _write(spec, loaded, shard, ws_keys.load_key(ws.id))
    meta = {
        "format": FORMAT,
        "workspace": ws.id,
        "issue": loaded.issue,
        "kind": loaded.kind,
        "shard": shard.index,
        "of": shard.count,
        "letter_date": letter_date.isoformat(),
        "store_state": loaded.state,
        "keys": loaded.keys.fingerprints(),
        "options": same_options(options, spec.template),
        "persons": loaded.people,
        "not_sent": counts,
        **outcome,
        "seconds": round(time.monotonic() - started, 1),
    }
    letters.write_private(spec.out / META, json.dumps(meta, indent=2).encode("utf-8"))
    return {**meta, "out": str(spec.out)}


def same_options(options: NotifyOptions, template: Path) -> dict[str, Any]:
    """What must be the same in every shard of an issue."""
    return {
        "batch_size": options.batch_size,
        "template": template_digest(template),
        "verify_url": options.verify_url,
        "accessible": options.accessible,
    }


def _write(spec: IssueSpec, loaded: Loaded, shard: Shard, key: str) -> dict[str, Any]:
    """The shard's files, then its records; shard.json (the caller) comes last."""
    if spec.out.exists():
        shutil.rmtree(spec.out)  # left by a run of this shard that did not finish
    spec.out.mkdir(parents=True, mode=0o700)
    planned, keys = loaded.planned, loaded.keys
    made = write_files(spec, planned, keys.secret, keys.signing, (keys.salt, keys.rounds),
                       shard.numbers(len(planned)))  # fmt: skip
    composed, rows = made.composed, made.composed.rows
    manifest = [[r[0], r[3], r[4], r[5], r[6], r[7], r[8]] for r in rows]
    letters.write_private(spec.out / "manifest.csv", csv_bytes(MANIFEST_FIELDS, manifest))
    letters.write_private(
        spec.out / "not_sent.csv", csv_bytes(("person_id", "reason"), loaded.not_sent)
    )
    table_rows: dict[str, list[Any]] = {
        "notify_letters": rows,
        "notify_not_sent": [(spec.issue, pid, reason) for pid, reason in loaded.not_sent],
        "notify_codes": composed.codes,
        "notify_minors_review": composed.review,
        "portal_codes": made.portal_rows,
    }
    _write_records(spec.out / RECORDS, key, table_rows)
    return {
        "letters": len(rows),
        "batches": made.batches,
        "parts": len(composed.parts.items),
        "channels": made.channels,
        "variants": {v: sum(1 for p in planned if p.variant == v) for v in VARIANTS},
        "minors_to_review": len(composed.review),
        "rows": {name: len(found) for name, found in table_rows.items()},
    }


def _write_records(path: Path, key: str, table_rows: dict[str, list[Any]]) -> None:
    """The store rows of the shard, in a DuckDB file encrypted with the workspace's key."""
    con = store_connect(path, key, temp_dir=path.parent / ".tmp")
    try:
        for statement in DDL:
            con.execute(statement)
        for table, found in table_rows.items():
            records.insert_rows(con, table, TABLES[table], found)
        con.execute("CHECKPOINT")
    finally:
        con.close()
        shutil.rmtree(path.parent / ".tmp", ignore_errors=True)
