"""The trail of an assessment: which rules fired, with what they cite, and what was assumed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Trace:
    """Collects fired rules and assumptions while the decisions are made."""

    fired: list[dict[str, str]] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def fire(self, rule: str, text: str, cites: str) -> str:
        """Record that `rule` fired and return its reason, citing its source."""
        if not any(f["rule"] == rule for f in self.fired):
            self.fired.append({"rule": rule, "cites": cites})
        return f"{text} ({cites})"

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)
