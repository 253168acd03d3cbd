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
    # The documented exception: `edits` substitutions and transpositions change at most
    # 2 x edits positions, so two values of one length further apart are within `edits`
    # only by an insertion and a deletion (three slips can happen to make one:
    # 0000120100 / 0001201000), which the typo level leaves out by design.
    shifted = sum(a != b for a, b in zip(left, right, strict=True)) > 2 * edits
    assert _case(condition, left, right, "v") == (expected and not shifted)


def test_typo_condition_on_values_of_different_lengths() -> None:
    # a NIR without its key against the same NIR with it: two characters apart
    assert _case(model._typo("v", 2), "1850375123456", "185037512345678", "v")
    assert not _case(model._typo("v", 1), "1850375123456", "185037512345678", "v")


def test_no_learned_m_below_the_floor_and_vetoes_kept() -> None:
    from splink import DuckDBAPI, Linker

    from vigie.link import train

    fields = {"surname_key", "first_name", "nir", "phone"}
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE r AS SELECT 1::BIGINT AS unique_id, 'A' AS surname_key, "
        "'A' AS birth_surname_key, ['A'] AS surname_tokens, 'B' AS first_name, ['B'] AS "
        "given_tokens, '2000-01-01' AS dob_s, 'x' AS nir, 'x' AS street, 'x' AS postcode, "
        "'x' AS city, 'x' AS phone"
    )
    linker = Linker(DuckDBAPI(connection=con).register("r"), model.build_settings(fields))
    levels = {
        (c.output_column_name, lv.label_for_charts): lv
        for c in linker._settings_obj.comparisons
        for lv in c.comparison_levels
        if not lv.is_null_level
    }
    levels[("phone", "all other")].m_probability = 1e-30  # EM on clean data
    levels[("phone", "exact")].m_probability = 1.0
    for comparison in ("surname", "first_name"):  # trained, but one level never reached
        for (name, label), level in levels.items():
            if name == comparison and level._m_probability is None:
                level.m_probability = 0.5 if label == "exact" else 0.1
    levels[("first_name", "all other")]._m_probability = None
    train.floor_m(linker)
    assert levels[("phone", "all other")].m_probability == train.M_FLOOR
    assert levels[("phone", "exact")].m_probability == 1.0
    assert levels[("first_name", "all other")].m_probability == train.M_FLOOR
    veto = "differs (another person: veto)"
    assert levels[("first_name", veto)].m_probability == model.VETO_M
    assert levels[("nir", "typo")]._m_probability is None  # nir never trained: left alone


def test_model_digest_ignores_splinks_random_linker_uid() -> None:
    from vigie.link.train import PAIRS, Training, finish

    con = duckdb.connect()
    con.execute(f"CREATE TABLE {PAIRS} (pair INTEGER)")
    training = Training(True, True, [], [])
    first = finish(con, {"linker_uid": "j0kuy19a", "m": 0.9}, {}, training)
    again = finish(con, {"linker_uid": "bkbr025g", "m": 0.9}, {}, training)
    other = finish(con, {"linker_uid": "bkbr025g", "m": 0.8}, {}, training)
    assert first.digest == again.digest != other.digest
    assert "linker_uid" not in first.model


def test_model_digest_ignores_float_noise_in_the_last_bits() -> None:
    # Two uninterrupted runs of link on one incident gave these two m (crash tests).
    from vigie.link.train import model_digest

    first = model_digest({"m": 0.010178374436400347, "u": [0.5]})
    again = model_digest({"m": 0.010178374436400345, "u": [0.5]})
    assert first == again != model_digest({"m": 0.0101783744365, "u": [0.5]})


def _nir(first13: str) -> str:
    from stdnum.fr import nir

    return first13 + nir.calc_check_digits(first13)


def test_wide_blocking_rules_leave_out_two_persons_with_their_own_nirs() -> None:
    """Same first name and birth date, two valid NIRs that differ: two persons, not a pair
    to score (at 2,000,000 persons such pairs were 7.5 M of the rule's 8.6 M). A NIR with
    a typo (its key broken) or missing still pairs, and a child recorded under a parent's
    NIR meets its own record through the surname rules."""
    from vigie.link import standardise as std

    own, other, parent = _nir("2850375123456"), _nir("2850375654321"), _nir("1550375111222")
    typo = own[:5] + ("9" if own[5] != "9" else "8") + own[6:]
    rows = [  # unique_id, surname_key, first_name, dob_s, nir
        (1, "MARTIN", "MARIE", "1985-03-02", own),
        (2, "DURAND", "MARIE", "1985-03-02", other),  # another Marie born that day
        (3, "LEROY", "MARIE", "1985-03-02", typo),  # the first, married, NIR mistyped
        (4, "PETIT", "MARIE", "1985-03-02", None),  # no NIR
        (5, "MARTIN", "MARIE", "1985-03-02", parent),  # the first under a parent's NIR
    ]
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE r (unique_id BIGINT, surname_key VARCHAR, first_name VARCHAR, "
        "dob_s VARCHAR, nir VARCHAR)"
    )
    con.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?)", rows)
    con.execute(
        f"CREATE TABLE rec AS SELECT *, {std.nir_valid('nir')} AS nir_valid, "
        "surname_key AS birth_surname_key, substr(dob_s, 1, 4) AS dob_y FROM r"
    )
    assert [v for (v,) in con.execute("SELECT nir_valid FROM rec ORDER BY 1").fetchall()] == [
        False, False, True, True, True,
    ]  # fmt: skip
    fields = {"nir", "first_name", "surname_key"}
    rules = model.blocking_rules(fields)
    wide = next(r for r in rules if r.startswith("l.first_name = r.first_name AND l.dob_s"))

    def pairs(rule: str) -> set[tuple[int, int]]:
        sql = (
            "SELECT l.unique_id, r.unique_id FROM rec l JOIN rec r "
            f"ON {rule} AND l.unique_id < r.unique_id"
        )
        return {(a, b) for a, b in con.execute(sql).fetchall()}

    assert (1, 2) not in pairs(wide)  # two valid NIRs that differ
    assert {(1, 3), (1, 4), (2, 3), (3, 4)} <= pairs(wide)
    union = set().union(*(pairs(r) for r in rules))
    assert (1, 5) in union  # same surname and birth date: the surname rule
    assert (1, 2) not in union
    # without NIRs in the incident the rules stay as they were
    assert model.blocking_rules({"first_name", "surname_key"}) == [
        r for f, r, _ in model._BLOCKING if f in {"first_name", "surname_key"}
    ]
