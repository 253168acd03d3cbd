"""The linkage model as a declarative spec: Splink settings built from the fields present.

What is compared (DOMAIN.md §1-2):
- surname: usage and birth names both ways (a married woman's leak row under her usage
  name matches her registry row under her birth name), double names token by token,
  typos by Jaro-Winkler; term frequencies down-weight MARTIN, BERNARD...
- first name, with a veto: a pair whose first names differ while the birth dates are not
  the same is two people however much else agrees (parents, children and siblings share
  surname, address, phone and often the insured parent's NIR; a child's middle name is
  often a parent's first name), so that level's m is fixed near zero instead of learned;
  term frequencies for MARIE, JEAN...
- birth date: exact, day/month swapped, one digit apart (typo), same year; beyond that
  a veto too where a NIR may be a parent's (a father and son both named Jean), unless a
  personal identifier agrees.
- given and family names swapped between the two records (a level of its own).
- nir: equal with agreeing birth date (strong), equal otherwise (a shared insured's
  number: weak, learned), one or two characters apart (a typo), different.
- address (street, postcode, commune), phone, email, sex, another identifier.

The settings dict is JSON: saved in the workspace with the trained parameters, so a run
can be reproduced.
"""

from __future__ import annotations

import math
from typing import Any

MODEL_VERSION = 2  # 2: twins veto, first name among given names, typo by Hamming first
# m of a veto level, never trained: -100 bits, more than every other comparison agreeing
# can bring (twins agree on surname, birth date, NIR, address, phone: some +65 bits)
VETO_M = 1e-30

_F_EQ = "first_name_l = first_name_r"
_D_EQ = "dob_s_l = dob_s_r"
# `CLAIRE` for `MARIE CLAIRE` (the name in use); not twins sharing a middle name
# (`CHLOE NATHALIE`, `INES NATHALIE`: siblings often carry a parent's first name)
_FIRST_AMONG_GIVEN = (
    "(list_contains(given_tokens_r, first_name_l) OR list_contains(given_tokens_l, first_name_r))"
)
# Given and family names entered in each other's column, a typo allowed on either side.
_SWAPPED = (
    "(jaro_winkler_similarity(first_name_l, surname_key_r) >= 0.92 AND "
    "jaro_winkler_similarity(surname_key_l, first_name_r) >= 0.92)"
)
_D_SWAP = (
    "(substr(dob_s_l, 1, 4) = substr(dob_s_r, 1, 4) AND substr(dob_s_l, 6, 2) = "
    "substr(dob_s_r, 9, 2) AND substr(dob_s_l, 9, 2) = substr(dob_s_r, 6, 2))"
)


def _typo(column: str, edits: int) -> str:
    """At most `edits` Damerau-Levenshtein edits between `column`_l and `column`_r.

    DuckDB's damerau_levenshtein is the costliest function of the model (over half the
    scoring time at 2M records): between values of the same length, a Hamming distance
    (linear) settles most pairs, and the edit distance is computed only where
    transpositions could bring it within reach. Same result, except an insertion and a
    deletion in one value of the same length (not a typing slip on a date or a NIR).
    Conditions, so OR and AND short-circuit (Splink puts them in CASE WHEN).
    """
    left, right = f"{column}_l", f"{column}_r"
    hamming = f"(CASE WHEN length({left}) = length({right}) THEN hamming({left}, {right}) END)"
    distance = f"damerau_levenshtein({left}, {right}) <= {edits}"
    return (
        f"({hamming} <= {edits} OR ({hamming} <= {2 * edits} AND {distance}) "
        f"OR (length({left}) <> length({right}) AND {distance}))"
    )


_D_TYPO = _typo("dob_s", 1)
_D_CLOSE = f"({_D_EQ} OR {_D_SWAP} OR {_D_TYPO})"


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(sql: str) -> dict[str, Any]:
    return _level(sql, "null", is_null_level=True)


