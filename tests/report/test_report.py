"""The report of a real synth workspace: every figure against SQL, no personal value."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.report.page import ReportPage, as_dict
from vigie.assess.tiers import TIERS
from vigie.report.pdf import find_chromium
from vigie.vocabulary import category
from vigie.workspace import Workspace

# The session fixture runs synth -> ... -> assess on 2,000 persons (about 45 s).
pytestmark = pytest.mark.slow

Query = Callable[[duckdb.DuckDBPyConnection], dict[str, int]]


def _sql(sql: str) -> Query:
    return lambda con: as_dict(con.execute(sql).fetchall())


def _categories(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    persons: dict[str, set[str]] = defaultdict(set)
    for person, element in con.execute("SELECT person_id, element FROM person_exposure").fetchall():
        persons[category(element)].add(person)
    return {cat: len(ids) for cat, ids in persons.items()}


def _tiers(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    found = as_dict(con.execute("SELECT tier, count(*) FROM person_risk GROUP BY 1").fetchall())
    return {tier: found.get(tier, 0) for tier in TIERS}


CHARTS: dict[str, Query] = {
    "controllers": _sql(
        "SELECT controller, count(DISTINCT person_id) FROM person_registry GROUP BY 1"
    ),
    "departements": _sql(
        "SELECT coalesce(departement, 'inconnu'), count(*) FROM persons GROUP BY 1"
    ),
    "elements": _sql("SELECT element, count(DISTINCT person_id) FROM person_exposure GROUP BY 1"),
    "categories": _categories,
    "tiers": _tiers,
}
FIGURES = {
    "persons": "SELECT count(*) FROM persons",
    "minors": "SELECT count(*) FROM persons WHERE age_group = '0-17'",
    "deceased": "SELECT count(*) FROM persons WHERE deceased",
    "unattached": "SELECT count(*) FROM persons WHERE coalesce(n_controllers, 0) = 0",
    "controllers": "SELECT count(DISTINCT controller) FROM person_registry",
    "exposed_rows": "SELECT count(DISTINCT (table_name, _row)) FROM scan_exposure",
}
PERSONAL_COLUMNS = ("surname", "birth_name", "first_names", "address", "email", "phone")


@pytest.fixture
def page(report_html: tuple[Path, str]) -> ReportPage:
    return ReportPage(report_html[1])


@pytest.fixture
def con(assessed_ws: Path, keys_env: Path):  # type: ignore[no-untyped-def]
    with Workspace.open(assessed_ws).connect() as connection:
        yield connection


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_chart_figures_match_the_stage_tables(
    chart: str, page: ReportPage, con: duckdb.DuckDBPyConnection
) -> None:
    expected = CHARTS[chart](con)
    assert as_dict(page.charts[chart]) == expected
    assert sum(expected.values()) > 0


def test_charts_are_largest_first_where_not_ordered_by_meaning(page: ReportPage) -> None:
    for chart in ("controllers", "categories"):
        counts = [n for _, n in page.charts[chart]]
        assert counts == sorted(counts, reverse=True), chart
    assert [t for t, _ in page.charts["tiers"]] == list(TIERS)


def test_exams_per_month_add_up_to_the_leak_rows_with_an_exam(
    page: ReportPage, con: duckdb.DuckDBPyConnection
) -> None:
    months = page.charts["exams"]
    rows = con.execute("SELECT count(*) FROM scan_exposure WHERE element = 'care.exam'").fetchone()
    assert sum(n for _, n in months) == rows[0]
    first, last = con.execute("SELECT min(first_exam), max(last_exam) FROM persons").fetchone()
    assert months[0][0] == f"{first:%Y-%m}" and months[-1][0] == f"{last:%Y-%m}"
    keys = [m for m, _ in months]
    assert keys == sorted(keys) and len(keys) == len(set(keys))  # every month once, in order
    per_person_first = con.execute(
        "SELECT DISTINCT strftime(first_exam, '%Y-%m') FROM persons"
    ).fetchall()
    counted = {m for m, n in months if n > 0}
    assert {m for (m,) in per_person_first} <= counted


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_headline_figures_match_the_stage_tables(
    figure: str, page: ReportPage, con: duckdb.DuckDBPyConnection
) -> None:
    (expected,) = con.execute(FIGURES[figure]).fetchone()
    assert int(page.figures[figure]) == expected


def test_inventory_matches_scan_and_link(page: ReportPage, con: duckdb.DuckDBPyConnection) -> None:
    rows = as_dict(
        con.execute(
            "SELECT element, count(DISTINCT (table_name, _row)) FROM scan_exposure GROUP BY 1"
        ).fetchall()
    )
    persons = as_dict(
        con.execute(
            "SELECT element, count(DISTINCT person_id) FROM person_exposure GROUP BY 1"
        ).fetchall()
    )
    columns = as_dict(
        con.execute(
            "SELECT s.element, count(*) FROM scan_columns s JOIN _tables t "
            "ON t.name = s.table_name AND t.kind = 'leak' WHERE s.element IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert set(rows) <= set(page.inventory)
    for element, attrs in page.inventory.items():
        assert int(attrs["data-rows"]) == rows.get(element, 0), element
        assert int(attrs["data-persons"]) == persons.get(element, 0), element
        assert int(attrs["data-columns"]) == columns.get(element, 0), element


def test_decisions_are_those_of_the_latest_assessment(
    page: ReportPage, con: duckdb.DuckDBPyConnection
) -> None:
    (doc,) = con.execute(
        "SELECT decision FROM assessments ORDER BY recorded_at DESC LIMIT 1"
    ).fetchone()
    decision = json.loads(doc)
    for key in ("notify_sa", "notify_ds", "health_report"):
        assert page.decisions[key]["data-required"] == str(decision[key]["required"]).lower()
    assert page.figures["severity"] == decision["severity"]["level"]


def test_clock_at_report_time_counts_down_to_the_deadline(page: ReportPage) -> None:
    # aware 23/02 09:00, deadline 26/02 09:00, report at 24/02 15:30: 41.5 h left.
    assert page.clock == "running"
    assert "Il reste 41,5 h" in page.text
    assert "26/02/2021 à 09:00 (UTC+01:00)" in page.text


def _personal_values(con: duckdb.DuckDBPyConnection) -> list[str]:
    values: list[str] = []
    for column in PERSONAL_COLUMNS:
        found = con.execute(
            f"SELECT DISTINCT {column} FROM persons WHERE nullif(trim({column}), '') IS NOT NULL"
        ).fetchall()
        assert found, column
        values += [v.strip() for (v,) in found]
    return values


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


# The authorities' web addresses the report prints (signalement.social-sante.gouv.fr):
# their words are not data, though SANTE or SOCIAL may be someone's name.
_OFFICIAL_ADDRESS = re.compile(r"(?:https?://)?[\w.-]+\.(?:gouv\.fr|cnil\.fr)\b[\w/.-]*")


def _appearing(values: list[str], text: str) -> list[str]:
    # Whole values, word for word: a surname such as COMMENT is legitimately inside
    # COMMENTAIRE. Comparing word sequences keeps this fast over thousands of values.
    haystack = _words(_OFFICIAL_ADDRESS.sub(" ", text))
    return [v for v in values if _words(v).strip() and _words(v) in haystack]


def test_no_personal_value_appears(
    report_html: tuple[Path, str], con: duckdb.DuckDBPyConnection
) -> None:
    values = _personal_values(con)
    assert len(values) > 1000
    assert _appearing(values, report_html[1]) == []
    # The check itself catches a value that slipped in.
    planted = report_html[1].replace("</footer>", f"{values[0]}</footer>")
    assert _appearing(values, planted)


def test_the_page_is_self_contained(report_html: tuple[Path, str]) -> None:
    text = report_html[1]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r"url\(\s*['\"]?https?:", text)
    assert text.count("<svg") == 6
    assert len(text.encode()) < 600_000


@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium")
def test_pdf_by_headless_chromium(assessed_ws: Path, keys_env: Path, tmp_path: Path) -> None:
    from vigie.report import build_report

    result = build_report(Workspace.open(assessed_ws), output=tmp_path / "r.html", pdf=True)
    assert result.pdf == tmp_path / "r.pdf"
    assert result.pdf.read_bytes()[:5] == b"%PDF-"
