"""Free-text detection on ingested documents: spans with lineage, per-document exposure."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.ingest import ingest_files
from vigie.scan.documents import document_summary, scan_documents
from vigie.workspace import Workspace, transaction

FIXTURES = Path(__file__).parents[1] / "fixtures" / "documents"
FILES = ["compte_rendu.pdf", "scan_ordonnance.pdf", "courrier.docx", "message.eml"]
FILES += ["note_cp1252.txt"]


@pytest.fixture(scope="module")
def _scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path, int]:
    keys = tmp_path_factory.mktemp("doc-scan-keys")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(keys))
        ws = Workspace.create(tmp_path_factory.mktemp("doc-scan") / "ws")
        ingest_files(ws, [FIXTURES / name for name in FILES])
        with ws.connect() as con, transaction(con):
            scanned = scan_documents(con)
    return ws, keys, scanned


@pytest.fixture
def scanned(
    _scanned: tuple[Workspace, Path, int], monkeypatch: pytest.MonkeyPatch
) -> tuple[Workspace, int]:
    monkeypatch.setenv("VIGIE_KEY_DIR", str(_scanned[1]))
    return _scanned[0], _scanned[2]


def _exposed(ws: Workspace, name: str) -> set[str]:
    with ws.connect() as con:
        rows = con.execute(
            "SELECT DISTINCT e.element FROM document_exposure e JOIN documents d "
            "USING (document_id) WHERE d.path LIKE ?",
            [f"%{name}"],
        ).fetchall()
    return {r[0] for r in rows}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "compte_rendu.pdf",
            {"identity.last_name", "national_id.nir", "health.hiv", "health.pregnancy",
             "health.treatment", "contact.email", "contact.phone"},
        ),
        (
            "courrier.docx",
            {"identity.last_name", "national_id.nir", "health.hiv", "health.treatment",
             "contact.phone", "provider.prescriber"},
        ),
        (
            "message.eml",
            {"identity.last_name", "contact.email", "contact.phone", "health.result",
             "health.diagnosis", "health.pregnancy"},
        ),
        ("note_cp1252.txt", {"identity.last_name", "contact.phone", "contact.email",
                             "health.cancer"}),
        ("scan_ordonnance.pdf", set()),
    ],
)  # fmt: skip
def test_each_document_exposes_what_its_text_holds(
    scanned: tuple[Workspace, int], name: str, expected: set[str]
) -> None:
    ws, _ = scanned
    found = _exposed(ws, name)
    assert expected <= found
    if not expected:
        assert found == set()


def test_negated_hiv_serology_still_exposes_hiv(scanned: tuple[Workspace, int]) -> None:
    ws, _ = scanned
    with ws.connect() as con:
        rows = con.execute(
            "SELECT negated, exposes FROM document_spans s JOIN documents d "
            "USING (document_id, _row) WHERE d.path LIKE '%compte_rendu.pdf' "
            "AND s.element = 'health.hiv'"
        ).fetchall()
    assert (True, True) in rows


@pytest.mark.parametrize(
    ("name", "element", "part", "page", "paragraph", "text"),
    [
        ("compte_rendu.pdf", "national_id.nir", "page", 1, 2, "2 69 05 49 588 157 80"),
        ("compte_rendu.pdf", "contact.email", "page", 2, 2, "juliette.marchand@example.org"),
        ("courrier.docx", "national_id.nir", "body", None, 4, "1 75 08 2A 073 004 01"),
        ("message.eml", "contact.email", "headers", None, 2, "sophie.dubois@example.fr"),
        ("message.eml", "health.pregnancy", "attachment 1", None, 1, "patiente enceinte"),
        ("note_cp1252.txt", "contact.phone", "text", None, 2, "02 99 00 11 22"),
    ],
)
def test_spans_carry_lineage_and_offsets_into_the_stored_text(
    scanned: tuple[Workspace, int],
    name: str,
    element: str,
    part: str,
    page: int | None,
    paragraph: int,
    text: str,
) -> None:
    ws, _ = scanned
    with ws.connect() as con:
        rows = con.execute(
            "SELECT s.part, s.page, s.paragraph, substr(d.text, s.start_pos + 1, "
            "s.end_pos - s.start_pos) FROM document_spans s JOIN documents d "
            "USING (document_id, _row) WHERE d.path LIKE ? AND s.element = ?",
            [f"%{name}", element],
        ).fetchall()
    assert (part, page, paragraph, text) in rows


def test_summary_counts_what_was_not_scanned(scanned: tuple[Workspace, int]) -> None:
    ws, count = scanned
    assert count == 5  # the scanned PDF still has its file name row
    with ws.connect() as con:
        summary = document_summary(con)
        unscanned = con.execute(
            "SELECT count(*) FROM document_spans s JOIN documents d USING (document_id, _row) "
            "WHERE d.status <> 'text'"
        ).fetchall()
    assert unscanned == [(0,)]
    assert summary["documents"] == 5
    assert summary["pages_without_text_layer"] == 6  # 3 in the PDF, 3 in the e-mail's copy
    assert summary["attachments_not_read"] == 1
    assert summary["elements"]["contact.email"] == 3


def test_rescan_rebuilds_and_no_documents_gives_empty_tables(
    scanned: tuple[Workspace, int], workspace: Workspace
) -> None:
    ws, count = scanned
    with ws.connect() as con:
        before = con.execute("SELECT count(*) FROM document_spans").fetchall()
        with transaction(con):
            assert scan_documents(con) == count
        assert con.execute("SELECT count(*) FROM document_spans").fetchall() == before
    with workspace.connect() as con:
        with transaction(con):
            assert scan_documents(con) == 0
        assert con.execute("SELECT count(*) FROM document_exposure").fetchall() == [(0,)]
        assert document_summary(con)["documents"] == 0
