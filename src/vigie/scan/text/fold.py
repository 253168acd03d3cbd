"""Offset-preserving folding and tokenisation of free text.

Folding keeps one character per character so that a match in the folded text has the
same offsets in the original: spans point into the note as it was written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters whose decomposition gives no useful base letter, mapped by hand; each maps
# to exactly one character so offsets stay the same.
_SPECIAL = {
    "β": "b",
    "ß": "b",
    "µ": "u",
    "μ": "u",
    "œ": "o",
    "Œ": "o",
    "æ": "a",
    "Æ": "a",
    "’": "'",
    "ʼ": "'",
}

# Letters and digits are separate tokens ("CA125" = "ca 125", "VIH1/2" = "vih 1 2"),
# so the lexicon matches however people glue or space them.
TOKEN = re.compile(r"[a-z]+|[0-9]+")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    lower = char.lower()
    if len(lower) != 1:
        return char
    if lower.isascii():
        return lower
    base = unicodedata.normalize("NFD", lower)[0]
    return base if len(base) == 1 else lower


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    # Latin-1 and Latin Extended-A/B cover what French notes are typed in; other
    # characters go through the slower per-character path.
    return {i: _fold_char(chr(i)) for i in range(0x250)} | {ord(k): v for k, v in _SPECIAL.items()}


def fold(text: str) -> str:
    """Lower-case, accents removed, same length as ``text`` (offsets are preserved)."""
    if text.isascii():
        return text.lower()
    folded = text.translate(_table())
    if all(ord(c) < 0x250 for c in folded):
        return folded
    return "".join(_fold_char(c) for c in text)


def tokens(folded: str) -> list[tuple[str, int, int]]:
    """The (token, start, end) of a folded text."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(folded)]


def term_key(term: str) -> tuple[str, ...]:
    """The token tuple a lexicon term is looked up by."""
    return tuple(TOKEN.findall(fold(term)))