def _else() -> dict[str, Any]:
    return _level("ELSE", "all other")


def surname() -> dict[str, Any]:
    """Usage and birth names compared both ways; tokens for double names."""
    cross = (
        "surname_key_l = birth_surname_key_r OR birth_surname_key_l = surname_key_r "
        "OR birth_surname_key_l = birth_surname_key_r"
    )

    def close(at: float) -> str:
        # OR and AND short-circuit in a CASE condition: the birth names are compared only
        # where one differs from the usage name (a twentieth of the pairs)
        def jw(left: str, right: str) -> str:
            return f"jaro_winkler_similarity({left}_l, {right}_r) >= {at}"

        other = " OR ".join(
            jw(a, b)
            for a, b in (
                ("birth_surname_key", "birth_surname_key"),
                ("surname_key", "birth_surname_key"),
                ("birth_surname_key", "surname_key"),
            )
        )
        differs = "(birth_surname_key_l <> surname_key_l OR birth_surname_key_r <> surname_key_r)"
        return f"({jw('surname_key', 'surname_key')} OR ({differs} AND ({other})))"

    return {
        "output_column_name": "surname",
        "comparison_levels": [
            _null("surname_key_l IS NULL OR surname_key_r IS NULL"),
            _level("surname_key_l = surname_key_r", "exact", tf_adjustment_column="surname_key"),
            _level(cross, "exact birth/usage name"),
            _level(close(0.92), "close (typo)"),
            _level(_SWAPPED, "given and family names swapped"),
            _level("list_has_any(surname_tokens_l, surname_tokens_r)", "one name in common"),
            _level(close(0.8), "similar"),
            _else(),
        ],
    }


def first_name(personal_id: bool = False, household_ids: bool = False) -> dict[str, Any]:
    """First names, with the household veto: first names that share no name and are not
    a typo of each other, with birth dates that are not the same, are two people
    (parents, children, siblings). Where ids may be a household's (the NIR), the same
    birth date does not lift it: twins share it with their surname, address and the
    parent's NIR, and only the first name tells them apart.

    A personal identifier agreeing (`other_id`; not the NIR, which may be a parent's)
    lifts the veto.
    """
    veto = "dob_s_l IS NOT NULL AND dob_s_r IS NOT NULL"
    if not household_ids:
        veto += f" AND NOT {_D_EQ}"
    if personal_id:
        veto += " AND other_id_l IS DISTINCT FROM other_id_r"
    return {
        "output_column_name": "first_name",
        "comparison_levels": [
            _null("first_name_l IS NULL OR first_name_r IS NULL"),
            _level(_F_EQ, "exact", tf_adjustment_column="first_name"),
            _level("jaro_winkler_similarity(first_name_l, first_name_r) >= 0.9", "close (typo)"),
            _level(_SWAPPED, "given and family names swapped"),
            _level(
                f"{_FIRST_AMONG_GIVEN} AND {_D_CLOSE}",
                "one's first name among the other's given names, birth dates agree",
            ),
            _level(
                veto,
                "differs (another person: veto)",
                m_probability=VETO_M,
                fix_m_probability=True,
            ),
            _else(),
        ],
    }


def birth_date(household_ids: bool, personal_id: bool = False) -> dict[str, Any]:
    """Birth dates; with household-shared ids (NIR), differing beyond a typo is a veto
    unless a personal id agrees."""
    veto = "other_id_l IS DISTINCT FROM other_id_r" if personal_id else "true"
    if not household_ids:
        veto = "false"
    return {
        "output_column_name": "dob",
        "comparison_levels": [
            _null("dob_s_l IS NULL OR dob_s_r IS NULL"),
            _level(_D_EQ, "exact"),
            _level(_D_SWAP, "day and month swapped"),
            _level(_D_TYPO, "one digit apart"),
            _level("substr(dob_s_l, 1, 4) = substr(dob_s_r, 1, 4)", "same year"),
            _level(
                veto, "differs beyond a typo (veto)", m_probability=VETO_M, fix_m_probability=True
            ),
            _else(),
        ],
    }


