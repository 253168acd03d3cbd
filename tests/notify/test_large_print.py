"""Large print on request: 16 pt text 1.5 lines apart, each letter on its own sheets, the
address where the envelope window is; the request file is checked line by line."""

from __future__ import annotations

import csv
import itertools
import shutil
import statistics
from collections import Counter
from pathlib import Path

import duckdb
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from tests.cli.runner import assert_one_line_error, vigie
from tests.notify.conftest import Notified
from tests.notify.pdftext import page_lines, page_texts
from tests.notify.test_templates import _jobs
from vigie.errors import InputError
from vigie.notify import large_print, letters
from vigie.workspace import Workspace

ADDRESS = ["Mme Anne TEST", "1 RUE A", "35000 RENNES"]


def _render(tmp_path: Path, large: bool) -> Path:
    """Three letters of the default template, standard or in large print."""
    parts, jobs = _jobs(tmp_path)
    job = jobs[0]
    if large:
        fields = {item["kind"]: {"kind": item["kind"], "fields": item["fields"]}
                  for item in parts.items}  # fmt: skip
        one = [{**live, "parts": fields} for live in job.letters]
        job = letters.BatchJob("large-print-0001", tmp_path / "large.pdf", one, large_print=True)
    build = tmp_path / "build"
    letters.prepare_build(letters.DEFAULT_TEMPLATE_DIR, build, parts)
    assert [name for name, _ in letters.render_batches([job], build, processes=1)] == [job.name]
    return job.path


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("large"), large=True)


def _body_size(pdf: Path, index: int) -> float:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = doc[index].get_textpage()
        sizes = Counter(
            round(pdfium_c.FPDFText_GetFontSize(text.raw, i), 1)
            for i in range(text.count_chars())
            if text.get_text_range(i, 1).isalpha()
        )
    finally:
        doc.close()
    return sizes.most_common(1)[0][0]


def test_large_print_body_is_16_pt_and_lines_1_5_apart(large: Path, tmp_path: Path) -> None:
    standard = _render(tmp_path, large=False)
    assert _body_size(standard, 0) < 11 and _body_size(large, 1) >= 16
    lines = [line for line in page_lines(large, 1) if line.left_mm < 40]
    gaps = [b.bottom_mm - a.bottom_mm for a, b in itertools.pairwise(lines)]
    pt = 25.4 / 72
    assert statistics.median(gaps) >= 1.45 * 16 * pt  # baseline to baseline


def test_large_print_address_stays_in_the_window(large: Path, tmp_path: Path) -> None:
    standard = _render(tmp_path, large=False)

    def address(pdf: Path) -> list[tuple[str, float, float]]:
        found = [line for line in page_lines(pdf, 0) if line.text in ADDRESS]
        return [(line.text, round(line.left_mm, 2), round(line.top_mm, 2)) for line in found]

    assert address(large) == address(standard) and len(address(large)) == len(ADDRESS)


def test_each_large_print_letter_starts_a_new_sheet(large: Path) -> None:
    pages = page_texts(large)
    starts = [i for i, text in enumerate(pages) if "page 1/" in text]
    assert len(starts) == 3 and all(i % 2 == 0 for i in starts)  # a recto each
    for n, start in enumerate(starts, 1):
        assert f"Réf. L01-{n:06d}" in pages[start]


def test_large_print_is_pdf_ua_1_with_real_headings(large: Path) -> None:
    with pikepdf.open(large) as pdf:
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang).startswith("fr")
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1"
        tags = Counter(str(e.S) for e in _elements(pdf.Root.StructTreeRoot))
    assert tags["/H1"] >= 3 * 6  # subject and the parts' headings, in every letter
    assert tags["/L"] >= 3 * 2  # lists stay lists


def _elements(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    kids = node.get("/K")
    found = []
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *_elements(kid)]
    return found


