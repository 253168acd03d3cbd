"""The letters' QR codes (zxing-cpp, mask fixed for speed) read back with another decoder,
zbar, for short and signed contents alike."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from vigie.notify import codes, letters

SIGNED = "l=L01-{n:06d}&e=Laboratoire+Bio+Armor+Saint-Brieuc&d=20210301&p=22000&i=M.P.&s={s}"


def _contents() -> list[str]:
    found = []
    for n in range(30):
        code = codes.new_code()
        signature = base64.urlsafe_b64encode(bytes([n]) * 64).decode().rstrip("=")
        signed = SIGNED.format(n=n, s=signature)
        url = "https://verifier.example.org/verifier" if n % 2 else None
        found.append(letters.qr_content(code, url, signed if n % 3 else ""))
    return found


def _png(svg: str, path: Path) -> Path:
    """The QR's 1-bit PNG out of the SVG, eight pixels a module (as printed at ~300 dpi)."""
    data = re.search(r'href="data:image/png;base64,([^"]+)"', svg)
    assert data is not None
    path.write_bytes(base64.b64decode(data.group(1)))
    with Image.open(path) as image:
        image.convert("L").resize((image.width * 8, image.height * 8), Image.NEAREST).save(path)
    return path


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg missing: zbar-tools")
def test_every_qr_code_decodes_to_its_content(tmp_path: Path) -> None:
    contents = _contents()
    files = [_png(letters.qr_svg(c), tmp_path / f"qr-{i:02d}.png") for i, c in enumerate(contents)]
    read = []
    for path in files:  # one file a call: zbarimg prints the codes of a call unlabelled
        out = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True)
        read.append(out.stdout.decode("utf-8").strip())
    assert read == contents
