"""Signed QR codes: the QR printed on a real letter carries a signature anyone can check
offline with the bundle's public key; the page shows the initials and postcode it binds;
any altered field breaks it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.cli.runner import vigie
from tests.notify.pdftext import render_png
from tests.portal.conftest import Portal, genuine_code
from tests.portal.live import live_portal
from vigie.portal import load_bundle
from vigie.portal.signing import check_text

pytestmark = pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools missing")


def _scanned(built: Portal, tmp_path: Path) -> str:
    """The text of the first letter's QR code, decoded from the rendered PDF page."""
    pdf = built.letters / "letters" / "batch-0001.pdf"
    png = render_png(pdf, 1, tmp_path / "page2.png", dpi=200)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    assert out.stdout.startswith("VIGIE "), out.stdout
    return out.stdout.strip()


def test_qr_on_a_letter_verifies_offline_with_the_bundle(built: Portal, tmp_path: Path) -> None:
    text = _scanned(built, tmp_path)
    public = load_bundle(built.bundle).public_key("qr_signing")
    assert public is not None
    code, bound = check_text(public, text)
    assert code == genuine_code(built.letters)
    assert bound is not None and bound.letter == "L01-000001"
    assert len(bound.postcode) == 5 and bound.initials.endswith(".")
    run = vigie("verify", "--qr", text, "--bundle", str(built.bundle), "--json")
    assert run.code == 0 and run.json()["signature_valid"] is True


def _other_first(signature: str) -> str:
    """The signature with its first character changed (6 whole bits of its first byte: the
    last character's low bits may be padding a lax decoder ignores)."""
    return ("B" if signature[0] != "B" else "C") + signature[1:]


@pytest.mark.parametrize("field", ["l", "e", "d", "p", "i", "s"])
def test_any_altered_field_breaks_the_signature(built: Portal, tmp_path: Path, field: str) -> None:
    text = _scanned(built, tmp_path)
    head, query = text.rsplit(" ", 1)
    parts = dict(p.split("=", 1) for p in query.split("&"))
    parts[field] = {"l": "L01-000002", "e": "Autre", "d": "20210302", "p": "75001",
                    "i": "Z.Z.", "s": _other_first(parts["s"])}[field]  # fmt: skip
    forged = head + " " + "&".join(f"{k}={v}" for k, v in parts.items())
    public = load_bundle(built.bundle).public_key("qr_signing")
    assert public is not None and check_text(public, forged)[1] is None
    run = vigie("verify", "--qr", forged, "--bundle", str(built.bundle))
    assert run.code == 1


def test_page_shows_what_the_signature_binds(built: Portal, tmp_path: Path) -> None:
    text = _scanned(built, tmp_path)
    code, query = text.split(" ")[1], text.split(" ")[2]
    with live_portal(built.bundle) as base:
        page = httpx.get(f"{base}/verifier/?code={code}&{query}").text
        tampered = httpx.get(f"{base}/verifier/?code={code}&{query.replace('p=', 'p=9')}").text
    public = load_bundle(built.bundle).public_key("qr_signing")
    assert public is not None
    bound = check_text(public, text)[1]
    assert bound is not None
    assert "QR code signé" in page and bound.initials in page and bound.postcode in page
    assert "n'est pas reconnu" in tampered
