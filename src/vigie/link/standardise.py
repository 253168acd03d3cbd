"""Standardise identity values, as DuckDB SQL expressions (fast at 500k rows).

Each function takes a SQL expression (a quoted column) and returns the SQL of the
standardised value, NULL when nothing usable is left. Phones go through `phonenumbers`
(see `phone_e164`), applied once per distinct value.
"""

from __future__ import annotations

import functools
import re

import phonenumbers

# Words that are not part of a name: civil titles and the "épouse / née" conventions.
_NAME_NOISE = r"\b(EPOUSE|EPSE|EP|VEUVE|VVE|NEE|NE|MME|MLLE|M|MR|MONSIEUR|MADAME|DR)\b"
_STREET_ABBREVIATIONS = {
    "AV": "AVENUE",
    "AVE": "AVENUE",
    "BD": "BOULEVARD",
    "BLVD": "BOULEVARD",
    "R": "RUE",
    "CHE": "CHEMIN",
    "CHEM": "CHEMIN",
    "ALL": "ALLEE",
    "PL": "PLACE",
    "IMP": "IMPASSE",
    "RTE": "ROUTE",
    "FG": "FAUBOURG",
    "SQ": "SQUARE",
    "ST": "SAINT",
    "STE": "SAINTE",
    "LOT": "LOTISSEMENT",
    "RES": "RESIDENCE",
}
_SEX_MALE = ("M", "H", "1", "HOMME", "MASCULIN", "MALE", "MAN", "MR", "MONSIEUR", "GARCON")
_SEX_FEMALE = ("F", "2", "FEMME", "FEMININ", "FEMALE", "WOMAN", "MME", "MADAME", "MLLE", "FILLE")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
# A metropolitan-looking national number: 0 then 9 digits, in pairs or not.
_PLAIN_FR = re.compile(r"0[1-9](?:[ .\-]?[0-9]{2}){4}")
_SEPARATORS = re.compile(r"[ .\-]")
# Overseas départements: national prefixes -> region for phonenumbers (DOMAIN.md §1).
_OVERSEAS = {
    "0590": "GP",
    "0690": "GP",
    "0691": "GP",
    "0596": "MQ",
    "0696": "MQ",
    "0697": "MQ",
    "0594": "GF",
    "0694": "GF",
    "0262": "RE",
    "0263": "RE",
    "0692": "RE",
    "0693": "RE",
    "0269": "YT",
    "0639": "YT",
    "0508": "PM",
}


def _letters(expr: str) -> str:
    """Uppercase, accents and ligatures folded, anything not a letter as one space."""
    s = f"upper(strip_accents(CAST({expr} AS VARCHAR)))"
    s = f"replace(replace({s}, 'Œ', 'OE'), 'Æ', 'AE')"
    s = f"regexp_replace({s}, '[^A-Z]+', ' ', 'g')"
    return f"nullif(trim({s}), '')"


def name(expr: str) -> str:
    """A family name: `Le Goff`, `LE-GOFF`, `MARTIN--DURANT`, `d'Alembert` comparable."""
    s = f"regexp_replace({_letters(expr)}, '{_NAME_NOISE}', ' ', 'g')"
    return f"nullif(trim(regexp_replace({s}, ' +', ' ', 'g')), '')"


def name_key(expr: str) -> str:
    """A name without spaces: `LE GOFF` = `LEGOFF`, `DE LA TOUR` = `DELATOUR`."""
    return f"nullif(replace({name(expr)}, ' ', ''), '')"


def given_names(expr: str) -> str:
    """First names as one spaced string: `Anne-Sophie Marie` -> `ANNE SOPHIE MARIE`."""
    return _letters(expr)


def first_name(given_sql: str) -> str:
    """The first given name (of a standardised `given_names`)."""
    return f"nullif(split_part({given_sql}, ' ', 1), '')"


def birth_date(expr: str) -> str:
    """A birth date as DATE from ISO, French (`DD/MM/YYYY`), compact or timestamp text.

    A value invalid as day/month but valid as month/day (`03/25/1980`) is read swapped;
    comparisons also give credit to day/month swaps between records (model.py).
    """
    text = f"trim(split_part(replace(CAST({expr} AS VARCHAR), 'T', ' '), ' ', 1))"
    formats = ", ".join(f"'{f}'" for f in DATE_FORMATS)
    parsed = f"CAST(try_strptime({text}, [{formats}]) AS DATE)"
    swapped = f"CAST(try_strptime({text}, ['%m/%d/%Y', '%m-%d-%Y']) AS DATE)"
    return f"coalesce({parsed}, {swapped})"


def sex(expr: str) -> str:
    """`M` / `F` from the many spellings of sex (1/2, H/F, Homme, Madame...)."""
    s = f"upper(strip_accents(trim(CAST({expr} AS VARCHAR))))"
    males = ", ".join(f"'{v}'" for v in _SEX_MALE)
    females = ", ".join(f"'{v}'" for v in _SEX_FEMALE)
    return f"CASE WHEN {s} IN ({males}) THEN 'M' WHEN {s} IN ({females}) THEN 'F' END"


def nir(expr: str) -> str:
    """A NIR-shaped value without separators (kept even when its key fails: typos)."""
    s = f"upper(regexp_replace(CAST({expr} AS VARCHAR), '[\\s.\\-]', '', 'g'))"
    shape = "[0-9]{5}([0-9]{2}|2A|2B)[0-9]{6}([0-9]{2})?"
    return f"CASE WHEN regexp_full_match({s}, '{shape}') THEN {s} END"


