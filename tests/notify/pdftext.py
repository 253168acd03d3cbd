"""Reading rendered letters back (test support): text and character positions by page."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium

MM = 72 / 25.4


@dataclass(frozen=True)
class Line:
    text: str
    left_mm: float
    right_mm: float
    top_mm: float
    bottom_mm: float


# The letters are printed with French typography (vigie/french.py `typographic`); tests
# about wording read them back as typed: straight apostrophes, ordinary spaces.
_AS_TYPED = str.maketrans({"\u2019": "'", "\u00a0": " ", "\u202f": " "})


def page_texts(pdf: Path, *, printed: bool = False) -> list[str]:
    """The text of each page, as typed (default) or exactly as printed (`printed=True`:
    typographic apostrophes and no-break spaces kept)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        texts = [
            doc[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(doc))
        ]
    finally:
        doc.close()
    return texts if printed else [t.translate(_AS_TYPED) for t in texts]


def paragraphs(page: str) -> list[str]:
    """A page's text cut into paragraphs and list items: a line that wraps ends with the
    space it was broken at; a line that ends a paragraph does not."""
    found = []
    for block in re.split(r"(?<! )\n", page):
        text = re.sub(r"[ \t\r\n]+", " ", block.removeprefix("•")).strip()  # keeps no-break spaces
        if text:
            found.append(text)
    return found


def page_lines(pdf: Path, index: int, *, printed: bool = False) -> list[Line]:
    """The text lines of one page with their boxes, in mm from the top-left corner; the
    text as typed unless `printed` (see page_texts)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[index]
        height = page.get_height()
        text = page.get_textpage()
        lines: list[Line] = []
        chars: list[tuple[str, tuple[float, float, float, float]]] = []
        for i in range(text.count_chars()):
            ch = text.get_text_range(i, 1)
            if ch in ("\r", "\n"):
                if chars:
                    lines.append(_line(chars, height))
                    chars = []
                continue
            chars.append((ch, text.get_charbox(i)))
        if chars:
            lines.append(_line(chars, height))
        if printed:
            return lines
        return [replace(line, text=line.text.translate(_AS_TYPED)) for line in lines]
    finally:
        doc.close()


def _line(chars: list[tuple[str, tuple[float, float, float, float]]], height: float) -> Line:
    boxes = [b for c, b in chars if c.strip()]
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    bottom = min(b[1] for b in boxes)
    top = max(b[3] for b in boxes)
    return Line(
        "".join(c for c, _ in chars).strip(),
        left / MM,
        right / MM,
        (height - top) / MM,
        (height - bottom) / MM,
    )


def render_png(pdf: Path, index: int, out: Path, dpi: int = 150) -> Path:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[index].render(scale=dpi / 72).to_pil()
        image.save(out)
    finally:
        doc.close()
    return out
