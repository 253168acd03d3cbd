"""Plain text and HTML as paragraphs: the encoding detected, the markup dropped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from vigie.ingest.readers.encoding import detect_encoding

_BREAKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "hr",
        "title",
    }
)
_HIDDEN = frozenset({"script", "style", "head"})
_SPACES = re.compile(r"[ \t\u00a0]+")


def decode_text(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """The text and the encoding label: the declared charset if it decodes, else detected."""
    if charset:
        try:
            return data.decode(charset), charset.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    encoding = detect_encoding(data[: 1 << 20])
    return data.decode(encoding.name, errors="replace"), encoding.label


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BREAKS:
            self.out.append("\n\n" if tag not in ("br", "tr") else "\n")
        elif tag in ("td", "th"):
            self.out.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.out.append("\n\n" if tag not in ("br", "tr") else "\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(_SPACES.sub(" ", data.replace("\n", " ")))


def html_text(html: str) -> str:
    """The readable text of an HTML document, a blank line between blocks."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (line.strip(" |") for line in "".join(parser.out).split("\n"))
    return "\n".join(lines)