def nir_valid(nir_sql: str) -> str:
    """True when a standardised NIR has 15 characters, a plausible sex and a correct key."""
    digits = (
        f"substr({nir_sql}, 1, 5) || replace(replace(substr({nir_sql}, 6, 2), '2A', '19'), "
        f"'2B', '18') || substr({nir_sql}, 8, 6)"
    )
    key = f"97 - (CAST({digits} AS BIGINT) % 97)"
    return (
        f"coalesce(length({nir_sql}) = 15 AND substr({nir_sql}, 1, 1) IN ('1','2','3','4','7','8') "
        f"AND {key} = TRY_CAST(substr({nir_sql}, 14, 2) AS INTEGER), false)"
    )


def sex_from_nir(nir_sql: str, valid_sql: str, dob_sql: str) -> str:
    """Sex from a valid NIR whose year and month agree with the birth date.

    A child recorded under a parent's NIR fails the year check, so the parent's sex is
    not given to the child.
    """
    yy = f"substr({nir_sql}, 2, 2)"
    mm = f"substr({nir_sql}, 4, 2)"
    agrees = (
        f"({dob_sql} IS NULL OR ({yy} = strftime({dob_sql}, '%y') "
        f"AND ({mm} = strftime({dob_sql}, '%m') OR TRY_CAST({mm} AS INTEGER) > 12)))"
    )
    first = f"substr({nir_sql}, 1, 1)"
    return (
        f"CASE WHEN {valid_sql} AND {agrees} THEN CASE WHEN {first} IN ('1','3','7') THEN 'M' "
        f"WHEN {first} IN ('2','4','8') THEN 'F' END END"
    )


def postcode(expr: str) -> str:
    """Digits of a postcode; a 4-digit code (leading zero lost in a spreadsheet) padded."""
    s = f"regexp_replace(CAST({expr} AS VARCHAR), '[^0-9AB]', '', 'g')"
    return f"CASE WHEN length({s}) = 4 THEN '0' || {s} WHEN length({s}) = 5 THEN {s} END"


def departement(postcode_sql: str) -> str:
    """Département of residence from a French postcode (97x overseas, 2A/2B Corsica)."""
    p = postcode_sql
    return (
        f"CASE WHEN {p} IS NULL THEN NULL WHEN substr({p}, 1, 2) IN ('97', '98') "
        f"THEN substr({p}, 1, 3) WHEN substr({p}, 1, 2) = '20' THEN "
        f"CASE WHEN {p} < '20200' THEN '2A' ELSE '2B' END ELSE substr({p}, 1, 2) END"
    )


def city(expr: str) -> str:
    """A commune: accents, hyphens, `ST`/`STE` and `CEDEX nn` unified."""
    s = f"regexp_replace({_letters(expr)}, '\\bCEDEX\\b', ' ', 'g')"
    s = f"regexp_replace({s}, '\\bST\\b', 'SAINT', 'g')"
    s = f"regexp_replace({s}, '\\bSTE\\b', 'SAINTE', 'g')"
    return f"nullif(trim(regexp_replace({s}, ' +', ' ', 'g')), '')"


def street(expr: str) -> str:
    """A street line: case, accents, punctuation and common abbreviations unified."""
    s = f"upper(strip_accents(CAST({expr} AS VARCHAR)))"
    s = f"trim(regexp_replace({s}, '[^A-Z0-9]+', ' ', 'g'))"
    for short, full in _STREET_ABBREVIATIONS.items():
        s = f"regexp_replace({s}, '\\b{short}\\b', '{full}', 'g')"
    return f"nullif({s}, '')"


def email(expr: str) -> str:
    """Lowercased, trimmed; NULL unless it looks like an address."""
    s = f"lower(trim(CAST({expr} AS VARCHAR)))"
    return f"CASE WHEN regexp_full_match({s}, '[^@\\s]+@[^@\\s]+\\.[^@\\s]+') THEN {s} END"


def phone_plain_fr(expr: str) -> str:
    """SQL for what `phone_e164` gives a plain metropolitan number (`02 99 10 94 12`),
    NULL for anything else (left to phonenumbers)."""
    digits = f"regexp_replace({expr}, '[ .\\-]', '', 'g')"
    overseas = ", ".join(f"'{p}'" for p in _OVERSEAS)
    return (
        f"CASE WHEN regexp_full_match({expr}, '{_PLAIN_FR.pattern}') "
        f"AND substr({digits}, 1, 4) NOT IN ({overseas}) THEN '+33' || substr({digits}, 2) END"
    )


@functools.lru_cache(maxsize=200_000)
def phone_e164(value: str | None) -> str | None:
    """A phone number in E.164 (`+33612345678`), French numbering by default.

    Numbers of the overseas départements are parsed with their own region, since
    phonenumbers reads `0690...` as an invalid +33 number (DOMAIN.md §1).
    """
    if value is None:
        return None
    raw = value.strip()
    if _PLAIN_FR.fullmatch(raw):  # most numbers: skip phonenumbers (slow per call)
        digits = _SEPARATORS.sub("", raw)
        if digits[:4] not in _OVERSEAS:
            return "+33" + digits[1:]
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) < 6:
        return None
    region = "FR"
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif not raw.startswith("+") and len(digits) == 10:
        region = _OVERSEAS.get(digits[:4], "FR")
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
