"""DOCX text with part and paragraph lineage, through python-docx.

Every `w:p` of the body is read in document order, including those inside tables and
text boxes; a table row becomes one paragraph (cells joined by " | ") so that a label
and its value ("NIR | 1 75 ...") stay together. Deleted text of tracked changes
(`w:delText`) is read too: it is still in the file, so it leaked. Headers, footers and
comments are parts of their own.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.ingest.readers.documents_base import Block, paragraphs

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


class DocxError(Exception):
    """The DOCX cannot be opened; the message says why in a few words."""


def open_docx(source: Path | bytes) -> Any:
    """A python-docx Document, or DocxError."""
    import docx

    try:
        return docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    except Exception:  # python-docx raises KeyError, ValueError, BadZipFile, lxml errors...
        raise DocxError("it cannot be opened (damaged, or not a Word 2007+ document)") from None


def read_docx(source: Path | bytes) -> Iterator[Block]:
    """Body paragraphs and table rows, then headers, footers and comments."""
    document = open_docx(source)
    yield from _numbered("body", _body_texts(document.element.body))
    seen: set[int] = set()
    for section in document.sections:
        for kind, parts in (
            ("header", (section.header, section.first_page_header, section.even_page_header)),
            ("footer", (section.footer, section.first_page_footer, section.even_page_footer)),
        ):
            for part in parts:
                if part.is_linked_to_previous or id(part.part) in seen:
                    continue
                seen.add(id(part.part))
                yield from _numbered(kind, _body_texts(part._element))
    for rel in document.part.rels.values():
        if rel.reltype == _COMMENTS and not rel.is_external:
            from lxml import etree

            root = etree.fromstring(rel.target_part.blob)
            yield from _numbered("comments", _body_texts(root))


def _numbered(part: str, texts: Iterator[str]) -> Iterator[Block]:
    n = 0
    for text in texts:
        for piece in paragraphs(text):
            n += 1
            yield Block(part, n, piece)


def _body_texts(root: Any) -> Iterator[str]:
    """The text of each paragraph under `root`, a table row counting as one."""
    for element in root.iter(f"{_W}p", f"{_W}tr"):
        if element.tag == f"{_W}tr":
            cells = [_cell_text(tc) for tc in element.iterchildren(f"{_W}tc")]
            yield " | ".join(c for c in cells if c)
        elif not _inside(element, f"{_W}tr"):
            yield _paragraph_text(element)


def _cell_text(cell: Any) -> str:
    return " ".join(t for p in cell.iter(f"{_W}p") if (t := _paragraph_text(p)))


def _inside(element: Any, tag: str) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _paragraph_text(paragraph: Any) -> str:
    out: list[str] = []
    for node in paragraph.iter(f"{_W}t", f"{_W}delText", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag in (f"{_W}t", f"{_W}delText"):
            out.append(node.text or "")
        elif node.tag == f"{_W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out).strip()
