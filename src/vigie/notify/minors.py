"""Minors' confidentiality: a letter must not tell parents what the law lets a minor keep
from them (CSP L.1111-5, L.1111-5-1, R.1111-6; DOMAIN.md "Minors"; docs/letters.md).

A minor may obtain HIV or STI screening, contraception or pregnancy care without their
parents, and oppose that the information be given to them; the lab usually cannot know
whether they did. So, by default, for a minor whose exposure includes such items:
- from 15 (the age of a minor's own consent to processing, loi Informatique et libertés
  art. 45), the letter is addressed to the minor personally (variant `minor_own`) and no
  letter goes to the parents (it would tell them that their child was seen for it);
- under 15, the parents' letter names those items only generically, "des informations
  de santé" (variant `minor_generic`), and the controller's package lists the case for
  the lab's doctor to decide (`minors_to_review.csv`).
A minor without such items gets the usual letter to the legal representatives (`minor`).
The policy is set in incident.yaml (`minors:`), checked with a one-line error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vigie.errors import ConfigError

SENSITIVE = ("health.hiv", "health.pregnancy", "health.sexual")
WITHHELD = "health.withheld"  # what a parents' letter says instead: "des informations de santé"
VARIANTS = ("adult", "minor", "minor_generic", "minor_own")


@dataclass(frozen=True)
class MinorsPolicy:
    confidential: bool = True  # False: every minor's letter goes to the parents, in full
    own_letter_from_age: int = 15
    sensitive: tuple[str, ...] = SENSITIVE

    @classmethod
    def from_facts(cls, facts: dict[str, Any]) -> MinorsPolicy:
        """The `minors:` section of incident.yaml (absent: the careful default)."""
        section = facts.get("minors")
        if section is None:
            return cls()
        if not isinstance(section, dict):
            raise ConfigError(
                "incident.yaml: minors: a section (confidential, own_letter_from_age)"
            )
        unknown = set(section) - {"confidential", "own_letter_from_age", "sensitive"}
        if unknown:
            raise ConfigError(f"incident.yaml: minors.{sorted(unknown)[0]}: unknown key")
        confidential = section.get("confidential", True)
        if not isinstance(confidential, bool):
            raise ConfigError("incident.yaml: minors.confidential: true or false")
        age = section.get("own_letter_from_age", 15)
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 18:
            raise ConfigError(
                "incident.yaml: minors.own_letter_from_age: a whole number of years, 0 to 18"
            )
        sensitive = section.get("sensitive", list(SENSITIVE))
        from vigie.vocabulary import ELEMENTS

        if not isinstance(sensitive, list) or any(e not in ELEMENTS for e in sensitive):
            raise ConfigError(
                "incident.yaml: minors.sensitive: a list of vocabulary elements "
                "(e.g. health.hiv, health.pregnancy, health.sexual)"
            )
        return cls(confidential, age, tuple(sensitive))

    def variant(self, age: int | None, elements: tuple[str, ...]) -> str:
        """Which letter a person gets (see the module's docstring)."""
        if age is None or age >= 18:
            return "adult"
        if not self.confidential or not set(elements) & set(self.sensitive):
            return "minor"
        return "minor_own" if age >= self.own_letter_from_age else "minor_generic"

    def generic(self, elements: tuple[str, ...]) -> tuple[str, ...]:
        """The elements a parents' letter may name: the sensitive ones made generic."""
        kept = tuple(e for e in elements if e not in self.sensitive)
        return (*kept, WITHHELD) if len(kept) < len(elements) else elements


def age_on(birth_date: date | None, on: date) -> int | None:
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
