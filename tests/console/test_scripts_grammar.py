"""Grammalecte over everything an agent reads out: every situation's script (with each
kind of sender name and date), every outcome's, and the tier wording and advice of each
kind of caller (adult, a minor's representatives), as the page shows them: in French
print typography, so only the printed letters' accepted rules apply."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from tests.notify.letter_variants import SENDERS
from tests.notify.test_grammar import ACCEPTED_PRINTED, KNOWN_WORDS, _check, needs_grammalecte
from vigie.console.scripts import OUTCOME_SCRIPTS, SCRIPTS, outcome_script, scripts_for
from vigie.french import typographic
from vigie.notify import wording
from vigie.notify.minors import WITHHELD
from vigie.vocabulary import ELEMENTS

# Words of the scripts outside Grammalecte's dictionary (acronyms).
SCRIPT_WORDS = {"RGPD"}


def script_variants() -> dict[str, list[str]]:
    """Each situation's script for each kind of sender name and two dates (one the 1st)."""
    texts = {}
    for situation, sender, day in itertools.product(
        SCRIPTS, SENDERS, (date(2021, 3, 1), date(2021, 3, 12))
    ):
        lookup = SimpleNamespace(letter_id="L01-000001", issued_on=day, issuer=sender,
                                 situations=[situation])  # fmt: skip
        (script,) = scripts_for(lookup)
        texts[f"{situation} {sender} {day}"] = [script.title, *script.paragraphs]
    for kind in OUTCOME_SCRIPTS:
        texts[f"outcome {kind}"] = [outcome_script(kind)]
    for minor, tier in itertools.product((False, True), wording.TIER_SENTENCES):
        elements = [*ELEMENTS, WITHHELD] if minor else list(ELEMENTS)
        texts[f"caller {minor} {tier}"] = [
            typographic(wording.tier_sentence(tier, minor=minor)),
            *(typographic(a) for a in wording.advice_for(elements, minor=minor)),
        ]
    return texts


def test_every_situation_has_a_script_with_what_to_say() -> None:
    assert set(SCRIPTS) >= {"genuine", "not_found", "unknown_code", "minor", "minor_own",
                            "returned", "health", "not_in_leak"}  # fmt: skip
    texts = script_variants()
    assert all(all(p.strip() for p in paragraphs) for paragraphs in texts.values())
    assert all("{" not in p for paragraphs in texts.values() for p in paragraphs)
    genuine = texts[f"genuine {SENDERS[1]} 2021-03-01"]
    assert "1er mars 2021 au nom d’Océalab" in genuine[1]
    assert "au nom du Laboratoire" in texts[f"genuine {SENDERS[0]} 2021-03-12"][1]


@needs_grammalecte
def test_no_grammar_error_in_what_agents_read_out(tmp_path: Path) -> None:
    texts = script_variants()
    checked = _check(texts, ACCEPTED_PRINTED, tmp_path)
    print(f"grammalecte, call-centre scripts: {len(texts)} variants, {checked.paragraphs} "
          f"distinct paragraphs, {len(checked.errors)} errors")  # fmt: skip
    assert checked.paragraphs > 40
    assert checked.errors == []
    unknown = checked.unknown - KNOWN_WORDS - SCRIPT_WORDS
    assert not unknown, "typo? " + ", ".join(sorted(unknown))
