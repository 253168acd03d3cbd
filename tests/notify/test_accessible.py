"""`vigie notify --accessible`: tagged PDFs a screen reader can read (structure tree,
French language, the text as text in reading order, alternative text for the QR code);
the default print batches stay untagged pictures of shared parts (the fast path)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.notify.conftest import LETTER_DATE, Notified
from tests.notify.pdftext import page_texts
from vigie.notify.run import NotifyOptions, notify_workspace
from vigie.workspace import Workspace


def _streams(pdf: bytes) -> bytes:
    """The PDF with its compressed object streams inflated (Typst compresses the tags)."""
    found = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            found.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(found)


def test_accessible_letters_are_tagged_french_with_qr_alt_text(
    notified: Notified, tmp_path: Path, notify_env: Path
) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(notified.workspace, copy)
    options = NotifyOptions(batch_size=50, processes=1, letter_date=LETTER_DATE,
                            reissue=True, accessible=True)  # fmt: skip
    result = notify_workspace(Workspace.open(copy), options)
    assert result["accessible"] is True
    batch = Path(result["out"]) / "letters" / "batch-0001.pdf"
    everything = _streams(batch.read_bytes())
    assert b"/StructTreeRoot" in everything and b"/MarkInfo" in everything
    assert re.search(rb"/Lang\s*\(fr", everything)
    alt = "QR code de vérification".encode("utf-16-be").hex().upper().encode()
    assert b"/Alt<FEFF" + alt in everything  # the QR figure's /Alt (UTF-16 hex string)
    # the parts are text, not pictures: the exposure list reads from the page
    first = " ".join(page_texts(batch)[0].split())
    assert "Les informations concernées" in first and "ont été exposées" in first
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(batch)], capture_output=True, text=True).stdout
        assert re.search(r"Tagged:\s+yes", info)


def test_default_print_batches_are_the_fast_untagged_ones(notified: Notified) -> None:
    batch = Path(notified.result["out"]) / "letters" / "batch-0001.pdf"
    assert b"/StructTreeRoot" not in _streams(batch.read_bytes())


@pytest.mark.parametrize("flag", ["--accessible"])
def test_the_cli_offers_it(flag: str) -> None:
    from tests.cli.runner import vigie

    assert flag in vigie("notify", "run", "--help").stdout
