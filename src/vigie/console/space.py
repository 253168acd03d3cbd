"""The wording of a controller's letters, as `vigie notify` writes them.

The texts come from notify's own functions (variants.letter_text, wording.*), with the
controller as sender and its DPO's address, the incident's facts, the last issue's date
and the verification page the letters print: what its patients read, for its DPO to
check and to answer calls about. No personal value goes in (a neutral salutation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vigie.assess.tiers import TIERS
from vigie.console.data import LetterInputs
from vigie.notify import wording
from vigie.notify.run import NotifyOptions, controllers_of, incident_text
from vigie.notify.variants import letter_text


@dataclass(frozen=True)
class Wording:
    controller: str
    dpo: str
    letter_date: date
    adult: dict[str, dict[str, Any]]  # the parts of an adult's letter
    minor: dict[str, dict[str, Any]] | None  # of a letter to a minor's parents, if any
    tiers: list[tuple[str, str, int]]  # (tier, sentence, persons)
    elements: list[tuple[str, str, int]]  # (element, phrase, persons)


def letter_wording(facts: dict[str, Any], inputs: LetterInputs, verify_url: str | None) -> Wording:
    dpos, fallback = controllers_of(facts)
    sender = inputs.controller
    dpo = dpos.get(sender) or dpos.get(fallback, "")
    options = NotifyOptions(letter_date=inputs.letter_date, verify_url=verify_url)
    inc = incident_text(facts, options)
    elements = [e for e in inputs.elements if e in wording.ELEMENT_PHRASES]
    common = max(inputs.tiers, key=lambda t: inputs.tiers[t], default="medium")

    def parts(minor: bool) -> dict[str, dict[str, Any]]:
        address = ("Aux représentants légaux de", "[l'enfant]") if minor else ("[la personne]",)
        text = letter_text({"sex": ""}, address=address, minor=minor, tier=common,
                           elements=elements, sender=sender, dpo=dpo, inc=inc)  # fmt: skip
        return text.parts

    tiers = [(t, wording.tier_sentence(t), inputs.tiers.get(t, 0)) for t in TIERS]
    phrases = [(e, wording.element_phrase(e), inputs.elements[e]) for e in elements]
    return Wording(sender, dpo, inc.letter_date, parts(False),
                   parts(True) if inputs.minors else None, tiers, phrases)  # fmt: skip
