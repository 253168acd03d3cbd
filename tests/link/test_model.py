"""The model's SQL: the fast typo test agrees with the edit distance it stands for."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.link import model

_DIGITS = st.text(alphabet="0123456789", min_size=10, max_size=10)


@st.composite
def _typed_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """A value and a copy with a few slips: substitutions and swapped neighbours."""
    value = draw(_DIGITS)
    chars = list(value)
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(chars) - 1))
        if draw(st.booleans()) and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = draw(st.sampled_from("0123456789"))
    return value, "".join(chars)


def _case(condition: str, left: str, right: str, column: str) -> bool:
    """The condition as Splink runs it: a CASE WHEN over the _l / _r columns."""
    values = f"(SELECT ? AS {column}_l, ? AS {column}_r)"
    sql = f"SELECT CASE WHEN {condition} THEN true ELSE false END FROM {values}"
    return bool(duckdb.sql(sql, params=[left, right]).fetchall()[0][0])


@settings(max_examples=300, deadline=None)
@given(_typed_pairs(), st.sampled_from([1, 2]))
def test_typo_condition_is_the_edit_distance(pair: tuple[str, str], edits: int) -> None:
    left, right = pair
    condition = model._typo("v", edits)
    expected = _case(f"damerau_levenshtein(v_l, v_r) <= {edits}", left, right, "v")
    assert _case(condition, left, right, "v") == expected


def test_typo_condition_on_values_of_different_lengths() -> None:
    # a NIR without its key against the same NIR with it: two characters apart
    assert _case(model._typo("v", 2), "1850375123456", "185037512345678", "v")
    assert not _case(model._typo("v", 1), "1850375123456", "185037512345678", "v")
