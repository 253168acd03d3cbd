"""Documents into the store: PDF, DOCX, e-mail and plain text, from real files."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.cli.runner import vigie
from vigie.errors import InputError, UnsupportedFormatError
from vigie.ingest import ingest_files
from vigie.ingest.formats import detect
from vigie.ingest.readers.documents_base import MAX_PARAGRAPH, paragraphs
from vigie.ingest.readers.documents_text import html_text
from vigie.registry import add_registry
from vigie.workspace import Workspace, table_exists

FIXTURES = Path(__file__).parents[1] / "fixtures" / "documents"


def _rows(ws: Workspace, name: str) -> list[tuple]:
    with ws.connect() as con:
        return con.execute(
            "SELECT part, page, paragraph, status, detail, text FROM documents "
            "WHERE path LIKE ? ORDER BY _row",
            [f"%{name}"],
        ).fetchall()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("compte_rendu.pdf", "pdf"),
        ("scan_ordonnance.pdf", "pdf"),
        ("courrier.docx", "docx"),
        ("message.eml", "eml"),
        ("note_cp1252.txt", "txt"),
    ],
)
def test_document_formats_are_detected(name: str, kind: str) -> None:
    assert detect(FIXTURES / name).format == kind


# (file, part, page, paragraph, text the stored paragraph contains)
LINEAGE = [
    ("compte_rendu.pdf", "page", 1, 1, "Mme Juliette MARCHAND"),
    ("compte_rendu.pdf", "page", 1, 2, "2 69 05 49 588 157 80"),
    ("compte_rendu.pdf", "page", 2, 2, "juliette.marchand@example.org"),
    ("courrier.docx", "body", None, 2, "Karim BENALI"),
    ("courrier.docx", "body", None, 4, "NIR | 1 75 08 2A 073 004 01"),
    ("courrier.docx", "header", None, 1, "Dr Paul Lefèvre"),
    ("message.eml", "headers", None, 2, "to: Sophie Dubois <sophie.dubois@example.fr>"),
    ("message.eml", "headers", None, 4, "subject: Vos résultats d'analyses"),
    ("message.eml", "body", None, 2, "glycémie à jeun 1,32 g/l, HbA1c 7,4 %"),
    ("message.eml", "attachment 1", None, 0, "note.txt"),
    ("message.eml", "attachment 1", None, 1, "suspicion de diabète de type 2"),
    ("note_cp1252.txt", "text", None, 1, "Note d’accueil du 3 mars 2021"),
    ("note_cp1252.txt", "text", None, 2, "Mme Hélène Rousseau, cœur fragile"),
    ("note_cp1252.txt", "file name", None, 0, "note cp1252"),
]


@pytest.fixture(scope="module")
def _stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path]:
    keys = tmp_path_factory.mktemp("doc-keys")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(keys))
        ws = Workspace.create(tmp_path_factory.mktemp("docs") / "ws")
        ingest_files(ws, document_fixtures())
    return ws, keys


@pytest.fixture
def stored(_stored: tuple[Workspace, Path], monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The fixtures ingested once for the module, with their key directory in force."""
    monkeypatch.setenv("VIGIE_KEY_DIR", str(_stored[1]))
    return _stored[0]


def document_fixtures() -> list[Path]:
    """Every readable fixture document (not the generator, not the locked PDF)."""
    return sorted(p for p in FIXTURES.iterdir() if p.suffix != ".py" and p.name != "locked.pdf")


@pytest.mark.parametrize(("name", "part", "page", "paragraph", "text"), LINEAGE)
def test_paragraphs_keep_their_lineage(
    stored: Workspace, name: str, part: str, page: int | None, paragraph: int, text: str
) -> None:
    rows = _rows(stored, name)
    found = [r for r in rows if r[:3] == (part, page, paragraph)]
    assert len(found) == 1, [r[:3] for r in rows]
    assert found[0][3] == "text"
    assert text in found[0][5]


def test_quoted_printable_and_html_alternative_give_one_decoded_body(stored: Workspace) -> None:
    body = [r[5] for r in _rows(stored, "message.eml") if r[0] == "body"]
    assert body[0] == "Bonjour Mme Dubois,"
    assert not any("=C3" in t or "<p>" in t for t in body)
    assert sum("Vos résultats sont disponibles" in t for t in body) == 1  # plain, not html too


@pytest.mark.parametrize(
    ("name", "status", "part", "pages", "detail"),
    [
        ("scan_ordonnance.pdf", "no_text_layer", "page", [1, 2, 3], ""),
        ("message.eml", "no_text_layer", "attachment 2", [1, 2, 3], ""),
        ("message.eml", "not_read", "attachment 3", [None], "image/png"),
    ],
)
def test_what_cannot_be_read_is_a_row_not_a_gap(
    stored: Workspace, name: str, status: str, part: str, pages: list, detail: str
) -> None:
    rows = [r for r in _rows(stored, name) if r[3] == status]
    assert [r[1] for r in rows] == pages
    assert {(r[0], r[4], r[5]) for r in rows} == {(part, detail, None)}


def test_ingest_report_warns_about_pages_without_text_layer(workspace: Workspace) -> None:
    report = ingest_files(workspace, [FIXTURES / "scan_ordonnance.pdf", FIXTURES / "message.eml"])
    scan, mail = report.as_dict()["files"]
    assert scan["warnings"] == ["3 pages without a text layer: not scanned; OCR them first"]
    assert scan["document"]["pages_without_text_layer"] == 3
    assert mail["warnings"] == [
        "3 pages without a text layer: not scanned; OCR them first",
        "1 attachment not read (image/png): not scanned",
    ]
    assert mail["document"]["attachments"] == 3
    assert scan["tables"] == [{"name": "documents", "rows": 4}]  # file name + 3 pages


