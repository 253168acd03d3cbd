"""Severity by the ENISA methodology (2013): SE = DPC x EI + CB, one small rule per factor.

Every constant below is a rule's threshold or value; changing one is a one-line change
(tests read them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigie.assess.case import Case
from vigie.assess.trace import Trace

ENISA = "ENISA 2013 severity methodology"

# DPC base score per category (ENISA: simple 1, behavioural 2, financial 3, sensitive 4).
# national_id at 2 is vigie's choice: the NIR opens identity fraud (ENISA lets context
# raise simple data).
DPC_BASE: dict[str, int] = {
    "identity": 1,
    "contact": 1,
    "national_id": 2,
    "location": 2,
    "behavioural": 2,
    "financial": 3,
    "health": 4,
    "genetic": 4,
    "special_other": 4,
}
# Credentials take the category of what they unlock (ENISA): the controller's own data.
CREDENTIALS_BY_SECTOR = {"health": 4, "finance": 3, "public": 2, "other": 2}
HASHED_CREDENTIALS_DPC = 1  # salted hashes reveal less than their category (ENISA: adjust down)
HEALTH_CONTEXT_MIN_DPC = 2  # being on a lab's patient list reveals care (ENISA health examples)
VULNERABLE_DPC_RAISE = 1  # minors: vulnerable persons (ENISA context adjustment)

EI_NEGLIGIBLE, EI_LIMITED, EI_SIGNIFICANT, EI_MAXIMUM = 0.25, 0.5, 0.75, 1.0

CB_CONFIDENTIALITY_UNKNOWN = 0.5  # unknown or unlimited recipients
CB_CONFIDENTIALITY_KNOWN = 0.25  # a known, limited set of recipients
CB_INTEGRITY_MALICIOUS = 0.5
CB_INTEGRITY_UNRECOVERABLE = 0.25
CB_AVAILABILITY_PERMANENT = 0.5
CB_AVAILABILITY_TEMPORARY = 0.25
CB_MALICIOUS = 0.5

# Levels: SE >= threshold (ENISA: <2 low, 2-3 medium, 3-4 high, >=4 very high).
LEVEL_THRESHOLDS: tuple[tuple[str, float], ...] = (
    ("very_high", 4.0),
    ("high", 3.0),
    ("medium", 2.0),
)
LEVELS = ("low", "medium", "high", "very_high")


@dataclass
class Factor:
    value: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "reasons": list(self.reasons)}


@dataclass
class Severity:
    score: float
    level: str
    dpc: Factor
    ei: Factor
    cb: Factor

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "dpc": self.dpc.to_dict(),
            "ei": self.ei.to_dict(),
            "cb": self.cb.to_dict(),
        }


def level_for(score: float) -> str:
    for level, threshold in LEVEL_THRESHOLDS:
        if score >= threshold:
            return level
    return "low"


def assess_severity(case: Case, trace: Trace) -> Severity:
    dpc, ei, cb = (
        data_processing_context(case, trace),
        ease_of_identification(case, trace),
        (circumstances(case, trace)),
    )
    score = round(dpc.value * ei.value + cb.value, 2)
    level = level_for(score)
    trace.fire(f"severity.level.{level}", f"SE {score}", f"{ENISA}, severity levels")
    return Severity(score=score, level=level, dpc=dpc, ei=ei, cb=cb)


def data_processing_context(case: Case, trace: Trace) -> Factor:
    """DPC: the highest category score, then the context adjustments."""
    factor = Factor(1)
    for cat in sorted(case.categories):
        value = _category_score(case, cat)
        if value is not None and value > factor.value:
            factor.value = value
    top = sorted(c for c in case.categories if _category_score(case, c) == factor.value)
    if top:
        factor.reasons.append(
            trace.fire(
                "severity.dpc.category",
                f"highest category: {', '.join(top)} scores {factor.value}",
                f"{ENISA}, DPC base scores",
            )
        )
    if case.sector == "health" and factor.value < HEALTH_CONTEXT_MIN_DPC:
        factor.value = HEALTH_CONTEXT_MIN_DPC
        factor.reasons.append(
            trace.fire(
                "severity.dpc.health_context",
                f"a health controller's records reveal care: raised to {HEALTH_CONTEXT_MIN_DPC}",
                f"{ENISA}, DPC context (controller's nature)",
            )
        )
    if "minors" in case.categories and factor.value < 4:
        factor.value = min(4, factor.value + VULNERABLE_DPC_RAISE)
        factor.reasons.append(
            trace.fire(
                "severity.dpc.vulnerable",
                f"minors among the persons: raised to {factor.value}",
                f"{ENISA}, DPC context (vulnerable persons)",
            )
        )
    return factor


def _category_score(case: Case, category: str) -> int | None:
    if category == "credentials":
        if case.encryption == "hashed_salted":
            return HASHED_CREDENTIALS_DPC
        return CREDENTIALS_BY_SECTOR[case.sector]
    return DPC_BASE.get(category)


def ease_of_identification(case: Case, trace: Trace) -> Factor:
    """EI: how easily the persons can be identified from the breached data."""
    cats = case.categories
    if case.unintelligible:
        value, text = EI_NEGLIGIBLE, "data encrypted with a key that was not compromised"
    elif "identity" in cats and cats & {"contact", "national_id"}:
        value, text = EI_MAXIMUM, "names with contact details or a national number"
    elif cats & {"identity", "contact", "national_id"}:
        value, text = EI_SIGNIFICANT, "a partial identifier (name, contact or number alone)"
    else:
        value, text = EI_LIMITED, "no direct identifier among the categories"
    reason = trace.fire(f"severity.ei.{_ei_name(value)}", f"{text}: {value}", f"{ENISA}, EI")
    return Factor(value, [reason])


def _ei_name(value: float) -> str:
    names = {EI_NEGLIGIBLE: "negligible", EI_LIMITED: "limited", EI_SIGNIFICANT: "significant"}
    return names.get(value, "maximum")


def circumstances(case: Case, trace: Trace) -> Factor:
    """CB: the sum of confidentiality, integrity, availability losses and malicious intent."""
    factor = Factor(0.0)
    for part in (_confidentiality, _integrity, _availability, _malice):
        found = part(case)
        if found is None:
            continue
        rule, value, text, cites = found
        factor.value += value
        factor.reasons.append(trace.fire(rule, f"{text}: +{value}", cites))
    factor.value = round(factor.value, 2)
    return factor


_Part = tuple[str, float, str, str] | None


def _confidentiality(case: Case) -> _Part:
    cites = f"{ENISA}, CB loss of confidentiality"
    if not case.confidentiality:
        return None
    if case.unintelligible:
        return ("severity.cb.conf_unintelligible", 0.0, "exposed but unreadable", cites)
    if case.published:
        return ("severity.cb.conf_published", CB_CONFIDENTIALITY_UNKNOWN, "published", cites)
    if case.trusted_recipient:
        text = "exposed to a trusted recipient who confirmed deletion"
        return ("severity.cb.conf_trusted", 0.0, text, cites)
    if case.cause in ("mispostal", "human_error") and not case.malicious:
        text = "disclosed to known recipients"
        return ("severity.cb.conf_known", CB_CONFIDENTIALITY_KNOWN, text, cites)
    if case.exfiltration is False and not case.malicious:
        text = "exposed, no sign of access"
        return ("severity.cb.conf_no_access", 0.0, text, cites)
    text = "in unknown hands (theft, exfiltration or access not ruled out)"
    return ("severity.cb.conf_unknown", CB_CONFIDENTIALITY_UNKNOWN, text, cites)


def _integrity(case: Case) -> _Part:
    cites = f"{ENISA}, CB loss of integrity"
    if "integrity" not in case.breach_types:
        return None
    if case.malicious:
        text = "altered by an attacker, may be used against the persons"
        return ("severity.cb.integrity_malicious", CB_INTEGRITY_MALICIOUS, text, cites)
    if case.backup:
        return ("severity.cb.integrity_recoverable", 0.0, "altered, restorable", cites)
    text = "altered, not restorable"
    return ("severity.cb.integrity_lost", CB_INTEGRITY_UNRECOVERABLE, text, cites)


def _availability(case: Case) -> _Part:
    cites = f"{ENISA}, CB loss of availability"
    if "availability" not in case.breach_types:
        return None
    if case.backup:
        return ("severity.cb.avail_recoverable", 0.0, "recoverable from a backup", cites)
    if case.recovered:
        text = "temporarily unavailable, recovered"
        return ("severity.cb.avail_temporary", CB_AVAILABILITY_TEMPORARY, text, cites)
    text = "lost without a backup"
    return ("severity.cb.avail_permanent", CB_AVAILABILITY_PERMANENT, text, cites)


def _malice(case: Case) -> _Part:
    if not case.malicious:
        return None
    cites = f"{ENISA}, CB malicious intent"
    return ("severity.cb.malicious", CB_MALICIOUS, f"malicious ({case.cause})", cites)
