"""Filings drafted from assess, scan and link: the CNIL notification (every Art. 33(3)
field, PDF and JSON), the health-sector incident report, a package per controller, and a
public communication draft. Drafts: people review and file them (CNIL téléservice, the
signalement.social-sante.gouv.fr portal); vigie fills what the workspace knows."""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from vigie.notify import filing_text
from vigie.notify.letters import (
    DEFAULT_TEMPLATE_DIR,
    PDF_TIMESTAMP,
    TEMPLATE_FILES,
    pdf_bytes,
    write_private,
)
from vigie.workspace import Workspace, table_exists

FILINGS_DIR = "filings"


def _latest_assessment(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    if not table_exists(con, "assessments"):
        return {}
    rows = con.execute(
        "SELECT decision FROM assessments ORDER BY recorded_at DESC LIMIT 1"
    ).fetchall()
    return json.loads(rows[0][0]) if rows else {}


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, table: str) -> Any:
    return con.execute(sql).fetchall()[0][0] if table_exists(con, table) else None


def gather(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The figures the filings quote (counts only, no personal value)."""
    figures: dict[str, Any] = {
        "assessment": _latest_assessment(con),
        "persons": _scalar(con, "SELECT count(*) FROM persons", "persons"),
        "records": _scalar(con, "SELECT count(*) FROM person_records", "person_records"),
        "minors": None,
        "elements": {},
        "per_controller": {},
        "letters": _scalar(
            con,
            "SELECT count(*) FROM notify_letters WHERE issue = (SELECT max(issue) FROM "
            "notify_issues WHERE kind <> 'resend')",
            "notify_letters",
        ),
        "not_sent": {},
    }
    if table_exists(con, "person_exposure"):
        rows = con.execute(
            "SELECT element, count(DISTINCT person_id) FROM person_exposure "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        figures["elements"] = {str(e): int(n) for e, n in rows}
    if table_exists(con, "persons"):
        rows = con.execute(
            "SELECT c, count(*) FROM (SELECT unnest(controllers) AS c FROM persons) "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
        figures["per_controller"] = {str(c): int(n) for c, n in rows}
    if table_exists(con, "notify_not_sent"):
        rows = con.execute(
            "SELECT reason, count(*) FROM notify_not_sent WHERE issue = (SELECT max(issue) "
            "FROM notify_issues WHERE kind <> 'resend') GROUP BY 1 ORDER BY 1"
        ).fetchall()
        figures["not_sent"] = {str(r): int(n) for r, n in rows}
    return figures


def _render_pdf(doc: dict[str, Any], path: Path) -> None:
    import typst

    compiler = typst.Compiler(
        str(DEFAULT_TEMPLATE_DIR / "filing.typ"),
        root=str(DEFAULT_TEMPLATE_DIR),
        ignore_system_fonts=True,
    )
    data = json.dumps(filing_text.printable(doc), ensure_ascii=False, default=str)
    pdf = compiler.compile(
        format="pdf", sys_inputs={"data": data}, pdf_tags=False, timestamp=PDF_TIMESTAMP
    )
    write_private(path, pdf_bytes(pdf))


def _write_doc(folder: Path, stem: str, doc: dict[str, Any]) -> None:
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
    write_private(folder / f"{stem}.json", text.encode("utf-8"))
    _render_pdf(doc, folder / f"{stem}.pdf")


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "controller"


def write_filings(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    facts: dict[str, Any],
    template: Path = DEFAULT_TEMPLATE_DIR,
) -> Path:
    """Write every draft under WS/out/notify/filings/; returns that folder."""
    folder = ws.out_dir / "notify" / FILINGS_DIR
    for path in (folder.parent, folder, folder / "controllers"):
        path.mkdir(exist_ok=True, mode=0o700)
    figures = gather(con)
    now = datetime.now(UTC)
    _write_doc(folder, "cnil-notification", filing_text.cnil_notification(facts, figures, now))
    _write_doc(folder, "health-report", filing_text.health_report(facts, figures, now))
    public = filing_text.public_communication(facts, figures)
    write_private(folder / "public-communication.md", public.encode("utf-8"))
    _controller_packages(con, folder / "controllers", figures, template)
    return folder


def _minors_to_review(
    con: duckdb.DuckDBPyConnection, issue: str
) -> tuple[list[str], dict[str, list[tuple[Any, ...]]]]:
    """Each controller's minors whose parents' letter names some items only generically:
    for the lab's doctor to decide whether and how to inform (docs/letters.md, Minors)."""
    if not table_exists(con, "notify_minors_review"):
        return [], {}
    result = con.execute(
        "SELECT controller, person_id, letter_id, age, withheld FROM notify_minors_review "
        f"WHERE issue = {issue} ORDER BY controller, person_id"
    )
    header = [d[0] for d in result.description][1:]
    found: dict[str, list[tuple[Any, ...]]] = {}
    for row in result.fetchall():
        found.setdefault(row[0], []).append(row[1:])
    return header, found


_CONTROLLER_PERSONS = """
SELECT p.controller, p.person_id, p.surname, p.first_names, p.birth_date, p.postcode,
    l.letter_id, coalesce(CASE WHEN l.letter_id IS NOT NULL THEN 'letter' END, n.reason) AS notice,
    r.tier, array_to_string(e.elements, '|') AS elements
FROM (SELECT *, unnest(controllers) AS controller FROM persons) p
LEFT JOIN (SELECT person_id, list_sort(list(element)) AS elements FROM person_exposure
           GROUP BY 1) e USING (person_id)
LEFT JOIN {letters} l USING (person_id)
LEFT JOIN {not_sent} n USING (person_id)
LEFT JOIN {risk} r USING (person_id)
{where} ORDER BY p.controller, p.person_id
"""
# the last issue of letters to everyone (not a resend, not portal answers)
LAST_ISSUE = "(SELECT max(issue) FROM notify_issues WHERE kind IN ('initial', 'reissue'))"


def _persons_sql(con: duckdb.DuckDBPyConnection, where: str = "") -> str:
    return _CONTROLLER_PERSONS.format(
        letters=f"(SELECT * FROM notify_letters WHERE issue = {LAST_ISSUE})"
        if table_exists(con, "notify_letters")
        else "(SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS letter_id)",
        not_sent=f"(SELECT * FROM notify_not_sent WHERE issue = {LAST_ISSUE})"
        if table_exists(con, "notify_not_sent")
        else "(SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS reason)",
        risk="person_risk"
        if table_exists(con, "person_risk")
        else "(SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS tier)",
        where=where,
    )


def controller_persons(
    con: duckdb.DuckDBPyConnection, controller: str
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(header, rows) of one controller's persons.csv, by the packages' own query: each of
    its persons with the letter of the last issue to everyone or the reason none was
    sent, tier and exposed elements. Personal data: the console serves it to that
    controller (and the lead) only."""
    result = con.execute(_persons_sql(con, "WHERE p.controller = ?"), [controller])
    header = [d[0] for d in result.description][1:]  # without the controller
    return header, [row[1:] for row in result.fetchall()]


def controller_minors(
    con: duckdb.DuckDBPyConnection, controller: str
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(header, rows) of the controller's minors whose parents' letter names some items
    only generically (docs/letters.md, Minors). No rows before notify, or when none."""
    header, found = _minors_to_review(con, LAST_ISSUE)
    return header or ["person_id", "letter_id", "age", "withheld"], found.get(controller, [])


def _controller_packages(
    con: duckdb.DuckDBPyConnection, folder: Path, figures: dict[str, Any], template: Path
) -> None:
    """Per controller: its persons (CSV, personal data), its counts, its letter template."""
    issue = LAST_ISSUE
    sql = _persons_sql(con)
    # One query for every controller, read in its order a controller at a time (one query
    # each scanned every table again: 28 scans of 500,000 persons for the reference case).
    review = _minors_to_review(con, issue)  # first: no other query while the rows stream
    result = con.execute(sql)
    header = [d[0] for d in result.description][1:]  # without the controller
    left = set(figures["per_controller"])
    for controller, group in itertools.groupby(_fetched(result), key=lambda row: row[0]):
        if controller in left:
            left.remove(controller)
            rows = [row[1:] for row in group]
            _package(folder / slug(controller), controller, header, rows, figures, review)
    for controller in sorted(left):  # no person of theirs (kept: an empty package says so)
        _package(folder / slug(controller), controller, header, [], figures, review)
    for controller in figures["per_controller"]:
        copy = folder / slug(controller) / "letter-template"
        copy.mkdir(exist_ok=True, mode=0o700)
        for name in TEMPLATE_FILES:
            write_private(copy / name, (template / name).read_bytes())


def _fetched(result: duckdb.DuckDBPyConnection) -> Iterator[tuple[Any, ...]]:
    while chunk := result.fetchmany(10_000):
        yield from chunk


def _package(
    target: Path,
    controller: str,
    header: list[str],
    rows: list[tuple[Any, ...]],
    figures: dict[str, Any],
    review: tuple[list[str], dict[str, list[tuple[Any, ...]]]],
) -> None:
    """One controller's persons.csv, counts.json and minors_to_review.csv."""
    filing_text.write_csv(target / "persons.csv", header, rows)
    persons = figures["per_controller"][controller]
    counts = filing_text.controller_counts(controller, persons, rows)
    text = json.dumps(counts, ensure_ascii=False, indent=2) + "\n"
    write_private(target / "counts.json", text.encode("utf-8"))
    review_header, to_review = review
    if to_review.get(controller):
        filing_text.write_csv(target / "minors_to_review.csv", review_header, to_review[controller])
