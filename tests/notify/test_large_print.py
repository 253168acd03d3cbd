"""Large print on request: 16 pt text 1.5 lines apart, each letter on its own sheets, the
address where the envelope window is; the request file is checked line by line."""

from __future__ import annotations

import csv
import itertools
import re
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
from tests.notify.conftest import LETTER_DATE, Notified
from tests.notify.letter_variants import Variant, letter_id, letter_variants, render
from tests.notify.pdftext import page_lines, page_texts
from tests.notify.test_templates import _jobs
from vigie.errors import ConfigError, InputError
from vigie.notify import large_print, letters
from vigie.notify.minors import VARIANTS
from vigie.notify.run import NotifyOptions, notify_workspace
from vigie.workspace import Workspace

ADDRESS = ["Mme Anne TEST", "1 RUE A", "35000 RENNES"]


def _render(tmp_path: Path, large: bool) -> Path:
    """Three letters of the default template, standard or in large print."""
    parts, jobs = _jobs(tmp_path)
    job = jobs[0]
    if large:
        job = letters.BatchJob("large-print-0001", tmp_path / "large.pdf", job.letters,
                               large_print=True)  # fmt: skip
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
    assert tags["/H1"] == 3 and tags["/H2"] == 3 * 6  # the subject, the parts' headings
    assert tags["/L"] >= 3 * 2  # lists stay lists
    assert tags["/Figure"] == 3  # the QR codes; the parts are text


def _elements(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    kids = node.get("/K")
    found = []
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *_elements(kid)]
    return found


_FOOTER = re.compile(r"Réf\. (L\d{2}-\d{6}) page \d+/\d+")


def _letters(pdf: Path) -> dict[str, str]:
    """Each letter's words, read from all its pages, footers left out (they are layout)."""
    found: dict[str, list[str]] = {}
    for page in page_texts(pdf):
        footer = _FOOTER.search(page)
        if footer:  # a blank verso has none
            found.setdefault(footer.group(1), []).append(_FOOTER.sub(" ", page))
    words = {lid: " ".join(" ".join(pages).split()) for lid, pages in found.items()}
    # a web address may be broken after a dot or a slash, as print does
    return {lid: re.sub(r"(https?://\S*[./]) (?=[a-z])", r"\1", text)
            for lid, text in words.items()}  # fmt: skip


@pytest.fixture(scope="module")
def every_variant(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Variant], Path, Path]:
    """The longest letter of each variant (adult, minor, minor_generic, minor_own), rendered
    standard and in large print (the standard in an accessible batch, as a run with both
    options makes them)."""
    longest: dict[str, Variant] = {}
    for variant in letter_variants():
        kind = variant.planned.variant
        if kind not in longest or len(variant.planned.named) > len(longest[kind].planned.named):
            longest[kind] = variant
    chosen = [longest[kind] for kind in VARIANTS]
    out = tmp_path_factory.mktemp("variants")
    standard = render(chosen, out / "standard", accessible=True)
    return chosen, standard, render(chosen, out / "large", large_print=True)


def test_every_variant_in_large_print_says_what_its_standard_letter_says(
    every_variant: tuple[list[Variant], Path, Path],
) -> None:
    chosen, standard, large = every_variant
    assert [v.planned.variant for v in chosen] == list(VARIANTS)
    expected, found = _letters(standard), _letters(large)
    assert list(found) == [letter_id(i) for i in range(len(chosen))]
    for i, variant in enumerate(chosen):
        assert found[letter_id(i)] == expected[letter_id(i)], variant.name
    generic = found[letter_id(VARIANTS.index("minor_generic"))]
    assert "des informations de santé" in generic and "VIH" not in generic
    own = found[letter_id(VARIANTS.index("minor_own"))]
    assert "représentants légaux" not in own and "VIH" in own


