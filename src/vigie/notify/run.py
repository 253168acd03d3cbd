"""`vigie notify WS`: letters for every notifiable person, filings, and the audit record.

Idempotent: once letters are issued, running again changes nothing and reports the issue
(`--reissue` makes a new issue with new codes; the codes already mailed stay valid).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from vigie.errors import ConfigError
from vigie.notify import codes, large_print, records
from vigie.notify.issue import IssueSpec, write_issue
from vigie.notify.letters import template_dir
from vigie.notify.minors import VARIANTS, MinorsPolicy
from vigie.notify.people import load_people, plan, reconcile
from vigie.notify.variants import IncidentText
from vigie.workspace import Workspace

NOTIFY_DIR = "notify"


@dataclass(frozen=True)
class NotifyOptions:
    template: Path | None = None
    batch_size: int = 1000
    processes: int = 2
    letter_date: date | None = None
    verify_url: str | None = None
    reissue: bool = False
    accessible: bool = False  # tagged PDFs with the text as text (slower: see letters.md)
    large_print: Path | None = None  # persons to print large (vigie.notify.large_print)


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        raise ConfigError(f"incident.yaml: not an ISO date: {str(value)[:40]}") from None


def incident_text(facts: dict[str, Any], options: NotifyOptions) -> IncidentText:
    return IncidentText(
        occurred=_date(facts.get("occurred_at")),
        aware=_date(facts.get("aware_at")),
        cause=str(facts.get("cause") or "other"),
        processor=facts.get("processor") or None,
        published=bool(facts.get("published")),
        letter_date=options.letter_date or date.today(),
        verify_url=options.verify_url,
    )


def controllers_of(facts: dict[str, Any]) -> tuple[dict[str, str], str]:
    """DPO contact per controller, and the sender for persons in no registry."""
    listed = [c for c in facts.get("controllers") or [] if isinstance(c, dict) and c.get("name")]
    dpo = {str(c["name"]): str(c.get("dpo_email") or "") for c in listed}
    fallback = str(listed[0]["name"]) if listed else str(facts.get("title") or "Le responsable")
    return dpo, fallback


def issue_spec(
    ws: Workspace, facts: dict[str, Any], options: NotifyOptions, issue: int, kind: str
) -> IssueSpec:
    dpo, fallback = controllers_of(facts)
    return IssueSpec(
        issue=issue,
        kind=kind,
        out=ws.out_dir / NOTIFY_DIR / f"issue-{issue:02d}",
        inc=incident_text(facts, options),
        template=template_dir(options.template),
        dpo=dpo,
        fallback_sender=fallback,
        batch_size=options.batch_size,
        processes=options.processes,
        accessible=options.accessible,
    )


def notify_workspace(ws: Workspace, options: NotifyOptions) -> dict[str, Any]:
    """Issue the letters (once) and write the filings; returns the `notify --json` document."""
    from vigie.notify.filings import write_filings

    if options.batch_size < 1:
        raise ConfigError("--batch-size: at least 1 letter per PDF")
    started = time.monotonic()
    facts = ws.facts()
    with ws.connect() as con:
        records.ensure_tables(con)
        done = [i for i in records.issues(con) if i.kind in ("initial", "reissue")]
    if done and options.large_print and not options.reissue:
        return large_print.issue_copies(ws, options, options.large_print)
    with ws.connect() as con:
        if done and not options.reissue:
            last = done[-1]
            result = _summary(con, last.issue, last.letters, Path(last.out))
            result["already_issued"] = True
            filings = ws.out_dir / NOTIFY_DIR / "filings"
            if not (filings / "cnil-notification.json").is_file():
                write_filings(ws, con, facts, template_dir(options.template))
            result["filings"] = str(filings)
            return result
        spec = issue_spec(ws, facts, options, _next_issue(con), "reissue" if done else "initial")
        listed = large_print.resolve(con, options.large_print) if options.large_print else None
        spec = replace(spec, large_print=large_print.standing(con) | (listed or frozenset()))
        people = load_people(con, spec.inc.letter_date)
        policy = MinorsPolicy.from_facts(facts)
        planned, not_sent = plan(people, policy)
        counts = reconcile(len(people), len(planned), not_sent)
        secret = codes.load_secret(con, create=True)
        assert secret is not None
        outcome = write_issue(con, spec, planned, not_sent, secret)
        filings = write_filings(ws, con, facts, spec.template)
        result = {
            "letters": outcome.letters,
            "not_sent": counts,
            "persons": len(people),
            "batches": outcome.batches,
            "out": str(spec.out),
            "issue": spec.issue,
            "channels": outcome.channels,
            "parts": outcome.parts,
            "large_print": outcome.large_print,
            "filings": str(filings),
            "already_issued": False,
            "accessible": options.accessible,
            "variants": {v: sum(1 for p in planned if p.variant == v) for v in VARIANTS},
            "minors_to_review": sum(1 for p in planned if p.variant == "minor_generic"),
        }
        params = {"issue": spec.issue, "kind": spec.kind, "batch_size": options.batch_size,
                  "template": str(options.template or "default"),
                  "verify_url": options.verify_url,
                  "accessible": options.accessible}  # fmt: skip
        counts_log = {"letters": outcome.letters, **counts, "batches": outcome.batches,
                      "variants": result["variants"],
                      "large_print": outcome.large_print}  # fmt: skip
        ws.record("notify", params, counts_log, started=started, con=con)
    return result


def _next_issue(con: Any) -> int:
    existing = records.issues(con)
    return existing[-1].issue + 1 if existing else 1


def _summary(con: Any, issue: int, letters: int, out: Path) -> dict[str, Any]:
    not_sent = records.not_sent_counts(con, issue)
    return {
        "letters": letters,
        "not_sent": not_sent,
        "persons": letters + sum(not_sent.values()),
        "batches": records.batch_count(con, issue),
        "large_print": records.large_print_count(con, issue),
        "out": str(out),
        "issue": issue,
    }


def verify_code(ws: Workspace, code: str) -> codes.Verified | None:
    """The issuer and date of a genuine code; None for anything else."""
    with ws.connect(read_only=True) as con:
        return codes.verify(con, code)
