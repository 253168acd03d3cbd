"""`vigie notify --accessible`: tagged PDFs a screen reader can read (structure tree,
French language, a title, the text as text in reading order, the subject as a heading to
jump from letter to letter, alternative text for the QR code, footers as artifacts); the
default print batches stay untagged pictures of shared parts (the fast path)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from tests.notify.conftest import LETTER_DATE, Notified
from tests.notify.pdftext import page_texts
from tests.notify.test_templates import _jobs
from vigie.notify import letters
from vigie.notify.run import NotifyOptions, notify_workspace
from vigie.workspace import Workspace

TITLE = "Information sur une violation de données personnelles"


def structure(node: Any) -> list[tuple[str, str]]:
    """(tag, alternative text) of every structure element, in reading order."""
    found: list[tuple[str, str]] = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append((str(kid.S), str(kid.get("/Alt", ""))))
            found += structure(kid)
    return found


def is_tagged(pdf: Path) -> bool:
    with pikepdf.open(pdf) as doc:
        return "/StructTreeRoot" in doc.Root


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three accessible letters of the default template."""
    out = tmp_path_factory.mktemp("accessible")
    parts, jobs = _jobs(out)
    job = dataclasses.replace(jobs[0], accessible=True)
    letters.prepare_build(letters.DEFAULT_TEMPLATE_DIR, out / "build", parts)
    list(letters.render_batches([job], out / "build", processes=1))
    return job.path


def test_accessible_letters_are_tagged_pdf_in_french_with_a_title(batch: Path) -> None:
    with pikepdf.open(batch) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang).startswith("fr")
        assert str(pdf.docinfo.Title) == TITLE


def test_each_letter_has_one_heading_to_jump_to_and_its_sections_below_it(batch: Path) -> None:
    with pikepdf.open(batch) as pdf:
        tags = [tag for tag, _ in structure(pdf.Root.StructTreeRoot)]
    assert tags.count("/H1") == 3  # the subject of each letter
    assert tags.count("/H2") == 3 * 6  # the parts' headings
    assert tags.count("/L") >= 3 * 3  # lists stay lists (exposure in two columns, advice)


def test_qr_code_alternative_gives_the_printed_code(batch: Path) -> None:
    with pikepdf.open(batch) as pdf:
        figures = [alt for tag, alt in structure(pdf.Root.StructTreeRoot) if tag == "/Figure"]
    assert len(figures) == 3  # the QR codes: the parts are text, not pictures
    assert all(alt.startswith("QR code de vérification de ce courrier") for alt in figures)
    printed = page_texts(batch)[1::2]  # each letter's second page
    codes = [alt.rsplit(" ", 1)[1] for alt in figures]
    assert all(code in page for code, page in zip(codes, printed, strict=True))
    assert len(set(codes)) == 3


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo missing: poppler-utils")
def test_reading_order_follows_the_letter_and_skips_the_footers(batch: Path) -> None:
    tree = subprocess.run(["pdfinfo", "-struct-text", str(batch)], capture_output=True,
                          text=True, errors="replace").stdout  # fmt: skip
    # tags open a line ("  H1 (block):"); "H1" inside a random verification code must not count
    assert "Tagged:" not in tree and len(re.findall(r"^\s*H1\b", tree, re.M)) == 3
    order = ["Laboratoire Test", "Objet", "Madame,", "Les informations concernées",
             "Ce que cela peut entraîner", "Ce que nous avons fait",
             "Ce que nous vous conseillons", "Vérifier que ce courrier est authentique",
             "Des escrocs", "Vos droits"]  # fmt: skip
    first = tree[: tree.index("Objet", tree.index("Vos droits"))]  # the first letter
    where = [first.find(f'"{words}') for words in order]
    assert -1 not in where and where == sorted(where), dict(zip(order, where, strict=True))
    assert "Réf. L01-" not in tree  # the footers are artifacts, not read aloud


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo missing: poppler-utils")
def test_pdfinfo_reports_a_tagged_pdf(batch: Path) -> None:
    out = subprocess.run(["pdfinfo", str(batch)], capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", out)


def test_accessible_run_tags_every_batch_with_the_text_as_text(
    notified: Notified, tmp_path: Path, notify_env: Path
) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(notified.workspace, copy)
    options = NotifyOptions(batch_size=50, processes=1, letter_date=LETTER_DATE,
                            reissue=True, accessible=True)  # fmt: skip
    result = notify_workspace(Workspace.open(copy), options)
    assert result["accessible"] is True
    batches = sorted((Path(result["out"]) / "letters").glob("batch-*.pdf"))
    assert len(batches) == result["batches"] and all(is_tagged(b) for b in batches)
    # the parts are text, not pictures: the exposure list reads from the page
    first = " ".join(page_texts(batches[0])[0].split())
    assert "Les informations concernées" in first and "ont été exposées" in first


def test_default_print_batches_are_the_fast_untagged_ones(notified: Notified) -> None:
    batch = Path(notified.result["out"]) / "letters" / "batch-0001.pdf"
    assert not is_tagged(batch)


@pytest.mark.parametrize("flag", ["--accessible", "--large-print"])
def test_the_cli_offers_it(flag: str) -> None:
    from tests.cli.runner import vigie

    assert flag in vigie("notify", "run", "--help").stdout