def test_every_variant_in_large_print_is_16_pt_on_its_own_sheets(
    every_variant: tuple[list[Variant], Path, Path],
) -> None:
    _, _, large = every_variant
    pages = page_texts(large)
    starts = [i for i, text in enumerate(pages) if re.search(r"page 1/\d", text)]
    assert len(starts) == len(VARIANTS) and all(i % 2 == 0 for i in starts)
    assert all(_body_size(large, i + 1) >= 16 for i in starts)
    # the exposure list runs on from page 1 (one column, breakable): no half-empty page
    for i in starts:
        body = [line for line in page_lines(large, i) if not _FOOTER.search(line.text)]
        assert max(line.bottom_mm for line in body) > 240, pages[i][-200:]
    with pikepdf.open(large) as pdf:
        assert pdf.open_metadata().get("pdfuaid:part") == "1"


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


@pytest.mark.slow
def test_large_print_with_accessible_for_every_variant_in_a_run(
    notified: Notified, tmp_path: Path, notify_env: Path
) -> None:
    """A run with both options: the persons named get large print whatever their variant
    (the minors' policy still decides whom it is written to), the others accessible letters;
    every batch is tagged."""
    from tests.notify.test_minors import TELLING, _two_minors

    copy = tmp_path / "ws"
    shutil.copytree(notified.workspace, copy)
    ws = Workspace.open(copy)
    with ws.connect() as con:
        young, older = _two_minors(con)
        for pid in (young, older):  # an HIV test among what leaked about them
            con.execute("INSERT INTO person_exposure VALUES (?, 'health.hiv')", [pid])
        kinds = dict(con.execute("SELECT person_id, variant FROM notify_letters").fetchall())
    adult = next(p for p, v in kinds.items() if v == "adult")
    minor = next(p for p, v in kinds.items() if v == "minor" and p not in (young, older))
    request = tmp_path / "gros-caracteres.csv"
    request.write_text(f"person_id\n{adult}\n{minor}\n{young}\n{older}\n", encoding="utf-8")
    options = NotifyOptions(batch_size=120, processes=1, letter_date=LETTER_DATE, reissue=True,
                            accessible=True, large_print=request)  # fmt: skip
    result = notify_workspace(ws, options)
    assert result["large_print"] == 4 and result["accessible"] is True
    out = Path(result["out"])
    rows = {row["letter_id"]: row for row in _manifest(out)}
    big = {lid: row for lid, row in rows.items() if row["large_print"] == "true"}
    assert sorted(row["variant"] for row in big.values()) == sorted(VARIANTS)
    assert {row["batch"] for row in big.values()} == {"large-print-0001"}
    for pdf in (out / "letters").glob("*.pdf"):
        with pikepdf.open(pdf) as doc:
            assert "/StructTreeRoot" in doc.Root, pdf.name
    texts = _letters(out / "letters" / "large-print-0001.pdf")
    assert set(texts) == set(big)
    by_variant = {row["variant"]: texts[lid] for lid, row in big.items()}
    assert "Aux représentants légaux de l'enfant" in by_variant["minor_generic"]
    assert not [word for word in TELLING if word in by_variant["minor_generic"]]
    assert "représentants légaux" not in by_variant["minor_own"]
    assert "Aux représentants légaux de l'enfant" in by_variant["minor"]
    with ws.connect(read_only=True) as con:
        review = con.execute(
            "SELECT letter_id FROM notify_minors_review WHERE issue = ? AND person_id = ?",
            [result["issue"], young],
        ).fetchall()
    generic = [lid for lid, row in big.items() if row["variant"] == "minor_generic"]
    assert [r[0] for r in review] == generic


def test_a_template_from_before_large_print_is_one_config_error(tmp_path: Path) -> None:
    """A copy of the template made before large print existed: one line saying so, not
    Typst's PDF/UA complaint about its images of text."""
    template = tmp_path / "template"
    shutil.copytree(letters.DEFAULT_TEMPLATE_DIR, template)
    layout = template / "letter.typ"
    old = layout.read_text().replace(
        '#let large = sys.inputs.at("large", default: "") == "1"', "#let large = false"
    )
    layout.write_text(old)
    parts, jobs = _jobs(tmp_path)
    job = letters.BatchJob("large-print-0001", tmp_path / "large.pdf", jobs[0].letters,
                           large_print=True)  # fmt: skip
    letters.prepare_build(template, tmp_path / "build", parts)
    with pytest.raises(ConfigError, match=r"^letter\.typ has no large-print layout"):
        list(letters.render_batches([job], tmp_path / "build", processes=1))
