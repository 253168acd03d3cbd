"""Text normalisation shared by the recognizers (accents, case, separators)."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae", "’": "'", "ʼ": "'"})
_SEPARATORS = re.compile(r"[\s\-'.]+")
_SAINT = {"ST": "SAINT", "STE": "SAINTE"}


def fold(text: str) -> str:
    """Upper-case, accents removed, ligatures expanded: how health files write names."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.upper().split())


def key(text: str) -> str:
    """A comparison key: folded, hyphens/apostrophes/dots as spaces, ST -> SAINT."""
    words = _SEPARATORS.split(fold(text))
    return " ".join(_SAINT.get(w, w) for w in words if w)


def digits_only(text: str) -> str:
    """The value without spaces, dots, hyphens and slashes (as people type numbers)."""
    return re.sub(r"[\s.\-/]", "", text)
