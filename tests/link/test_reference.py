"""The reference model shipped with vigie, the fallbacks built on it, and Splink kept quiet."""

from __future__ import annotations

import logging
import warnings

import duckdb
import pytest

from vigie.link import model, reference, train
from vigie.link.quiet import splink_quiet


def test_reference_covers_every_level_of_this_model_version() -> None:
    shipped = reference.load()
    assert shipped["model_version"] == model.MODEL_VERSION, "run scripts/make_reference_model.py"
    assert reference.missing_levels(shipped["levels"]) == []
    for levels in shipped["levels"].values():
        assert all(0 < p["m"] <= 1 and 0 < p["u"] <= 1 for p in levels.values())


def test_reference_tells_a_match_from_a_random_pair() -> None:
    levels = reference.load()["levels"]
    for comparison, label in (("nir", "equal, birth dates agree"), ("surname", "exact")):
        assert levels[comparison][label]["m"] > 100 * levels[comparison][label]["u"]
    assert levels["surname"]["all other"]["m"] < levels["surname"]["all other"]["u"] / 100


@pytest.mark.parametrize(
    ("records", "observed", "expected"),
    [
        (0, 0, reference.MAX_PRIOR),
        (1, 0, reference.MAX_PRIOR),
        (2, 1, reference.MAX_PRIOR),  # two identical rows: even odds, not certainty
        (200, 0, 0.5 / 0.8 / 19_900),  # half a pair where none was seen
        (200, 10, 10 / 0.8 / 19_900),
    ],
)
def test_default_prior(records: int, observed: int, expected: float) -> None:
    assert reference.default_prior(records, observed) == pytest.approx(expected)


def _records(values: list[tuple[str | None, str | None]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (unique_id BIGINT, a VARCHAR, b VARCHAR)")
    for i, (a, b) in enumerate(values):
        con.execute("INSERT INTO t VALUES (?, ?, ?)", [i, a, b])
    return con


@pytest.mark.parametrize(
    "values",
    [
        [],
        [("x", "1")],
        [("x", "1"), ("x", "1"), ("x", "1"), ("x", "2"), ("y", "1")],
        [("x", None), ("x", None), (None, "1"), ("x", "1"), ("x", "1")],
    ],
)
def test_session_pairs_counts_what_the_blocking_join_makes(values) -> None:
    con = _records(values)
    rule = "l.a = r.a AND l.b = r.b"
    joined = con.execute(
        f"SELECT count(*) FROM t l JOIN t r ON l.unique_id < r.unique_id AND {rule}"
    ).fetchall()[0][0]
    assert train.session_pairs(con, "t", rule) == joined
    assert (
        train.session_pairs(con, "t", "l.a = r.a")
        == con.execute(
            "SELECT count(*) FROM t l JOIN t r ON l.unique_id < r.unique_id AND l.a = r.a"
        ).fetchall()[0][0]
    )


def test_session_pairs_refuses_a_rule_it_cannot_count() -> None:
    with pytest.raises(ValueError):
        train.session_pairs(_records([]), "t", "l.a = r.b")


def test_fill_m_only_where_no_session_trained_and_vetoes_kept() -> None:
    from splink import DuckDBAPI, Linker

    fields = {"surname_key", "first_name", "nir"}
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE r AS SELECT 1::BIGINT AS unique_id, 'A' AS surname_key, "
        "'A' AS birth_surname_key, ['A'] AS surname_tokens, 'B' AS first_name, ['B'] AS "
        "given_tokens, '2000-01-01' AS dob_s, 'x' AS nir, 'x' AS street, 'x' AS postcode, "
        "'x' AS city"
    )
    settings = model.build_settings(fields)
    linker = Linker(DuckDBAPI(connection=con).register("r"), settings, log_level=None)
    comparisons = {c.output_column_name: c for c in linker._settings_obj.comparisons}
    exact = next(lv for lv in comparisons["nir"].comparison_levels if lv.label_for_charts == "typo")
    exact.m_probability = 0.5  # as if an EM session had trained the NIR
    filled = reference.fill_m(linker._settings_obj.comparisons)
    assert "nir" not in filled and {"surname", "first_name", "address"} <= set(filled)
    assert exact.m_probability == 0.5
    shipped = reference.load()["levels"]
    surname = {lv.label_for_charts: lv for lv in comparisons["surname"].comparison_levels}
    assert surname["exact"].m_probability == shipped["surname"]["exact"]["m"]
    veto = next(lv for lv in comparisons["first_name"].comparison_levels if lv._fix_m_probability)
    assert veto.m_probability == model.VETO_M


def test_splink_logs_and_warnings_stay_off_the_terminal(capfd, caplog) -> None:
    splink = logging.getLogger("splink")
    before = (splink.level, splink.propagate, list(splink.handlers))
    caplog.set_level(logging.DEBUG, logger="vigie.link.splink")
    with splink_quiet():
        splink.error("m values below 1e-300")
        warnings.warn("Splink deprecation", UserWarning, stacklevel=1)
    out, err = capfd.readouterr()
    assert "1e-300" not in out + err and "deprecation" not in out + err
    assert "m values below 1e-300" in caplog.text  # vigie's debug log (-vv) has it
    assert (splink.level, splink.propagate, list(splink.handlers)) == before
