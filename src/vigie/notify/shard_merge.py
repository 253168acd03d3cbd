"""`vigie notify WS --merge DIR…`: check the N shard folders of an issue and record them as
one issue (shards.py renders them).

Checks, each problem one line, all reported together: every folder a finished shard of
this workspace, of the same issue, N, date, options, keys and store state; every shard
1..N given exactly once; in the rows, every person of `persons` accounted for exactly
once (a letter or a not-sent line), in the shard their id gives, letter ids unique. Then
the files are assembled in `WS/out/notify/issue-NN/` (batch PDFs and e-mails hard-linked
where the file system allows, each batch named after its shard: `s2-batch-0001.pdf`;
manifest, not-sent list and SMS concatenated), the rows go into the store in one
transaction, and the filings are computed once, over the whole.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from vigie.errors import ConfigError, InputError, KeyMissingError
from vigie.notify import records
from vigie.notify.letters import template_dir, write_private
from vigie.notify.people import NOT_SENT_REASONS
from vigie.notify.run import NOTIFY_DIR, NotifyOptions
from vigie.notify.shards import (
    DDL,
    FORMAT,
    META,
    RECORDS,
    SHARDS_DIR,
    TABLES,
    WAIT_SECONDS,
    Shard,
    load_keys,
    same_options,
    shard_sql,
    store_state,
)
from vigie.workspace import Workspace, transaction
from vigie.workspace import keys as ws_keys

# What every shard of one issue must agree on, and how a mismatch reads.
SAME = {
    "workspace": "a shard of another incident",
    "issue": "another issue",
    "kind": "another kind of issue",
    "of": "shards of another N",
    "letter_date": "another letter date",
    "options": "other options (batch size, template, verification URL, accessible)",
    "keys": "other code, portal or QR keys (a workspace copied before its first notify?)",
    "store_state": "another state of the store (a stage ran again between the shards)",
}


@dataclass(frozen=True)
class Part:
    """One shard folder given to the merge."""

    folder: Path
    meta: dict[str, Any]

    @property
    def shard(self) -> Shard:
        return Shard(int(self.meta["shard"]), int(self.meta["of"]))


def merge_shards(ws: Workspace, folders: list[Path], options: NotifyOptions) -> dict[str, Any]:
    """Check and record the shards in `folders` (default: those of the pending issue)."""
    started = time.monotonic()
    parts = _read(folders or _pending(ws))
    first = parts[0].meta
    with ws.connect(wait=WAIT_SECONDS) as con:
        records.ensure_tables(con)
        done = [i for i in records.issues(con) if i.issue == first["issue"]]
        if done:
            return _already(con, done[0])
        _check_store(con, ws, parts, options)
        aliases = _attach(con, parts)
        try:
            _check_rows(con, parts, aliases)
            out = ws.out_dir / NOTIFY_DIR / f"issue-{first['issue']:02d}"
            _assemble(out, parts)
            _record(con, parts, aliases, out)
        finally:
            for alias in aliases:
                con.execute(f"DETACH {alias}")
        from vigie.notify.filings import write_filings

        filings = write_filings(ws, con, ws.facts(), template_dir(options.template))
        result = _summary(parts, out, filings)
        params = {"issue": first["issue"], "kind": first["kind"], "shards": first["of"],
                  **first["options"], "letter_date": first["letter_date"]}  # fmt: skip
        counts = {k: result[k] for k in ("letters", "batches", "variants")}
        ws.record("notify", params, {**counts, **result["not_sent"]}, started=started, con=con)
    return result


def _pending(ws: Workspace) -> list[Path]:
    base = ws.out_dir / NOTIFY_DIR / SHARDS_DIR
    issues = sorted(base.glob("issue-*")) if base.is_dir() else []
    if not issues:
        raise ConfigError(f"no shard folder under {base}: give the shard folders (DIR…)")
    return sorted(p for p in issues[-1].iterdir() if p.is_dir())


def _read(folders: list[Path]) -> list[Part]:
    problems: list[str] = []
    parts: list[Part] = []
    for folder in folders:
        path = Path(folder) / META
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(f"{folder}: no {META} (not a shard folder, or its run did not "
                            "finish: run that shard again)")  # fmt: skip
            continue
        except (OSError, json.JSONDecodeError):
            problems.append(f"{folder}: {META} unreadable")
            continue
        if meta.get("format") != FORMAT:
            problems.append(f"{folder}: shard format {meta.get('format')!r}, expected {FORMAT}")
            continue
        parts.append(Part(Path(folder), meta))
    if parts:
        problems += _agree(parts)
    if problems or not parts:
        raise InputError("; ".join(problems or ["no shard folder given"]))
    return sorted(parts, key=lambda p: p.shard.index)


def _agree(parts: list[Part]) -> list[str]:
    """Every shard like the first, each of 1..N exactly once."""
    first, problems = parts[0], []
    for part in parts[1:]:
        for key, what in SAME.items():
            if part.meta.get(key) != first.meta.get(key):
                problems.append(f"{part.folder}: {what} than {first.folder}")
                break
    if problems:
        return problems
    count = first.shard.count
    seen: dict[int, Path] = {}
    for part in parts:
        index = part.shard.index
        if index in seen:
            problems.append(f"shard {index}/{count} given twice ({seen[index]}, {part.folder})")
        seen[index] = part.folder
    missing = [f"{i}/{count}" for i in range(1, count + 1) if i not in seen]
    if missing:
        problems.append(f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing")
    return problems


def _check_store(con: duckdb.DuckDBPyConnection, ws: Workspace, parts: list[Part],
                 options: NotifyOptions) -> None:  # fmt: skip
    first = parts[0].meta
    problems = []
    if first["workspace"] != ws.id:
        problems.append(f"the shards are of another incident (workspace {first['workspace']})")
    existing = records.issues(con)
    expected = existing[-1].issue + 1 if existing else 1
    if first["issue"] != expected:
        problems.append(f"the shards make issue {first['issue']}, the store's next is {expected}")
    if store_state(con) != first["store_state"]:
        problems.append("the store changed since the shards were rendered (a stage ran "
                        "again): render the shards again")  # fmt: skip
    keys = load_keys(con, create=False)
    if keys is None or keys.fingerprints() != first["keys"]:
        problems.append("the shards' codes were made with other keys than this store's "
                        "(a copy of the workspace taken before its first notify?)")  # fmt: skip
    template = same_options(options, template_dir(options.template))["template"]
    if template != first["options"]["template"]:
        problems.append("the shards used another letter template: give it with --template")
    if problems:
        raise InputError("; ".join(problems))


def _attach(con: duckdb.DuckDBPyConnection, parts: list[Part]) -> list[str]:
    """Each shard's records, read-only; they open only with this workspace's key."""
    quoted = ws_keys.load_key(str(parts[0].meta["workspace"])).replace("'", "''")
    aliases: list[str] = []
    try:
        for part in parts:
            alias = f"shard_{part.shard.index}"
            path = str(part.folder.resolve() / RECORDS).replace("'", "''")
            try:
                con.execute(f"ATTACH '{path}' AS {alias} (ENCRYPTION_KEY '{quoted}', READ_ONLY)")
            except duckdb.Error:
                raise KeyMissingError(
                    f"{part.folder}: its {RECORDS} does not open with this workspace's key"
                ) from None
            aliases.append(alias)
            for table, expected in part.meta["rows"].items():
                found = con.execute(f"SELECT count(*) FROM {alias}.{table}").fetchall()[0][0]
                if found != expected:
                    raise InputError(f"{table} has {found:,} rows, {META} says {expected:,}",
                                     path=part.folder)  # fmt: skip
    except BaseException:
        for alias in aliases:
            con.execute(f"DETACH {alias}")
        raise
    return aliases


def _union(aliases: list[str], table: str, columns: str) -> str:
    return " UNION ALL ".join(
        f"SELECT {int(a.split('_')[1])} AS shard, {columns} FROM {a}.{table}" for a in aliases
    )


def _check_rows(con: duckdb.DuckDBPyConnection, parts: list[Part], aliases: list[str]) -> None:
    """Every person exactly once, in their own shard; letter ids unique. Counts only."""
    count = parts[0].shard.count
    accounted = (f"{_union(aliases, 'notify_letters', 'person_id')} UNION ALL "
                 f"{_union(aliases, 'notify_not_sent', 'person_id')}")  # fmt: skip
    twice, stray, missing, extra, ids = con.execute(f"""
        WITH a AS ({accounted}),
        per AS (SELECT person_id, count(*) AS n FROM a GROUP BY 1)
        SELECT
            (SELECT count(*) FROM per WHERE n > 1),
            (SELECT count(*) FROM a WHERE {shard_sql("person_id", count)} <> shard),
            (SELECT count(*) FROM persons p ANTI JOIN per USING (person_id)),
            (SELECT count(*) FROM per ANTI JOIN persons p USING (person_id)),
            (SELECT count(*) - count(DISTINCT letter_id)
             FROM ({_union(aliases, 'notify_letters', 'letter_id')}))
    """).fetchall()[0]  # fmt: skip
    problems = []
    if twice:
        problems.append(f"{twice:,} persons accounted for more than once across the shards")
    if stray:
        problems.append(f"{stray:,} rows in a shard their person does not belong to")
    if missing:
        problems.append(f"{missing:,} persons of the store in no shard")
    if extra:
        problems.append(f"{extra:,} persons in the shards are not in the store")
    if ids:
        problems.append(f"{ids:,} letter ids given twice")
    if problems:
        raise InputError("; ".join(problems))


def _assemble(out: Path, parts: list[Part]) -> None:
    """The issue's folder as one run would write it, batches named after their shard."""
    if out.exists():
        shutil.rmtree(out)  # left by a merge that did not record
    out.mkdir(parents=True, mode=0o700)
    (out / "letters").mkdir(mode=0o700)
    for part in parts:
        for pdf in sorted((part.folder / "letters").glob("*.pdf")):
            _link(pdf, out / "letters" / f"{part.shard.prefix}{pdf.name}")
        email = part.folder / "email"
        for eml in sorted(email.glob("*.eml")) if email.is_dir() else []:
            _link(eml, out / "email" / eml.name)
    _concat(out / "manifest.csv", parts, rename_batch=True)
    _concat(out / "not_sent.csv", parts)
    _concat(out / "sms.csv", parts)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.link(source, target)
    except OSError:  # another file system: copy (owner-only, as written)
        shutil.copyfile(source, target)
        os.chmod(target, 0o600)


