"""Write one issue of letters: ids and codes, parts, batch PDFs, manifest, not-sent list,
e-mail/SMS variants, then the store rows, all in one transaction at the end (a run killed
half-way leaves no rows, and its folder is cleared by the next run)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from vigie.notify import codes, large_print, letters, records
from vigie.notify.channels import Contact, write_channels
from vigie.notify.people import Planned
from vigie.notify.variants import IncidentText, letter_text
from vigie.portal import hashes as portal_hashes
from vigie.portal import signing
from vigie.progress import Progress
from vigie.spreadsheet import csv_bytes
from vigie.workspace import transaction

MANIFEST_FIELDS = (
    "letter_id",
    "batch",
    "first_page",
    "last_page",
    "postcode",
    "controller",
    "variant",
    "large_print",
)


@dataclass(frozen=True)
class IssueSpec:
    issue: int
    kind: str  # initial | reissue | resend
    out: Path
    inc: IncidentText
    template: Path
    dpo: dict[str, str]
    fallback_sender: str
    batch_size: int = 1000
    processes: int = 2
    accessible: bool = False  # tagged PDFs, the parts as text (letters.py)
    large_print: frozenset[str] = frozenset()  # person ids (vigie.notify.large_print)


@dataclass
class IssueOutcome:
    letters: int = 0
    batches: int = 0
    not_sent: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)
    parts: int = 0
    large_print: int = 0


def letter_id(issue: int, seq: int) -> str:
    return f"L{issue:02d}-{seq:06d}"


def address_hash(lines: tuple[str, ...] | list[str]) -> str:
    """Digest of the delivery lines (not the name): tells a new address from the old one."""
    start = 2 if lines and lines[0].startswith("Aux ") else 1
    return hashlib.sha256("\n".join(lines[start:]).encode("utf-8")).hexdigest()[:32]


@dataclass
class Composed:
    """The letters of an issue as data: parts, what each letter's page shows (`live`),
    and the rows for the store (codes, notify_letters, minors to review); contacts for the
    e-mail and SMS variants."""

    parts: letters.PartTable
    live: list[dict[str, Any]] = field(default_factory=list)
    codes: list[tuple[Any, ...]] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    review: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class IssueFiles:
    """What write_files made: the letters composed, the batches written, the portal's
    hashes of the codes and the e-mail/SMS counts."""

    composed: Composed
    batches: int
    portal_rows: list[tuple[str, str]]
    channels: dict[str, int]


def _sender(spec: IssueSpec, plan: Planned) -> tuple[str, str]:
    person = plan.person
    sender = person.controllers[0] if person.controllers else spec.fallback_sender
    return sender, spec.dpo.get(sender) or spec.dpo.get(spec.fallback_sender, "")


def _part_key(spec: IssueSpec, plan: Planned) -> tuple[Any, ...]:
    """Letters with the same sender, variant, tier and exposure share every part."""
    return (*_sender(spec, plan), plan.to_parents, plan.tier, plan.named)


def _batch_size(spec: IssueSpec, large: bool) -> int:
    # Large print runs to several sheets (smaller batches: Typst's memory grows by the
    # page); its pages are known once rendered.
    return max(1, spec.batch_size // 4) if large else spec.batch_size


def _parts(
    spec: IssueSpec, planned: list[Planned]
) -> tuple[letters.PartTable, dict[tuple[Any, ...], dict[str, int]], int]:
    """Every distinct part of the issue (before any letter is composed: fragments.pdf must
    hold them all before the first batch renders), each key's part pages, the batches."""
    parts = letters.PartTable()
    shared: dict[tuple[Any, ...], dict[str, int]] = {}
    counts = {False: 0, True: 0}
    for plan in planned:
        key = _part_key(spec, plan)
        if key not in shared:
            sender, dpo = key[:2]
            full = letter_text({}, address=plan.address, minor=plan.to_parents,
                               tier=plan.tier, elements=list(plan.named), sender=sender,
                               dpo=dpo, inc=spec.inc)  # fmt: skip
            shared[key] = {k: parts.add(k, v) for k, v in full.parts.items()}
        counts[plan.person.person_id in spec.large_print] += 1
    batches = sum(-(-n // _batch_size(spec, large)) for large, n in counts.items())
    return parts, shared, batches


def _compose(
    spec: IssueSpec,
    planned: list[Planned],
    secret: bytes,
    sign: Any,
    shared: dict[tuple[Any, ...], dict[str, int]],
    into: Composed,
    numbers: list[int] | None = None,
) -> Iterator[tuple[str, list[int]]]:
    """Compose and sign the letters into `into`, yielding each batch (name, the indices of
    its letters) as soon as it is complete. `sign`: signing.letter_signer's function;
    `numbers`: the letter numbers when they are not 1, 2, 3... (a shard's, shards.py)."""
    counts = {False: 0, True: 0}  # letters so far: standard, large print
    filling: dict[bool, tuple[str, list[int]]] = {}
    for seq, plan in enumerate(planned, 1):
        person = plan.person
        sender, dpo = _sender(spec, plan)
        text = letter_text(
            {"sex": person.recipient.sex},
            address=plan.address,
            minor=plan.to_parents,
            tier=plan.tier,
            elements=list(plan.named),
            sender=sender,
            dpo=dpo,
            inc=spec.inc,
            with_parts=False,
        )
        text.live["variant"] = plan.variant
        large = person.person_id in spec.large_print
        lid, code = letter_id(spec.issue, numbers[seq - 1] if numbers else seq), codes.new_code()
        postcode = plan.address[-1][:5]
        into.live.append({**text.live, "id": lid, "code": code,
                          "parts": shared[_part_key(spec, plan)],
                          "qr_extra": sign(lid, sender, postcode, person.recipient)})  # fmt: skip
        into.codes.append((codes.code_hash(secret, code), lid, sender, spec.inc.letter_date))
        n, counts[large] = counts[large], counts[large] + 1
        size = _batch_size(spec, large)
        batch = f"{large_print.PREFIX if large else 'batch-'}{n // size + 1:04d}"
        first = (n % size) * letters.PAGES_PER_LETTER + 1
        into.rows.append(
            [lid, spec.issue, person.person_id, batch, first, first + 1, postcode,
             sender, text.live["variant"], plan.tier, bool(person.email), bool(person.phone),
             address_hash(plan.address), None]
        )  # fmt: skip
        # The e-mail or phone on record for a minor is often a parent's: a minor's own
        # letter goes by post only.
        email, phone = (None, None) if plan.variant == "minor_own" else (person.email, person.phone)
        into.contacts.append(Contact(lid, code, sender, dpo, email, phone, plan.to_parents))
        if plan.variant == "minor_generic":
            withheld = "|".join(e for e in person.elements if e not in plan.named)
            into.review.append((spec.issue, person.person_id, lid, sender, person.age, withheld))
        if large in filling and filling[large][0] != batch:
            yield filling.pop(large)
        filling.setdefault(large, (batch, []))[1].append(seq - 1)
    yield from filling.values()


def write_files(
    spec: IssueSpec,
    planned: list[Planned],
    secret: bytes,
    signing_key: bytes,
    hash_params: tuple[bytes, int],
    numbers: list[int] | None = None,
) -> IssueFiles:
    """The issue's files under spec.out: batch PDFs, e-mails, SMS list. Each batch goes to
    the workers as soon as its letters are composed; the portal's hashes of the codes
    (PBKDF2) and the e-mails are made in a thread while the batches render (the plaintext
    codes exist only here). Each letter's row gets the pages it was printed on."""
    parts, shared, expected = _parts(spec, planned)
    composed = Composed(parts)
    sign = signing.letter_signer(signing_key, spec.inc.letter_date)
    build = spec.out / ".build"
    letters.prepare_build(spec.template, build, parts)
    members: dict[str, list[int]] = {}
    try:
        with (
            letters.BatchRenderer(build, spec.processes, expected) as renderer,
            ThreadPoolExecutor(1, thread_name_prefix="notify-side") as side,
        ):
            for name, indices in _compose(spec, planned, secret, sign, shared, composed,
                                          numbers):  # fmt: skip
                members[name] = indices
                renderer.submit(
                    letters.BatchJob(
                        name=name,
                        path=spec.out / "letters" / f"{name}.pdf",
                        letters=[composed.live[i] for i in indices],
                        verify_url=spec.inc.verify_url,
                        accessible=spec.accessible,
                        large_print=name.startswith(large_print.PREFIX),
                    )
                )
            issued = [(one["id"], one["code"]) for one in composed.live]
            hashing = side.submit(portal_hashes.hash_codes, hash_params, issued)
            channels = side.submit(write_channels, spec.out, composed.contacts, spec.inc)
            rows = composed.rows
            with Progress("letters", total=len(rows), unit="letters") as bar:
                for name, pages in renderer.results():
                    for i, (first, last) in zip(members[name], pages, strict=True):
                        rows[i][4], rows[i][5] = first, last
                    bar.advance(len(pages))
            portal_rows, sent = hashing.result(), channels.result()
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return IssueFiles(composed, len(members), portal_rows, sent)


def _csv(path: Path, header: tuple[str, ...], rows: list[list[Any]]) -> None:
    letters.write_private(path, csv_bytes(header, rows))


def write_issue(
    con: duckdb.DuckDBPyConnection,
    spec: IssueSpec,
    planned: list[Planned],
    not_sent: list[tuple[str, str]],
    secret: bytes,
    resend_of: dict[str, str] | None = None,
) -> IssueOutcome:
    """Render and record one issue; the store rows go in last, in one transaction."""
    if spec.out.exists():
        shutil.rmtree(spec.out)  # left by a run killed before it recorded anything
    spec.out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    spec.out.mkdir(mode=0o700)
    params = portal_hashes.load_params(con, create=True)
    key = signing.signing_key(con, create=True)
    assert params is not None and key is not None
    made = write_files(spec, planned, secret, key, params)
    composed, rows = made.composed, made.composed.rows
    for row in rows:
        row[13] = (resend_of or {}).get(row[2])
    outcome = IssueOutcome(letters=len(rows), parts=len(composed.parts.items),
                           batches=made.batches, channels=made.channels)  # fmt: skip
    large = [r[3].startswith(large_print.PREFIX) for r in rows]
    outcome.large_print = sum(large)
    manifest = [[*(r[i] for i in (0, 3, 4, 5, 6, 7, 8)), str(big).lower()]
                for r, big in zip(rows, large, strict=True)]  # fmt: skip
    _csv(spec.out / "manifest.csv", MANIFEST_FIELDS, manifest)
    _csv(spec.out / "not_sent.csv", ("person_id", "reason"), [list(x) for x in not_sent])
    with transaction(con):
        con.execute(
            "INSERT INTO notify_issues VALUES (?, ?, now(), ?, ?)",
            [spec.issue, spec.kind, len(rows), str(spec.out)],
        )
        records.insert_rows(con, "notify_letters", records.LETTER_COLUMNS, rows)
        records.insert_rows(
            con,
            "notify_not_sent",
            ("issue", "person_id", "reason"),
            [(spec.issue, pid, reason) for pid, reason in not_sent],
        )
        codes.store_codes(con, composed.codes)
        records.insert_rows(con, "notify_minors_review", records.REVIEW_COLUMNS, composed.review)
        portal_hashes.store_rows(con, made.portal_rows)
    for _, reason in not_sent:
        outcome.not_sent[reason] = outcome.not_sent.get(reason, 0) + 1
    return outcome
