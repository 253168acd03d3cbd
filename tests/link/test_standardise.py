"""Standardisers, run as the SQL they compile to (table-driven)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pytest

from vigie.link import standardise as std


def _apply(expr: Callable[[str], str], value: object) -> object:
    con = duckdb.connect()
    return con.execute(f"SELECT {expr('v')} FROM (SELECT ?::VARCHAR AS v)", [value]).fetchall()[0][
        0
    ]


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Le Goff", "LE GOFF"),
        ("MARTIN--DURANT", "MARTIN DURANT"),
        ("Martin-Durant", "MARTIN DURANT"),
        ("d'Alembert", "D ALEMBERT"),
        ("Bähr", "BAHR"),
        ("Lœuvre", "LOEUVRE"),
        ("  ", None),
        ("DUPONT épouse MARTIN", "DUPONT MARTIN"),
        (None, None),
    ],
)
def test_family_names_fold_case_accents_and_separators(raw: str | None, want: str | None) -> None:
    assert _apply(std.name, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [("Le Goff", "LEGOFF"), ("LEGOFF", "LEGOFF"), ("de la Tour", "DELATOUR")],
)
def test_name_key_ignores_spaces(raw: str, want: str) -> None:
    assert _apply(std.name_key, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Anne-Sophie Marie", "ANNE SOPHIE MARIE"),
        ("Hélène", "HELENE"),
        ("JEAN PIERRE", "JEAN PIERRE"),
    ],
)
def test_given_names_compound_with_or_without_hyphen(raw: str, want: str) -> None:
    assert _apply(std.given_names, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("1976-04-25", "1976-04-25"),
        ("25/04/1976", "1976-04-25"),
        ("2017-01-19T10:11:07", "2017-01-19"),
        ("2017-01-02 14:32:07", "2017-01-02"),
        ("19760425", "1976-04-25"),
        ("25.04.1976", "1976-04-25"),
        ("04/25/1976", "1976-04-25"),  # day/month swapped: read as month/day
        ("31/02/1976", None),
        ("inconnue", None),
    ],
)
def test_birth_dates_in_any_format(raw: str, want: str | None) -> None:
    got = _apply(std.birth_date, raw)
    assert (got.isoformat() if got else None) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("M", "M"),
        ("1", "M"),
        ("Homme", "M"),
        ("h", "M"),
        ("F", "F"),
        ("2", "F"),
        ("Féminin", "F"),
        ("Mme", "F"),
        ("X", None),
        ("", None),
    ],
)
def test_sex_spellings(raw: str, want: str | None) -> None:
    assert _apply(std.sex, raw) == want


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("269054958815780", True),
        ("2 69 05 49 588 157 80", True),
        ("253072A07300443", True),
        ("269054958815781", False),  # wrong key
        ("969054958815780", False),  # sex digit 9
        ("2690549588157", False),  # 13 characters: no key
    ],
)
def test_nir_key_is_checked(raw: str, valid: bool) -> None:
    con = duckdb.connect()
    sql = f"SELECT {std.nir_valid(std.nir('v'))} FROM (SELECT ?::VARCHAR AS v)"
    assert con.execute(sql, [raw]).fetchall()[0][0] is valid


@pytest.mark.parametrize(
    ("nir", "dob", "want"),
    [
        ("269054958815780", "1969-05-12", "F"),
        ("269054958815780", None, "F"),
        ("269054958815780", "2012-03-01", None),  # a child under the parent's NIR
        ("269054958815781", "1969-05-12", None),  # key fails
    ],
)
def test_sex_from_a_valid_nir_only_when_it_is_the_persons_own(
    nir: str, dob: str | None, want: str | None
) -> None:
    con = duckdb.connect()
    n = std.nir("v")
    expr = std.sex_from_nir(n, std.nir_valid(n), "d")
    sql = f"SELECT {expr} FROM (SELECT ?::VARCHAR AS v, ?::DATE AS d)"
    assert con.execute(sql, [nir, dob]).fetchall()[0][0] == want


@pytest.mark.parametrize(
    ("raw", "want", "dep"),
    [
        ("35000", "35000", "35"),
        ("5600", "05600", "05"),
        ("20090", "20090", "2A"),
        ("20200", "20200", "2B"),
        ("97110", "97110", "971"),
        ("35 000", "35000", "35"),
        ("abc", None, None),
    ],
)
def test_postcode_and_departement(raw: str, want: str | None, dep: str | None) -> None:
    assert _apply(std.postcode, raw) == want
    assert _apply(lambda e: std.departement(std.postcode(e)), raw) == dep


@pytest.mark.parametrize(
    ("raw", "want"),
    [("St-Malo", "SAINT MALO"), ("Rennes Cedex 9", "RENNES"), ("Vitré", "VITRE")],
)
def test_city(raw: str, want: str) -> None:
    assert _apply(std.city, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [("12 av. Jean Jaurès", "12 AVENUE JEAN JAURES"), ("3 bd de la Mer", "3 BOULEVARD DE LA MER")],
)
def test_street_abbreviations(raw: str, want: str) -> None:
    assert _apply(std.street, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [(" Jean.Dupont@Example.ORG ", "jean.dupont@example.org"), ("pas un mail", None)],
)
def test_email(raw: str, want: str | None) -> None:
    assert _apply(std.email, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe mobile, not +33
        ("0262 12 34 56", "+262262123456"),  # Réunion fixed
        ("123", None),
        (None, None),
    ],
)
def test_phone_e164(raw: str | None, want: str | None) -> None:
    assert std.phone_e164(raw) == want


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("02 99 10 94 12", True),
        ("0299109412", True),
        ("02.99.10.94.12", True),
        ("06-28-99-84-25", True),
        ("0690 12 34 56", False),  # Guadeloupe: phonenumbers with its own region
        ("0262 12 34 56", False),  # La Réunion
        ("+33 6 12 34 56 78", False),
        ("0033612345678", False),
        ("12345", False),
    ],
)
def test_sql_fast_path_for_plain_french_phones_agrees_with_phonenumbers(
    raw: str, plain: bool
) -> None:
    got = duckdb.connect().execute("SELECT " + std.phone_plain_fr("$1"), [raw]).fetchall()[0][0]
    assert got == (std.phone_e164(raw) if plain else None)
