"""Record the breach in the controller's breach register (GDPR Art. 33(5)): always."""

from __future__ import annotations

from typing import Any

from vigie.assess.trace import Trace

CONTENT = [
    "the facts of the breach",
    "its effects",
    "the remedial action taken",
    "the reasoning behind each decision (notify or not, communicate or not, any delay)",
]


def decide(trace: Trace) -> dict[str, Any]:
    reasons = [
        trace.fire(
            "register.always",
            "every breach is documented, notified or not, so the CNIL can verify compliance",
            "GDPR Art. 33(5)",
        ),
        trace.fire(
            "register.reasoning",
            "the reasoning for each decision is recorded with it",
            "EDPB Guidelines 9/2022, section V (accountability)",
        ),
    ]
    return {"required": True, "content": CONTENT, "reasons": reasons}