def test_documents_are_not_catalogued_as_tables_and_reingest_is_skipped(
    workspace: Workspace,
) -> None:
    first = ingest_files(workspace, [FIXTURES / "courrier.docx"]).as_dict()["files"][0]
    again = ingest_files(workspace, [FIXTURES / "courrier.docx"]).as_dict()["files"][0]
    assert again["skipped"] and again["tables"] == first["tables"]
    with workspace.connect() as con:
        assert con.execute("SELECT count(*) FROM _tables").fetchall() == [(0,)]
        assert con.execute("SELECT format, rows_stored FROM _files").fetchall() == [
            ("docx", first["rows_stored"])
        ]
        assert con.execute("SELECT count(*) FROM documents").fetchall() == [(first["rows_stored"],)]


def _broken_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("locked.pdf", None, "a PDF document, but it is protected by a password"),
        ("cut.pdf", b"%PDF-1.7\n1 0 obj\n<<", "a PDF document, but it cannot be opened"),
        ("cut.docx", _broken_docx(), "a word-processing document, but it cannot be opened"),
    ],
)
def test_unreadable_documents_fail_in_one_line_before_anything_is_stored(
    workspace: Workspace, tmp_path: Path, name: str, content: bytes | None, says: str
) -> None:
    path = tmp_path / name
    if content is None:
        shutil.copy(FIXTURES / name, path)
    else:
        path.write_bytes(content)
    with pytest.raises(UnsupportedFormatError) as caught:
        ingest_files(workspace, [FIXTURES / "note_cp1252.txt", path])
    assert says in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)
    with workspace.connect() as con:
        assert not table_exists(con, "_files")


def test_a_document_cannot_be_a_registry(workspace: Workspace) -> None:
    with pytest.raises(InputError, match=r"courrier\.docx: a docx document cannot be a registry"):
        add_registry(workspace, "Océalab", FIXTURES / "courrier.docx")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("notes.txt", "Patient vu ce jour, bilan normal.\n\nRevoir dans un mois.\n", "txt"),
        ("one_line.txt", "Appeler Mme Durand demain, merci.", "txt"),
        ("export.txt", "nom;prenom;ville\nMartin;Paul;Brest\nLe Goff;Anne;Vannes\n", "csv"),
        ("export.txt", "nom\tprenom\nMartin\tPaul\n", "tsv"),
        ("notes.csv", "Patient vu ce jour, bilan normal.\nRAS.\n", "csv"),
        ("mail", "Received: from mx\nFrom: a@b.fr\nSubject: x\n\nBonjour\n", "eml"),
        ("mail.txt", "From: a@b.fr\nTo: c@d.fr\n  folded\n\nBonjour\n", "eml"),
        ("keys.txt", "From: a\nnot a header line\n", "txt"),
    ],
)
def test_text_files_are_told_apart(tmp_path: Path, name: str, content: str, kind: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect(path).format == kind


def test_odt_says_how_to_convert(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    path = tmp_path / "lettre.odt"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnsupportedFormatError, match="convert it to DOCX or PDF"):
        detect(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n\nb", ["a", "b"]),
        ("a\r\nb\r\n\r\n\r\nc\n \n", ["a\nb", "c"]),
        ("  \n\n", []),
        ("x" * (MAX_PARAGRAPH + 10), ["x" * MAX_PARAGRAPH, "x" * 10]),
        (("mot " * 800 + "\n") * 3, [("mot " * 800).strip()] * 3),
    ],
)
def test_paragraph_splitting(text: str, expected: list[str]) -> None:
    assert paragraphs(text) == expected


def test_html_becomes_text_without_markup_or_scripts() -> None:
    html = "<html><head><style>p{}</style></head><body><p>Mme&nbsp;Durand</p>"
    html += "<script>x()</script><table><tr><td>NIR</td><td>1 23</td></tr></table></body>"
    assert paragraphs(html_text(html)) == ["Mme Durand", "NIR | 1 23"]


def test_cli_ingest_json_carries_document_warnings(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert vigie("init", str(ws)).code == 0
    run = vigie("ingest", str(ws), str(FIXTURES / "scan_ordonnance.pdf"), "--json")
    assert run.code == 0, run.stderr
    [entry] = run.json()["files"]
    assert entry["format"] == "pdf"
    assert entry["warnings"] == ["3 pages without a text layer: not scanned; OCR them first"]
    assert "3 pages without a text layer" in run.stderr


def test_forwarded_mail_docx_attachment_and_html_only_body_are_read(tmp_path: Path) -> None:
    from email.message import EmailMessage

    from vigie.ingest.readers.documents_eml import read_eml

    inner = EmailMessage()
    inner["From"] = "Dr Martin <martin@example.fr>"
    inner["Subject"] = "Résultat"
    inner.set_content("Charge virale indétectable.\n")
    outer = EmailMessage()
    outer["From"] = "a@example.fr"
    outer.set_content("<p>Voir&nbsp;ci-joint</p>", subtype="html")
    outer.add_attachment(inner)
    outer.add_attachment(
        (FIXTURES / "courrier.docx").read_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="courrier.docx",
    )
    blocks = [(b.part, b.paragraph, b.text) for b in read_eml(outer.as_bytes())]
    assert ("body", 1, "Voir ci-joint") in blocks
    assert ("attachment 1 headers", 1, "from: Dr Martin <martin@example.fr>") in blocks
    assert ("attachment 1 body", 1, "Charge virale indétectable.") in blocks
    assert ("attachment 2", 0, "courrier.docx") in blocks
    assert ("attachment 2 header", 1, "Cabinet du Dr Paul Lefèvre — confidentiel") in blocks
    assert any(p == "attachment 2" and t and "Karim BENALI" in t for p, _, t in blocks)
