"""Append-only, hash-chained audit log (audit.jsonl).

Each entry holds the SHA-256 of the previous line, and its sequence number, so an
edited, removed or reordered line breaks the chain at a place we can name. The digest of
the last entry is also kept inside the encrypted store, which catches a truncated tail.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from vigie.errors import IntegrityError

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditHead:
    seq: int
    digest: str


def digest_line(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def append(
    path: Path,
    verb: str,
    params: dict[str, Any] | None = None,
    counts: dict[str, Any] | None = None,
) -> AuditHead:
    """Append one entry; params and counts must never hold personal values.

    Only the log's last line is read (the console appends a view per page: reading the
    whole log each time grew with it). For a log that verifies, the entry is the one the
    whole log gives (one more than its entries, chained to the last); a tail that is not
    one clean entry falls back to reading everything."""
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        seq, prev = _next_link(handle)
        entry = {
            "seq": seq,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "verb": verb,
            "params": params or {},
            "counts": counts or {},
            "prev": prev,
        }
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str)
        handle.seek(0, 2)
        handle.write((line + "\n").encode("utf-8"))
        handle.flush()
    return AuditHead(seq=seq, digest=digest_line(line))


_TAIL_BLOCK = 64 * 1024


def _next_link(handle: BinaryIO) -> tuple[int, str]:
    """(sequence number, previous digest) of the entry to append, from the last line."""
    handle.seek(0, 2)
    size = handle.tell()
    start = max(0, size - _TAIL_BLOCK)
    while True:
        handle.seek(start)
        tail = handle.read(size - start)
        body = tail.rstrip(b"\n")
        cut = body.rfind(b"\n")
        if cut >= 0 or start == 0:
            break
        start = max(0, start - _TAIL_BLOCK)  # a last line longer than the block
    if not body:
        return (1, GENESIS) if size == len(tail) else _next_link_by_reading_all(handle)
    try:
        last = body[cut + 1 :].decode("utf-8")
        entry = json.loads(last)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _next_link_by_reading_all(handle)
    clean = tail.endswith(b"\n") and len(tail) - len(body) == 1 and len(last.splitlines()) == 1
    if not clean or not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
        return _next_link_by_reading_all(handle)
    return entry["seq"] + 1, digest_line(last)


def _next_link_by_reading_all(handle: BinaryIO) -> tuple[int, str]:
    """The rule itself: one more than the non-empty lines, chained to the last one."""
    handle.seek(0)
    lines = [line for line in handle.read().decode("utf-8").splitlines() if line]
    return len(lines) + 1, digest_line(lines[-1]) if lines else GENESIS


def _check_head(path: Path, lines: list[str], head: AuditHead) -> None:
    """The store's head must be an entry of the log, unchanged.

    The log may run past the head: a command killed after appending its entry and before
    its store transaction committed leaves one entry the store never acknowledged; the
    next command's entry moves the head past it. A log shorter than the head lost entries.
    """
    if head.seq > len(lines):
        raise IntegrityError(
            f"{path}: the log ends at entry {len(lines)} but the store recorded "
            f"{head.seq} entries (entries were removed from the end)"
        )
    if head.seq >= 1 and digest_line(lines[head.seq - 1]) != head.digest:
        raise IntegrityError(
            f"{path}: entry {head.seq} was edited (the last entry the store recorded)"
        )


def read_entries(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def verify(path: Path, head: AuditHead | None = None) -> int:
    """Check the chain; return the number of entries or raise naming the first broken one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise IntegrityError(f"{path}: the audit log is missing") from None
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        where = f"{path}: entry {number} (line {number})"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            raise IntegrityError(f"{where}: not a JSON entry (edited)") from None
        if not isinstance(entry, dict):
            raise IntegrityError(f"{where}: not a JSON object (edited)")
        if entry.get("seq") != number:
            raise IntegrityError(
                f"{where}: sequence {entry.get('seq')} where {number} was expected "
                "(an entry was removed or reordered)"
            )
        if entry.get("prev") != prev:
            raise IntegrityError(
                f"{where}: does not chain to entry {number - 1} "
                "(that entry was edited, or this one was edited or moved)"
            )
        prev = digest_line(line)
    if head is not None:
        _check_head(path, lines, head)
    return len(lines)
