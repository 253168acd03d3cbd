"""Notify the supervisory authority (GDPR Art. 33), its deadline and the lateness rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from vigie.assess.case import Case
from vigie.assess.severity import Severity
from vigie.assess.trace import Trace

DEADLINE_HOURS = 72  # Art. 33(1): "where feasible, not later than 72 hours"
PERSONS_FLAG = 100  # ENISA 2013: number of persons weighed outside the score, flagged above
ART33_1 = "GDPR Art. 33(1)"
EDPB_RISK = "EDPB Guidelines 9/2022, section IV (assessing risk)"
MUST_CONTAIN = [
    "the nature of the breach, the categories and approximate number of persons and of "
    "records (Art. 33(3)(a))",
    "the name and contact details of the DPO or another contact point (Art. 33(3)(b))",
    "the likely consequences (Art. 33(3)(c))",
    "the measures taken or proposed, including mitigation (Art. 33(3)(d))",
]


def unlikely_risk(case: Case, severity: Severity, trace: Trace) -> list[str]:
    """The reasons, if any, why the breach is unlikely to result in a risk (no notification)."""
    reasons = []
    only_availability = case.breach_types == frozenset({"availability"})
    if case.unintelligible and (case.backup or "availability" not in case.breach_types):
        reasons.append(
            trace.fire(
                "art33.unlikely.unintelligible",
                "the data are encrypted and the key is safe, and nothing is lost for good",
                f"{EDPB_RISK}; GDPR Art. 34(3)(a)",
            )
        )
    if case.trusted_recipient and case.breach_types <= {"confidentiality", "integrity"}:
        reasons.append(
            trace.fire(
                "art33.unlikely.trusted_recipient",
                "the only recipient is trusted and confirmed the data were deleted",
                f"{EDPB_RISK}; EDPB Guidelines 01/2021, trusted third party",
            )
        )
    if only_availability and case.backup and case.sector != "health":
        reasons.append(
            trace.fire(
                "art33.unlikely.restored",
                "only availability was lost, restored from a backup, no sign of exfiltration",
                "EDPB Guidelines 01/2021, ransomware with proper backup",
            )
        )
    if severity.level == "low":
        reasons.append(
            trace.fire(
                "art33.unlikely.low_severity",
                f"ENISA severity is low ({severity.score}): persons unlikely to be affected",
                f"{ART33_1}; ENISA 2013 severity levels",
            )
        )
    return reasons


def decide(case: Case, severity: Severity, now: datetime, trace: Trace) -> dict[str, Any]:
    unlikely = unlikely_risk(case, severity, trace)
    required = not unlikely
    reasons = list(unlikely)
    if required:
        reasons.append(
            trace.fire(
                "art33.required",
                f"the breach is likely to result in a risk (severity {severity.level}): notify the "
                "authority (the CNIL) without undue delay",
                ART33_1,
            )
        )
        if case.persons is not None and case.persons > PERSONS_FLAG:
            reasons.append(
                trace.fire(
                    "art33.many_persons",
                    f"{case.persons} persons affected (more than {PERSONS_FLAG})",
                    "ENISA 2013, number of individuals",
                )
            )
    else:
        reasons.append(
            trace.fire(
                "art33.not_required",
                "no notification required; document the breach and this reasoning in the register",
                "GDPR Art. 33(1), 33(5)",
            )
        )
    if case.facts.processor:
        reasons.append(
            trace.fire(
                "art33.processor",
                "the processor must inform each controller without undue delay; each controller "
                "assesses and notifies",
                "GDPR Art. 33(2)",
            )
        )
    decision: dict[str, Any] = {"required": required, "authority": "CNIL", "reasons": reasons}
    decision.update(_clock(case, required, now, trace))
    decision["must_contain"] = MUST_CONTAIN if required else []
    return decision


def _clock(case: Case, required: bool, now: datetime, trace: Trace) -> dict[str, Any]:
    clock: dict[str, Any] = {
        "deadline": None,
        "late_by_hours": None,
        "hours_left": None,
        "late_notification_must_add": [],
    }
    if not required or case.aware_at is None:
        return clock
    deadline = case.aware_at + timedelta(hours=DEADLINE_HOURS)
    clock["deadline"] = deadline.isoformat()
    done = case.sa_notified_at
    reference = done if done is not None else now
    late = max(0.0, (reference - deadline).total_seconds() / 3600)
    clock["late_by_hours"] = round(late, 2)
    clock["hours_left"] = 0 if done else round(max(0.0, (deadline - now).total_seconds() / 3600), 2)
    clock["notified_at"] = done.isoformat() if done else None
    if late > 0:
        clock["late_notification_must_add"] = [
            trace.fire(
                "art33.late",
                f"notification {round(late, 1)} h after the {DEADLINE_HOURS}-hour deadline: "
                "it must give the reasons for the delay",
                ART33_1,
            )
        ]
    return clock
