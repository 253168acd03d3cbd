"""Write one issue of letters: ids and codes, parts, batch PDFs, manifest, not-sent list,
e-mail/SMS variants, then the store rows, all in one transaction at the end (a run killed
half-way leaves no rows, and its folder is cleared by the next run)."""

from __future__ import annotations

import hashlib
import shutil
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


def _compose(
    spec: IssueSpec, planned: list[Planned], secret: bytes, numbers: list[int] | None = None
) -> dict[str, Any]:
    """Ids, codes, texts and rows of the letters; `numbers`: the letter numbers when they
    are not 1, 2, 3... (a shard's, vigie.notify.shards)."""
    parts = letters.PartTable()
    shared: dict[tuple[Any, ...], dict[str, int]] = {}
    counts = {False: 0, True: 0}  # letters so far: standard, large print
    live: list[dict[str, Any]] = []
    code_rows, letter_rows, contacts = [], [], []
    review: list[tuple[Any, ...]] = []  # minors under the policy's age: for the lab's doctor
    for seq, plan in enumerate(planned, 1):
        person = plan.person
        sender = person.controllers[0] if person.controllers else spec.fallback_sender
        dpo = spec.dpo.get(sender) or spec.dpo.get(spec.fallback_sender, "")
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
        # Letters with the same sender, variant, tier and exposure share every part.
        key = (sender, dpo, plan.to_parents, plan.tier, plan.named)
        if key not in shared:
            full = letter_text({}, address=plan.address, minor=plan.to_parents,
                               tier=plan.tier, elements=list(plan.named), sender=sender,
                               dpo=dpo, inc=spec.inc)  # fmt: skip
            shared[key] = {k: parts.add(k, v) for k, v in full.parts.items()}
        large = person.person_id in spec.large_print
        lid, code = letter_id(spec.issue, numbers[seq - 1] if numbers else seq), codes.new_code()
        live.append({**text.live, "id": lid, "code": code, "parts": shared[key]})
        code_rows.append((codes.code_hash(secret, code), lid, sender, spec.inc.letter_date))
        n, counts[large] = counts[large], counts[large] + 1
        # Large print runs to several sheets (smaller batches: Typst's memory grows by the
        # page); its pages are known once rendered.
        size = max(1, spec.batch_size // 4) if large else spec.batch_size
        batch = f"{large_print.PREFIX if large else 'batch-'}{n // size + 1:04d}"
        first = (n % size) * letters.PAGES_PER_LETTER + 1
        letter_rows.append(
            [lid, spec.issue, person.person_id, batch, first, first + 1, plan.address[-1][:5],
             sender, text.live["variant"], plan.tier, bool(person.email), bool(person.phone),
             address_hash(plan.address), None]
        )  # fmt: skip
        # The e-mail or phone on record for a minor is often a parent's: a minor's own
        # letter goes by post only.
        email, phone = (None, None) if plan.variant == "minor_own" else (person.email, person.phone)
        contacts.append(Contact(lid, code, sender, dpo, email, phone, plan.to_parents))
        if plan.variant == "minor_generic":
            withheld = "|".join(e for e in person.elements if e not in plan.named)
            review.append((spec.issue, person.person_id, lid, sender, person.age, withheld))
    return {"parts": parts, "live": live, "codes": code_rows, "rows": letter_rows,
            "contacts": contacts, "review": review}  # fmt: skip


def _render(spec: IssueSpec, composed: dict[str, Any]) -> int:
    """Write the batches; each letter's row gets the pages it was printed on."""
    build = spec.out / ".build"
    letters.prepare_build(spec.template, build, composed["parts"])
    live, rows = composed["live"], composed["rows"]
    batches: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        batches.setdefault(row[3], []).append(i)
    jobs = [
        letters.BatchJob(
            name=name,
            path=spec.out / "letters" / f"{name}.pdf",
            letters=[live[i] for i in members],
            verify_url=spec.inc.verify_url,
            accessible=spec.accessible,
            large_print=name.startswith(large_print.PREFIX),
        )
        for name, members in batches.items()
    ]
    try:
        with Progress("letters", total=len(live), unit="letters") as bar:
            for name, pages in letters.render_batches(jobs, build, spec.processes):
                for i, (first, last) in zip(batches[name], pages, strict=True):
                    rows[i][4], rows[i][5] = first, last
                bar.advance(len(pages))
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return len(jobs)


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
    composed = _compose(spec, planned, secret)
    rows = composed["rows"]
    # Signed QR codes: letter, sender, date, postcode and the recipient's initials.
    recipients = [plan.person.recipient for plan in planned]
    signing.sign_letters(con, composed["live"], rows, recipients, spec.inc.letter_date)
    for row in rows:
        row[13] = (resend_of or {}).get(row[2])
    outcome = IssueOutcome(letters=len(rows), parts=len(composed["parts"].items))
    # E-mails, SMS and the public portal's hashes of the codes (the plaintext codes exist
    # only here) do not need the PDFs: made in a thread while the batches render, instead
    # of after (PBKDF2 and file writes release the GIL; at 500,000 persons they took
    # minutes of one core while the other waited).
    params = portal_hashes.load_params(con, create=True)
    assert params is not None
    issued = [(one["id"], one["code"]) for one in composed["live"]]
    with ThreadPoolExecutor(1, thread_name_prefix="notify-side") as side:
        hashing = side.submit(portal_hashes.hash_codes, params, issued)
        channels = side.submit(write_channels, spec.out, composed["contacts"], spec.inc)
        outcome.batches = _render(spec, composed)
        portal_rows, outcome.channels = hashing.result(), channels.result()
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
        codes.store_codes(con, composed["codes"])
        records.insert_rows(con, "notify_minors_review", records.REVIEW_COLUMNS,
                            composed["review"])  # fmt: skip
        portal_hashes.store_rows(con, portal_rows)
    for _, reason in not_sent:
        outcome.not_sent[reason] = outcome.not_sent.get(reason, 0) + 1
    return outcome
