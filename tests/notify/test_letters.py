"""End to end on a synthetic incident: one letter per notifiable person, each listing
exactly that person's exposure, the address in the envelope window, codes that verify."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.notify.conftest import LETTER_DATE, Notified
from tests.notify.pdftext import page_lines, page_texts, render_png
from vigie.notify import wording
from vigie.notify.address import MAX_CHARS, MAX_LINES
from vigie.notify.minors import MinorsPolicy
from vigie.notify.people import load_people
from vigie.workspace import Workspace

# The shared synth incident takes ~25 s to build (synth -> link -> assess -> notify).
pytestmark = [pytest.mark.usefixtures("notify_env"), pytest.mark.slow]


def _letters(notified: Notified) -> list[dict[str, Any]]:
    with Workspace.open(notified.workspace).connect() as con:
        cur = con.execute("SELECT * FROM notify_letters WHERE issue = 1 ORDER BY letter_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _pages(notified: Notified) -> dict[str, list[str]]:
    """batch name -> text of each page."""
    out = Path(notified.result["out"]) / "letters"
    return {p.stem: page_texts(p) for p in sorted(out.glob("batch-*.pdf"))}


def _exposure(notified: Notified) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    with Workspace.open(notified.workspace).connect() as con:
        for pid, element in con.execute(
            "SELECT person_id, element FROM person_exposure"
        ).fetchall():
            found[pid].add(element)
    return found


def _listed_elements(page_one: str, minor: bool) -> set[str]:
    """Read the bullet list of page 1 back into elements."""
    page_one = " ".join(page_one.split())
    start = page_one.index("ont été exposées :") + len("ont été exposées :")
    sentences = [*wording.TIER_SENTENCES.values(), *wording.TIER_SENTENCES_MINOR.values()]
    ends = [page_one.find(s, start) for s in sentences]
    end = min(e for e in ends if e > 0)
    items = [" ".join(i.split()) for i in page_one[start:end].split("•") if i.strip()]
    reverse = wording.phrase_to_element(minor=minor)
    return {reverse[item] for item in items}


def test_counts_reconcile_persons_letters_and_not_sent(notified: Notified) -> None:
    r = notified.result
    assert r["persons"] == r["letters"] + sum(r["not_sent"].values())
    assert r["letters"] > 250 and r["not_sent"]["deceased"] > 0
    with Workspace.open(notified.workspace).connect() as con:
        persons, deceased = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE deceased) FROM persons"
        ).fetchall()[0]
        one_each = con.execute(
            "SELECT count(*) = count(DISTINCT person_id) FROM notify_letters"
        ).fetchall()[0][0]
        lettered_deceased = con.execute(
            "SELECT count(*) FROM notify_letters JOIN persons USING (person_id) WHERE deceased"
        ).fetchall()[0][0]
    assert persons == r["persons"] and deceased == r["not_sent"]["deceased"]
    assert one_each and lettered_deceased == 0


def test_every_letter_lists_exactly_the_persons_exposure(notified: Notified) -> None:
    pages = _pages(notified)
    exposure = _exposure(notified)
    letters = _letters(notified)
    for letter in letters:
        text = pages[letter["batch"]][letter["first_page"] - 1]
        assert f"Réf. {letter['letter_id']}" in text
        listed = _listed_elements(text, letter["variant"] in ("minor", "minor_generic"))
        expected = exposure[letter["person_id"]]
        if letter["variant"] == "minor_generic":  # the items a minor may keep, made generic
            expected = set(MinorsPolicy().generic(tuple(sorted(expected))))
        assert listed == expected, letter["letter_id"]
    assert sum(len(p) for p in pages.values()) == 2 * len(letters)


def _truth_elements(notified: Notified) -> dict[str, set[str]]:
    """Per vigie person: the union of the true elements of the leak rows linked to them."""
    with Workspace.open(notified.workspace).connect() as con:
        tables = con.execute(
            "SELECT f.name, t.source_table, t.name FROM _tables t JOIN _files f "
            "ON f.digest = t.digest AND f.kind = t.kind WHERE t.kind = 'leak'"
        ).fetchall()
        records = con.execute('SELECT person_id, "table", _row FROM person_records').fetchall()
    store_table = {}
    for file, source, name in tables:
        store_table[(file, source)] = name
        store_table[(file, name)] = name
    truth_rows: dict[tuple[str, int], set[str]] = {}
    with (notified.truth / "leak_rows.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table = store_table[(row["file"], row["table"])]
            truth_rows[(table, int(row["row"]))] = set(filter(None, row["elements"].split("|")))
    found: dict[str, set[str]] = defaultdict(set)
    for pid, table, row in records:
        found[pid] |= truth_rows[(table, int(row))]
    return found


def test_letters_agree_with_ground_truth(
    notified: Notified, capsys: pytest.CaptureFixture[str]
) -> None:
    """Letters list person_exposure exactly (above); here that exposure meets the truth:
    every letter lists exactly the elements the ground truth says leaked for that person.
    """
    truth = _truth_elements(notified)
    exposure = _exposure(notified)
    letters = _letters(notified)
    ids = [one["person_id"] for one in letters]
    exact = sum(exposure[pid] == truth[pid] for pid in ids)
    omitted = [pid for pid in ids if truth[pid] - exposure[pid]]
    extra: dict[str, int] = defaultdict(int)
    for pid in ids:
        for element in exposure[pid] - truth[pid]:
            extra[element] += 1
    with capsys.disabled():
        print(
            f"\nletters listing exactly the true elements: {exact}/{len(ids)}; extra: {dict(extra)}"
        )
    assert not omitted
    assert exact == len(ids), dict(extra)


def test_address_block_lies_in_the_window_and_fits_the_norm(notified: Notified) -> None:
    out = Path(notified.result["out"]) / "letters"
    letters = _letters(notified)
    minors = [one for one in letters if one["variant"] == "minor"][:3]
    sample = letters[:5] + minors + letters[-3:]
    with Workspace.open(notified.workspace).connect() as con:
        from vigie.notify.address import format_address

        people = {p.person_id: p for p in load_people(con, LETTER_DATE)}
    assert minors, "the synth incident has minors"
    for letter in sample:
        expected = format_address(people[letter["person_id"]].recipient)
        assert isinstance(expected, tuple)
        lines = page_lines(out / f"{letter['batch']}.pdf", letter["first_page"] - 1)
        window = [ln for ln in lines if 35 <= ln.top_mm <= 85 and ln.left_mm >= 95]
        assert [ln.text for ln in window] == list(expected)
        assert len(window) <= MAX_LINES
        for ln in window:
            assert len(ln.text) <= MAX_CHARS
            assert ln.left_mm >= 100 and ln.right_mm <= 200, (ln.left_mm, ln.right_mm)
            assert ln.top_mm >= 40 and ln.bottom_mm <= 80, (ln.top_mm, ln.bottom_mm)
        assert re.fullmatch(r"\d{5} [A-Z0-9 ]+", window[-1].text)


def _codes_from_pages(notified: Notified) -> dict[str, str]:
    found = {}
    for pages in _pages(notified).values():
        for text in pages[1::2]:
            ref = re.search(r"Réf\. (L\d\d-\d{6})", text)
            code = re.search(r"Code de vérification : ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text)
            assert ref and code
            found[ref.group(1)] = code.group(1)
    return found


def test_every_printed_code_verifies_and_altered_ones_do_not(notified: Notified) -> None:
    from vigie.notify.run import verify_code

    ws = Workspace.open(notified.workspace)
    found = _codes_from_pages(notified)
    assert len(found) == notified.result["letters"]
    with ws.connect() as con:
        from vigie.notify import codes

        for lid, code in found.items():
            assert codes.verify(con, code) is not None, lid
        for code in list(found.values())[:30]:
            altered = code[:-1] + ("0" if code[-1] != "0" else "1")
            assert codes.verify(con, altered) is None
        stored = " ".join(
            str(v) for row in con.execute("SELECT * FROM notify_codes").fetchall() for v in row
        )
    assert not any(code in stored or code.replace("-", "") in stored for code in found.values())
    genuine = verify_code(ws, next(iter(found.values())))
    assert genuine is not None and genuine.issued_on.isoformat() == "2021-03-01"


@pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbarimg missing: apt-get install zbar-tools"
)
def test_qr_code_decodes_to_the_printed_code(notified: Notified, tmp_path: Path) -> None:
    letter = _letters(notified)[0]
    pdf = Path(notified.result["out"]) / "letters" / f"{letter['batch']}.pdf"
    png = render_png(pdf, letter["last_page"] - 1, tmp_path / "p2.png", dpi=200)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    code = _codes_from_pages(notified)[letter["letter_id"]]
    assert out.stdout.strip().startswith(f"VIGIE {code} l=")  # then the signed fields


def test_manifest_matches_letters_and_holds_no_name(notified: Notified) -> None:
    out = Path(notified.result["out"])
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "letter_id",
        "batch",
        "first_page",
        "last_page",
        "postcode",
        "controller",
        "variant",
        "large_print",
    ]
    assert len(rows) == notified.result["letters"]
    assert {r["large_print"] for r in rows} == {"false"}
    postcodes = [r["postcode"] for r in rows]
    assert postcodes == sorted(postcodes)
    sizes: dict[str, int] = defaultdict(int)
    for r in rows:
        sizes[r["batch"]] += 1
    assert max(sizes.values()) <= 120 and len(sizes) == notified.result["batches"]


def test_outputs_are_owner_only(notified: Notified) -> None:
    out = Path(notified.result["out"]).parent
    for path in out.rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & 0o077 == 0, path


def test_not_sent_list_names_reasons(notified: Notified) -> None:
    with (Path(notified.result["out"]) / "not_sent.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == sum(notified.result["not_sent"].values())
    assert {r["reason"] for r in rows} <= set(notified.result["not_sent"])


def test_email_and_sms_variants_point_to_the_letter(notified: Notified) -> None:
    out = Path(notified.result["out"])
    emails = sorted((out / "email").glob("*.eml"))
    assert len(emails) == notified.result["channels"]["email"] > 0
    text = emails[0].read_text(encoding="utf-8")
    assert emails[0].stem in text and "Code de vérification" in text and "http" not in text
    with (out / "sms.csv").open(encoding="utf-8") as handle:
        sms = list(csv.DictReader(handle))
    assert len(sms) == notified.result["channels"]["sms"]
    assert all(len(r["text"]) <= 306 and r["letter_id"] in r["text"] for r in sms)


def test_filings_hold_every_article_33_3_field(notified: Notified) -> None:
    import json

    filings = Path(notified.result["filings"])
    doc = json.loads((filings / "cnil-notification.json").read_text(encoding="utf-8"))
    cites = " ".join(f["cite"] for s in doc["sections"] for f in s["fields"])
    for article in ("33(3)(a)", "33(3)(b)", "33(3)(c)", "33(3)(d)"):
        assert article in cites
    fields = {f["label"]: f["value"] for s in doc["sections"] for f in s["fields"]}
    assert fields["Nombre approximatif de personnes"] == notified.result["persons"]
    assert (filings / "cnil-notification.pdf").read_bytes().startswith(b"%PDF")
    assert (filings / "health-report.pdf").is_file()
    assert "Communication publique" in (filings / "public-communication.md").read_text()
    packages = sorted((filings / "controllers").iterdir())
    assert packages and all((p / "persons.csv").is_file() for p in packages)
    assert all((p / "letter-template" / "parts.typ").is_file() for p in packages)


def test_running_again_changes_nothing(notified: Notified) -> None:
    from vigie.notify.run import NotifyOptions, notify_workspace

    before = _letters(notified)
    again = notify_workspace(Workspace.open(notified.workspace), NotifyOptions())
    assert again["already_issued"] and again["letters"] == notified.result["letters"]
    assert _letters(notified) == before


def test_cli_output_holds_no_personal_value(notified: Notified) -> None:
    from click.testing import CliRunner

    from vigie.cli import _register_verbs, app

    _register_verbs()
    with Workspace.open(notified.workspace).connect() as con:
        surnames = {r[0] for r in con.execute("SELECT surname FROM persons").fetchall() if r[0]}
    env = {"VIGIE_KEY_DIR": os.environ["VIGIE_KEY_DIR"]}
    for args in (
        ["notify", str(notified.workspace)],
        ["notify", str(notified.workspace), "--json"],
        ["notify", "status", str(notified.workspace)],
    ):
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        words = set(re.findall(r"[A-Z][A-Z' -]{3,}", result.output))
        assert not words & surnames