def _concat(target: Path, parts: list[Part], *, rename_batch: bool = False) -> None:
    """One CSV from the shards' (header once; the cells were made safe when written)."""
    header: list[str] | None = None
    rows: list[list[str]] = []
    for part in parts:
        path = part.folder / target.name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None) or header
            at = header.index("batch") if rename_batch and header else -1
            for row in reader:
                if at >= 0:
                    row[at] = part.shard.prefix + row[at]
                rows.append(row)
    if header is None:
        return
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_private(target, buffer.getvalue().encode("utf-8"))


def _record(con: duckdb.DuckDBPyConnection, parts: list[Part], aliases: list[str],
            out: Path) -> None:  # fmt: skip
    first = parts[0].meta
    letters = sum(int(p.meta["letters"]) for p in parts)
    for statement in DDL:
        con.execute(statement)
    with transaction(con):
        con.execute("INSERT INTO notify_issues VALUES (?, ?, now(), ?, ?)",
                    [first["issue"], first["kind"], letters, str(out)])  # fmt: skip
        for part, alias in zip(parts, aliases, strict=True):
            for table, columns in TABLES.items():
                # the batch as merged: s2-batch-0001 (the prefix is made of digits)
                select = ", ".join(f"'{part.shard.prefix}' || batch" if c == "batch" else c
                                   for c in columns)  # fmt: skip
                names = ", ".join(columns)
                con.execute(f"INSERT INTO {table} ({names}) SELECT {select} FROM {alias}.{table}")


