"""Communicate the breach to the persons (GDPR Art. 34), with the Art. 34(3) exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vigie.assess.case import Case
from vigie.assess.severity import Severity
from vigie.assess.trace import Trace

# ENISA levels that mean "high risk" in the sense of Art. 34(1).
HIGH_RISK_LEVELS = frozenset({"high", "very_high"})
# Categories for which the EDPB considers damage likely once disclosed.
SPECIAL_CATEGORIES = frozenset({"health", "genetic", "special_other"})
EDPB_HIGH = "EDPB Guidelines 9/2022, section IV (high risk)"


def high_risk(case: Case, severity: Severity, trace: Trace) -> list[str]:
    """Why the breach is likely to result in a high risk (empty: it is not)."""
    reasons = []
    if severity.level in HIGH_RISK_LEVELS:
        reasons.append(
            trace.fire(
                "art34.high.severity",
                f"ENISA severity {severity.level.replace('_', ' ')} ({severity.score})",
                "GDPR Art. 34(1); ENISA 2013 severity levels",
            )
        )
    special = sorted(case.categories & SPECIAL_CATEGORIES)
    if special and case.confidentiality and not case.unintelligible:
        reasons.append(
            trace.fire(
                "art34.high.special_categories",
                f"{', '.join(special)} data disclosed: damage is to be considered likely",
                f"{EDPB_HIGH}; GDPR Art. 9",
            )
        )
    return reasons


def _unintelligible(case: Case) -> tuple[bool, str]:
    if case.unintelligible:
        return True, "the data are encrypted and the key was not compromised"
    if case.encryption == "hashed_salted":
        return False, "only the passwords were hashed; the other data are readable"
    return False, f"the data were readable (encryption: {case.encryption})"


def _subsequent_measures(case: Case) -> tuple[bool, str]:
    if case.trusted_recipient:
        return True, "the trusted recipient confirmed deletion: the high risk is no longer likely"
    if case.recovered and case.exfiltration is False and not case.published:
        return True, "the data were recovered with no sign of copy or access"
    return False, "no measure taken since removes the high risk"


def _disproportionate_effort(case: Case) -> tuple[bool, str]:
    if not case.reachable:
        return True, "the persons cannot be reached individually: a public communication is due"
    return False, "the persons can be reached individually"


EXCEPTIONS: tuple[tuple[str, str, Callable[[Case], tuple[bool, str]]], ...] = (
    ("unintelligible", "GDPR Art. 34(3)(a)", _unintelligible),
    ("subsequent_measures", "GDPR Art. 34(3)(b)", _subsequent_measures),
    ("disproportionate_effort", "GDPR Art. 34(3)(c)", _disproportionate_effort),
)


def decide(case: Case, severity: Severity, sa_required: bool, trace: Trace) -> dict[str, Any]:
    examined = []
    applying: list[tuple[str, str, str]] = []
    for name, cites, test in EXCEPTIONS:
        applies, why = test(case)
        examined.append({"name": name, "applies": applies, "reason": f"{why} ({cites})"})
        if applies:
            applying.append((name, why, cites))
    high = high_risk(case, severity, trace) if sa_required else []
    if not high:
        why = "the breach is not likely to result in a high risk"
        if not sa_required:
            why = "the breach is unlikely to result in any risk (see notify_sa)"
        reasons = [trace.fire("art34.not_high", why, "GDPR Art. 34(1)")]
        return _result(False, None, examined, reasons)
    reasons = list(high)
    if not applying:
        reasons.append(
            trace.fire(
                "art34.required",
                "communicate to every person without undue delay, in clear and plain language",
                "GDPR Art. 34(1), 34(2)",
            )
        )
        return _result(True, None, examined, reasons)
    name, why, cites = applying[0]
    reasons.append(
        trace.fire(f"art34.exception.{name}", f"no individual communication: {why}", cites)
    )
    return _result(False, name, examined, reasons)


def _result(
    required: bool, exception: str | None, examined: list[dict[str, Any]], reasons: list[str]
) -> dict[str, Any]:
    return {
        "required": required,
        "exception": exception,
        "public_communication": exception == "disproportionate_effort",
        "exceptions_examined": examined,
        "reasons": reasons,
    }