def nir() -> dict[str, Any]:
    return {
        "output_column_name": "nir",
        "comparison_levels": [
            _null("nir_l IS NULL OR nir_r IS NULL"),
            _level(f"nir_l = nir_r AND {_D_CLOSE}", "equal, birth dates agree"),
            _level("nir_l = nir_r", "equal, birth dates differ (shared insured's NIR)"),
            _level(_typo("nir", 2), "typo"),
            _else(),
        ],
    }


def other_id() -> dict[str, Any]:
    return {
        "output_column_name": "other_id",
        "comparison_levels": [
            _null("other_id_l IS NULL OR other_id_r IS NULL"),
            _level("other_id_l = other_id_r", "exact", tf_adjustment_column="other_id"),
            _level(_typo("other_id", 2), "typo"),
            _else(),
        ],
    }


def address() -> dict[str, Any]:
    place = "(postcode_l = postcode_r OR city_l = city_r)"
    return {
        "output_column_name": "address",
        "comparison_levels": [
            _null(
                "(street_l IS NULL OR street_r IS NULL) AND (postcode_l IS NULL OR "
                "postcode_r IS NULL) AND (city_l IS NULL OR city_r IS NULL)"
            ),
            _level(f"street_l = street_r AND {place}", "same street line and place"),
            _level(
                f"{place} AND jaro_winkler_similarity(street_l, street_r) >= 0.9",
                "close street line, same place",
            ),
            _level(place, "same postcode or commune"),
            _level("substr(postcode_l, 1, 2) = substr(postcode_r, 1, 2)", "same département"),
            _else(),
        ],
    }


def exact(column: str, *, tf: bool = False) -> dict[str, Any]:
    extra = {"tf_adjustment_column": column} if tf else {}
    return {
        "output_column_name": column,
        "comparison_levels": [
            _null(f"{column}_l IS NULL OR {column}_r IS NULL"),
            _level(f"{column}_l = {column}_r", "exact", **extra),
            _else(),
        ],
    }


# Blocking: each rule keeps the pair count near-linear; together they keep recall
# (married names escape name rules, typos escape date rules, movers escape address).
_BLOCKING = [  # (field the rule needs, rule, wide: see _APART_BY_NIR)
    ("nir", "l.nir = r.nir", False),
    ("other_id", "l.other_id = r.other_id", False),
    ("first_name", "l.first_name = r.first_name AND l.dob_s = r.dob_s", True),
    # same names and birth year (a typo in day or month): MARTIN MARIE alone pairs
    # thousands of records at 2M; NIR, phone, e-mail and address rules catch the rest
    (
        "surname_key",
        "l.surname_key = r.surname_key AND l.first_name = r.first_name AND l.dob_y = r.dob_y",
        False,
    ),
    (
        "surname_key",
        "l.birth_surname_key = r.birth_surname_key AND l.first_name = r.first_name "
        "AND l.dob_y = r.dob_y",
        False,
    ),
    (
        "postcode",
        "l.surname_key = r.surname_key AND l.first_name = r.first_name AND l.postcode = r.postcode",
        False,
    ),
    ("surname_key", "l.surname_key = r.surname_key AND l.dob_s = r.dob_s", False),
    ("first_name", "l.first_name = r.surname_key AND l.surname_key = r.first_name", True),
    ("postcode", "l.postcode = r.postcode AND l.dob_s = r.dob_s", True),
    # same address: with the same first name (not a relative) or the same birth date
    (
        "street",
        "l.street = r.street AND l.postcode = r.postcode AND l.first_name = r.first_name",
        False,
    ),
    ("street", "l.street = r.street AND l.dob_s = r.dob_s", False),
    ("phone", "l.phone = r.phone", True),
    ("email", "l.email = r.email", True),
]
# Wide rules, without a surname, whose blocks grow with the population of a place or a
# household: at 2,000,000 persons "same first name and birth date" made 8.6 M pairs of
# which 0.7 M scored 0.5 or more, "same postcode and birth date" 3.2 M for 6, phone and
# e-mail 2.1 M for 63 (households share them). Two valid NIRs that differ are two
# persons (a typo breaks the key; one person under two NIRs, a child under a parent's,
# keeps a surname and a birth date: the surname rules still pair them), so these rules
# leave such pairs out and cost grows with the persons, not with their square.
_APART_BY_NIR = "NOT coalesce(l.nir_valid AND r.nir_valid AND l.nir <> r.nir, false)"


