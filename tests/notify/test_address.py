"""Postal blocks to NF Z10-011: 6 lines of 38 characters at most, reported when impossible."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.notify.address import (
    MAX_CHARS,
    MAX_LINES,
    AddressProblem,
    Recipient,
    format_address,
    plain_upper,
    street_line,
)


def _r(address: str, **kw: object) -> Recipient:
    base: dict[str, object] = dict(
        sex="F", first_names="Anne", surname="Le Goff", postcode="35000", city="Rennes"
    )
    base.update(kw)
    return Recipient(address=address, **base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("3 bis place Jules Ferry", ("Mme Anne LE GOFF", "3 B PLACE JULES FERRY", "35000 RENNES")),
        ("34 ter rue Sainte-Anne", ("Mme Anne LE GOFF", "34 T RUE SAINTE ANNE", "35000 RENNES")),
        ("4 à 8 rue d'Aix", ("Mme Anne LE GOFF", "4 RUE D AIX", "35000 RENNES")),
        ("12/14 rue du Port", ("Mme Anne LE GOFF", "12 RUE DU PORT", "35000 RENNES")),
        (
            "11 route de Kervénic, Résidence Bellevue, Appt 31",
            (
                "Mme Anne LE GOFF",
                "Appt 31",
                "Résidence Bellevue",
                "11 ROUTE DE KERVENIC",
                "35000 RENNES",
            ),
        ),
        (
            "5 rue de Bretagne, EHPAD Les Glycines",
            ("Mme Anne LE GOFF", "EHPAD Les Glycines", "5 RUE DE BRETAGNE", "35000 RENNES"),
        ),
        (
            "8 boulevard du Général Maréchal de Lattre",  # label 39 > 32: abbreviated
            ("Mme Anne LE GOFF", "8 BD DU GAL MAL DE LATTRE", "35000 RENNES"),
        ),
        (
            "8 avenue de la République",  # AVENUE stays AVENUE when the label fits
            ("Mme Anne LE GOFF", "8 AVENUE DE LA REPUBLIQUE", "35000 RENNES"),
        ),
    ],
)
def test_address_is_formatted_to_the_norm(address: str, expected: tuple[str, ...]) -> None:
    assert format_address(_r(address)) == expected


def test_minor_is_written_to_the_legal_representatives() -> None:
    block = format_address(_r("1 rue A", first_names="Lucas Paul", surname="Martin", minor=True))
    assert block == (
        "Aux représentants légaux de l'enfant",
        "Lucas MARTIN",
        "1 RUE A",
        "35000 RENNES",
    )


def test_long_first_name_falls_back_to_its_initial() -> None:
    block = format_address(_r("1 rue A", first_names="Marie-Bernadette", surname="X" * 28))
    assert not isinstance(block, AddressProblem)
    assert block[0] == "Mme M. " + "X" * 28


@pytest.mark.parametrize(
    ("recipient", "code"),
    [
        (_r(""), "no_address"),
        (_r("1 rue A", postcode=None), "no_address"),
        (_r("1 rue A", postcode="3500"), "bad_postcode"),
        (_r("12 avenue du Général Charles de Gaulle Prolongée Nord"), "line_too_long"),
        (_r("1 rue A", city="Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson"), "line_too_long"),
        (_r("1 rue A, Appt 3, Bât B, Résidence C, BP 12", minor=True), "too_many_lines"),
    ],
)
def test_address_that_cannot_fit_is_reported_not_cut(recipient: Recipient, code: str) -> None:
    result = format_address(recipient)
    assert isinstance(result, AddressProblem)
    assert result.code == code


def test_plain_upper_strips_accents_and_punctuation() -> None:
    assert plain_upper("Saint-Aubin-d'Aubigné, Œuvre") == "SAINT AUBIN D AUBIGNE OEUVRE"
    assert street_line("7 rue de l'Église") == "7 RUE DE L EGLISE"


_text = st.text(
    alphabet=st.sampled_from("abcdeéèàçô ABCXYZ-',/0123456789"), min_size=0, max_size=70
)


@settings(max_examples=300, deadline=None)
@given(address=_text, city=_text, first=_text, surname=_text, minor=st.booleans())
def test_any_block_is_within_the_norm_or_reported(
    address: str, city: str, first: str, surname: str, minor: bool
) -> None:
    result = format_address(
        Recipient("M", first, surname, address, "56000", city or "Vannes", minor)
    )
    if isinstance(result, AddressProblem):
        return
    assert 1 <= len(result) <= MAX_LINES
    assert all(len(line) <= MAX_CHARS for line in result)
    assert re.fullmatch(r"56000 [A-Z0-9 ]*", result[-1])
    assert all("  " not in line for line in result)
