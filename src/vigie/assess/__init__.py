"""Assess an incident: ENISA severity, GDPR Art. 33/34 obligations, the health-sector
report, the breach register and per-person risk tiers; each decision explained."""

from vigie.assess.assessment import Assessment, assess_facts
from vigie.assess.facts import Facts, parse_facts

__all__ = ["Assessment", "Facts", "assess_facts", "parse_facts"]
