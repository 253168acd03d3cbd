"""assess_facts: the facts in, every decision out, each with its reasons and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vigie.assess.case import Case, resolve
from vigie.assess.facts import Facts, facts_to_dict, parse_facts
from vigie.assess.obligations import art33_authority, art34_persons, health_report, register
from vigie.assess.severity import Severity, assess_severity
from vigie.assess.tiers import TIERS
from vigie.assess.trace import Trace


@dataclass
class Assessment:
    """The decisions of one assessment; `to_dict()` is the `assess --json` document."""

    facts: Facts
    case: Case
    severity: Severity
    notify_sa: dict[str, Any]
    notify_ds: dict[str, Any]
    health_report: dict[str, Any]
    register: dict[str, Any]
    assessed_at: datetime
    assumptions: list[str]
    rules_fired: list[dict[str, str]]
    persons_by_tier: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))
    persons_by_tier_source: str = "none"

    def to_dict(self) -> dict[str, Any]:
        return {
            "assessed_at": self.assessed_at.isoformat(),
            "severity": self.severity.to_dict(),
            "notify_sa": self.notify_sa,
            "notify_ds": self.notify_ds,
            "health_report": self.health_report,
            "register": self.register,
            "persons": self.case.persons,
            "data_categories": sorted(self.case.categories),
            "persons_by_tier": dict(self.persons_by_tier),
            "persons_by_tier_source": self.persons_by_tier_source,
            "assumptions": list(self.assumptions),
            "rules_fired": list(self.rules_fired),
            "facts": facts_to_dict(self.facts),
        }


def assess_facts(
    facts: dict[str, Any] | Facts,
    now: datetime | None = None,
    *,
    source: object = "facts",
    clock_start: datetime | None = None,
) -> Assessment:
    """Assess the incident `facts` (a mapping as in incident.yaml, or parsed Facts).

    `now` fixes the clock (reproducible deadlines); `clock_start` is the latest moment the
    controller can have become aware, used only when aware_at is missing.
    """
    parsed = facts if isinstance(facts, Facts) else parse_facts(facts, source)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    trace = Trace()
    case = resolve(parsed, trace, now, clock_start)
    severity = assess_severity(case, trace)
    notify_sa = art33_authority.decide(case, severity, now, trace)
    notify_ds = art34_persons.decide(case, severity, notify_sa["required"], trace)
    health = health_report.decide(case, now, trace)
    reg = register.decide(trace)
    return Assessment(
        facts=parsed,
        case=case,
        severity=severity,
        notify_sa=notify_sa,
        notify_ds=notify_ds,
        health_report=health,
        register=reg,
        assessed_at=now,
        assumptions=trace.assumptions,
        rules_fired=trace.fired,
    )
