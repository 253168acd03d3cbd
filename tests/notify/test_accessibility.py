"""Letters are tagged PDF for screen readers: French, titled, read in the letter's order,
every image (the shared parts, the QR code) with a text alternative."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from tests.notify.pdftext import page_texts
from tests.notify.test_templates import _render
from vigie.notify import letters


def _structure(node: Any) -> list[tuple[str, str]]:
    """(tag, alternative text) of every structure element, in reading order."""
    found: list[tuple[str, str]] = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append((str(kid.S), str(kid.get("/Alt", ""))))
            found += _structure(kid)
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three letters of the default template."""
    return _render(letters.DEFAULT_TEMPLATE_DIR, tmp_path_factory.mktemp("tagged"))


def test_letters_are_tagged_pdf_in_french_with_a_title(batch: Path) -> None:
    with pikepdf.open(batch) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang).startswith("fr")
        assert str(pdf.docinfo.Title) == "Information sur une violation de données personnelles"


def test_each_letter_has_a_heading_screen_readers_can_jump_to(batch: Path) -> None:
    with pikepdf.open(batch) as pdf:
        tags = [tag for tag, _ in _structure(pdf.Root.StructTreeRoot)]
    assert tags.count("/H1") == 3


def test_every_image_has_its_text_as_alternative(batch: Path) -> None:
    with pikepdf.open(batch) as pdf:
        figures = [alt for tag, alt in _structure(pdf.Root.StructTreeRoot) if tag == "/Figure"]
    assert len(figures) == 3 * 7  # six parts and the QR code per letter
    assert all(alt.strip() for alt in figures)
    exposure = next(alt for alt in figures if alt.startswith("Les informations concernées"))
    assert "votre numéro de sécurité sociale" in exposure and "\n" not in exposure


def test_qr_code_alternative_gives_the_printed_code(batch: Path) -> None:
    with pikepdf.open(batch) as pdf:
        figures = [alt for tag, alt in _structure(pdf.Root.StructTreeRoot) if tag == "/Figure"]
    qr = [alt for alt in figures if alt.startswith("Code QR")]
    assert len(qr) == 3
    printed = page_texts(batch)[1::2]  # each letter's second page
    assert all(alt.rsplit(" ", 1)[1] in page for alt, page in zip(qr, printed, strict=True))
    assert len({alt.rsplit(" ", 1)[1] for alt in qr}) == 3


def test_reading_order_follows_the_letter(batch: Path) -> None:
    with pikepdf.open(batch) as pdf:
        first = [alt for tag, alt in _structure(pdf.Root.StructTreeRoot) if alt][:7]
    starts = ["Laboratoire Test", "Le 12 février", "Les informations concernées",
              "Ce que nous avons fait", "Des escrocs", "Code QR", "Vos droits"]  # fmt: skip
    assert [alt[: len(s)] for alt, s in zip(first, starts, strict=True)] == starts


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo missing: poppler-utils")
def test_pdfinfo_reports_a_tagged_pdf(batch: Path) -> None:
    out = subprocess.run(["pdfinfo", str(batch)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in out