def blocking_rules(fields: set[str]) -> list[str]:
    """The prediction's blocking rules for the fields present."""
    apart = "nir" in fields
    return [
        f"{rule} AND {_APART_BY_NIR}" if wide and apart else rule
        for field, rule, wide in _BLOCKING
        if field in fields
    ]


def build_settings(fields: set[str]) -> dict[str, Any]:
    """Splink settings for the fields present in the records (non-empty somewhere)."""
    personal_id = "other_id" in fields
    household_ids = "nir" in fields
    comparisons = [
        surname(),
        first_name(personal_id, household_ids),
        birth_date(household_ids, personal_id),
    ]
    if "nir" in fields:
        comparisons.append(nir())
    if "other_id" in fields:
        comparisons.append(other_id())
    comparisons.append(address())
    for column in ("phone", "email", "sex"):
        if column in fields:
            comparisons.append(exact(column))
    rules = blocking_rules(fields)
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": rules,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
        "max_iterations": 10,  # with u sampled first, EM converges in a few
        "em_convergence": 0.0001,
    }


def training_rules(fields: set[str]) -> list[str]:
    """EM sessions: each fixes some comparisons and learns the others."""
    rules = ["l.first_name = r.first_name AND l.dob_s = r.dob_s"]
    if "nir" in fields:
        rules.append("l.nir = r.nir")
    elif "other_id" in fields:
        rules.append("l.other_id = r.other_id")
    rules.append("l.surname_key = r.surname_key AND l.postcode = r.postcode")
    if "street" in fields and "nir" not in fields and "other_id" in fields:
        # Splink skips, in a session, every comparison that reads a blocking column; the
        # first-name comparison reads surname, birth date and the personal id (swap and
        # veto levels), so without a NIR session only an address session learns its m.
        rules.append("l.street = r.street AND l.postcode = r.postcode")
    return rules


def deterministic_rules(fields: set[str]) -> list[str]:
    """Pairs almost surely the same person, to estimate the prior match probability."""
    rules = ["l.surname_key = r.surname_key AND l.first_name = r.first_name AND l.dob_s = r.dob_s"]
    if "nir" in fields:
        rules.append("l.nir = r.nir AND l.first_name = r.first_name AND l.dob_s = r.dob_s")
    return rules


def summary(trained: dict[str, Any]) -> dict[str, Any]:
    """The trained parameters a reader checks: the prior, and per comparison level m, u and
    the evidence in bits (log2 m/u: positive for a match, negative against; None where a
    level was never seen in the incident)."""
    comparisons = []
    for comparison in trained.get("comparisons", []):
        levels = []
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            known = isinstance(m, float | int) and isinstance(u, float | int) and m > 0 < u
            levels.append(
                {
                    "level": level.get("label_for_charts"),
                    "m": m,
                    "u": u,
                    "bits": round(math.log2(m / u), 2) if known else None,
                    "fixed": bool(level.get("fix_m_probability")),
                }
            )
        comparisons.append({"comparison": comparison.get("output_column_name"), "levels": levels})
    return {
        "prior": trained.get("probability_two_random_records_match"),
        "comparisons": comparisons,
    }