@pytest.fixture
def store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS store")  # the workspace's catalog name
    con.execute("USE store")
    con.execute(
        "CREATE TABLE persons AS SELECT * FROM (VALUES ('P1'), ('P2'), ('P3')) t(person_id)"
    )
    con.execute("CREATE TABLE notify_letters AS SELECT 'L01-000007' AS letter_id, "
                "'P3' AS person_id, 'large-print-0001' AS batch")  # fmt: skip
    return con


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("P1\nL01-000007\n", {"P1", "P3"}),
        ("# asked by phone\n\nP2\n", {"P2"}),
        ("person_id,name\nP1,x\nP2,y\n", {"P1", "P2"}),
        ("nom;letter_id\nDupont;L01-000007\n", {"P3"}),
    ],
)
def test_request_file_names_persons_or_letters(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, text: str, wanted: set[str]
) -> None:
    path = tmp_path / "large.txt"
    path.write_text(text, encoding="utf-8")
    assert large_print.resolve(store, path) == wanted


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"P1\nP9\n", r"large\.txt: line 2: no person or letter with this reference$"),
        (b"P1 P2\n", r"large\.txt: line 1: one reference a line"),
        (b"person_id\nP1\n,\n", r"large\.txt: line 3: no person_id$"),
        (b"\n# none\n", r"large\.txt: no reference in the file"),
        (b"P\xe91\n", r"large\.txt: not UTF-8 text"),
    ],
)
def test_bad_request_file_is_one_error_naming_file_and_line(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "large.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        large_print.resolve(store, path)


def test_persons_once_in_large_print_stay_so(store: duckdb.DuckDBPyConnection) -> None:
    assert large_print.standing(store) == {"P3"}


@pytest.mark.slow
@pytest.mark.usefixtures("notify_env")
def test_large_print_copies_then_reissue_from_the_cli(notified: Notified, tmp_path: Path) -> None:
    """On a copy of the shared incident, letters already out: --large-print alone makes
    large-print copies of the letters named; --reissue keeps them large. Both in their own
    batch, counted in --json, flagged in the manifest."""
    ws = tmp_path / "ws"
    shutil.copytree(notified.workspace, ws)
    with open(Path(notified.result["out"]) / "manifest.csv", encoding="utf-8") as handle:
        first = [row["letter_id"] for row in csv.DictReader(handle)][:2]
    request = tmp_path / "gros-caracteres.txt"
    request.write_text("\n".join(first) + "\n", encoding="utf-8")

    copies = vigie("notify", str(ws), "--large-print", str(request), "--json")
    assert copies.code == 0, copies.stderr
    doc = copies.json()
    assert doc["kind"] == "resend" and doc["letters"] == doc["large_print"] == 2
    rows = _manifest(Path(doc["out"]))
    assert [row["large_print"] for row in rows] == ["true", "true"]
    with Workspace.open(ws).connect(read_only=True) as con:
        replaced = con.execute(
            "SELECT resend_of FROM notify_letters WHERE issue = ? ORDER BY letter_id",
            [doc["issue"]],
        ).fetchall()
    assert sorted(r[0] for r in replaced) == sorted(first)

    run = vigie("notify", str(ws), "--reissue", "--json")  # the request stands
    assert run.code == 0, run.stderr
    doc = run.json()
    assert doc["large_print"] == 2 and doc["letters"] == notified.result["letters"]
    out = Path(doc["out"])
    rows = _manifest(out)
    big = [row for row in rows if row["large_print"] == "true"]
    assert [row["batch"] for row in big] == ["large-print-0001"] * 2
    assert big[0]["first_page"] == "1" and int(big[1]["first_page"]) % 2 == 1
    pages = page_texts(out / "letters" / "large-print-0001.pdf")
    assert int(big[1]["last_page"]) == len(pages)
    assert all(row["large_print"] == "false" for row in rows if row not in big)
    assert _body_size(out / "letters" / "large-print-0001.pdf", 0) >= 16

    bad = tmp_path / "bad.txt"
    bad.write_text("P-NOBODY\n", encoding="utf-8")
    failed = vigie("notify", str(ws), "--large-print", str(bad))
    assert_one_line_error(failed)
    assert "bad.txt: line 1: no person or letter with this reference" in failed.stderr


def _manifest(out: Path) -> list[dict[str, str]]:
    with open(out / "manifest.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