def _already(con: duckdb.DuckDBPyConnection, issue: records.IssueRow) -> dict[str, Any]:
    not_sent = records.not_sent_counts(con, issue.issue)
    return {
        "letters": issue.letters,
        "not_sent": not_sent,
        "persons": issue.letters + sum(not_sent.values()),
        "batches": records.batch_count(con, issue.issue),
        "out": issue.out,
        "issue": issue.issue,
        "already_issued": True,
    }


def _summary(parts: list[Part], out: Path, filings: Path) -> dict[str, Any]:
    def total(key: str) -> int:
        return sum(int(p.meta[key]) for p in parts)

    def added(key: str) -> dict[str, int]:
        keys = parts[0].meta[key].keys()
        return {k: sum(int(p.meta[key][k]) for p in parts) for k in keys}

    not_sent = {reason: 0 for reason in NOT_SENT_REASONS} | added("not_sent")
    first = parts[0].meta
    return {
        "letters": total("letters"),
        "not_sent": not_sent,
        "persons": total("persons"),
        "batches": total("batches"),
        "out": str(out),
        "issue": first["issue"],
        "channels": added("channels"),
        "parts": total("parts"),
        "filings": str(filings),
        "already_issued": False,
        "accessible": first["options"]["accessible"],
        "variants": added("variants"),
        "minors_to_review": total("minors_to_review"),
        "shards": first["of"],
        "letter_date": date.fromisoformat(first["letter_date"]).isoformat(),
    }
