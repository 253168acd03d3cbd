"""Every element has everyday French; advice follows what leaked (DOMAIN.md §7)."""

from __future__ import annotations

import pytest

from vigie.notify import wording
from vigie.vocabulary import ELEMENTS


def test_every_vocabulary_element_has_a_phrase() -> None:
    assert set(wording.ELEMENT_PHRASES) == set(ELEMENTS)


@pytest.mark.parametrize("minor", [False, True])
def test_phrases_are_distinct_so_a_letter_can_be_read_back(minor: bool) -> None:
    assert len(wording.phrase_to_element(minor=minor)) == len(ELEMENTS) + 1  # + withheld


def test_minor_phrases_speak_of_the_child() -> None:
    assert wording.element_phrase("national_id.nir", minor=True).startswith("son ")
    assert wording.element_phrase("national_id.nir").startswith("votre ")


@pytest.mark.parametrize(
    ("elements", "expected", "absent"),
    [
        (["national_id.nir"], "Assurance Maladie", "relevés de compte"),
        (["contact.email"], "pièces jointes", "Assurance Maladie"),
        (["health.hiv"], "portez plainte", "Assurance Maladie"),
        (["financial.iban"], "relevés de compte", "carte Vitale"),
        (["credentials.password"], "double authentification", "carte Vitale"),
    ],
)
def test_advice_is_specific_to_what_leaked(elements: list[str], expected: str, absent: str) -> None:
    advice = " ".join(wording.advice_for(elements))
    assert expected in advice
    assert absent not in advice
    assert wording.advice_for(elements)[-1] == wording.GENERAL_ADVICE


def test_phrases_follow_vocabulary_order() -> None:
    phrases = wording.element_phrases(["health.hiv", "identity.last_name"])
    assert phrases == ["votre nom", wording.element_phrase("health.hiv")]
