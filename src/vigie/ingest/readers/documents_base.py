"""What a document reader yields: blocks of text with their place in the document.

A block is one paragraph (or one table row, one header line) with its lineage: the
`part` of the document it comes from ("body", "page", "table", "header", "attachment 2"),
the page for paginated formats, and its paragraph number within that part (1-based).
A page or attachment that holds no readable text still yields a block, with a status
saying why (`no_text_layer`, `not_read`), so nothing is skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

TEXT = "text"
NO_TEXT_LAYER = "no_text_layer"  # a PDF page that is an image only (a scan)
NOT_READ = "not_read"  # an attachment of a kind vigie does not read (image, archive...)

# One stored paragraph stays small enough for the NLP model; longer runs are cut at a
# line break (or a space) before this length.
MAX_PARAGRAPH = 5_000

_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n+")


@dataclass(frozen=True)
class Block:
    part: str
    paragraph: int
    text: str | None
    status: str = TEXT
    page: int | None = None
    detail: str = ""  # what a not-read block is, e.g. "image/png" (never content)


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines; long ones cut at line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    out: list[str] = []
    for chunk in _BLANK_LINES.split(text):
        chunk = chunk.strip()
        if chunk:
            out.extend(_cut(chunk))
    return out


def _cut(text: str) -> Iterator[str]:
    while len(text) > MAX_PARAGRAPH:
        at = text.rfind("\n", 0, MAX_PARAGRAPH)
        if at <= 0:
            at = text.rfind(" ", 0, MAX_PARAGRAPH)
        if at <= 0:
            at = MAX_PARAGRAPH
        head, text = text[:at].strip(), text[at:].strip()
        if head:
            yield head
    if text:
        yield text


def text_blocks(text: str, part: str, page: int | None = None) -> list[Block]:
    """The paragraphs of `text` as numbered blocks of one part."""
    return [Block(part, n, p, page=page) for n, p in enumerate(paragraphs(text), start=1)]
