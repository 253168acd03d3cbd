"""Read the report back: the data attributes its figures carry (test support)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any


class ReportPage(HTMLParser):
    """Collects charts (data-chart/data-values), figures, decisions, inventory, text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.charts: dict[str, list[tuple[str, int]]] = {}
        self.figures: dict[str, str] = {}
        self.decisions: dict[str, dict[str, str]] = {}
        self.inventory: dict[str, dict[str, str]] = {}
        self.clock: str | None = None
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_parts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "data-chart" in a:
            self.charts[a["data-chart"]] = [
                (k, int(n)) for k, n in json.loads(a["data-values"]) or []
            ]
        if "data-figure" in a:
            self.figures[a["data-figure"]] = a["data-value"]
        if "data-decision" in a:
            self.decisions[a["data-decision"]] = a
        if "data-element" in a:
            self.inventory[a["data-element"]] = a
        if "data-clock" in a:
            self.clock = a["data-clock"]

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(self.text_parts)


def as_dict(pairs: list[tuple[Any, Any]]) -> dict[str, int]:
    return {str(k): int(v) for k, v in pairs}


_BLOCKS = {"p", "div", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "tr", "title",
           "figcaption", "summary", "footer", "header", "section", "table", "ul", "br"}  # fmt: skip
_HIDDEN = {"style", "script", "svg"}  # the charts' SVG holds labels and numbers, no prose


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.current: list[str] = []
        self.hidden = 0

    def flush(self) -> None:
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self.current)).strip()
        if text:
            self.found.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in _HIDDEN
        if tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in _HIDDEN
        if tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.current.append(data)


def paragraphs(page: str) -> list[str]:
    """The report's text as a reader sees it, one entry per block (paragraph, list item,
    table cell, heading), no-break spaces kept; chart drawings left out."""
    parser = _Paragraphs()
    parser.feed(page)
    parser.flush()
    return parser.found
