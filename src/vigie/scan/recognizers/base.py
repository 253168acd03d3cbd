"""What a recognizer is and what it returns.

A recognizer tests ONE value (a cell) and says whether it is that kind of value and
whether it validates, with the reason in words. It never quotes the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Recognition:
    """The outcome for one value: kind, validation, rule id and the reason in words."""

    element: str | None  # vocabulary element (DESIGN.md); None for non-personal identifiers
    valid: bool
    rule: str  # short id, e.g. "nir.key", "nir.month"
    detail: str  # e.g. "key ok; sex 2; month 05; département 35" (never the value)
    recognizer: str = ""


@dataclass(frozen=True)
class Recognizer:
    """One kind of value: a cheap shape test, a validator, header hints and a mask.

    `shape` is a compiled regex matched (fullmatch) against the stripped value before the
    validator runs, so profiling discards most values at C speed. `validate` returns
    (valid, rule, detail). `specificity` breaks near-ties between recognizers that accept
    the same values (a first-name list beats generic name-likeness). `header_trusts_shape`
    says a header hint plus the shape alone may classify a column (lists that cannot be
    complete: communes abroad, foreign first names); never true for checksummed ids.
    `needs_header`: the values alone never classify a column with this recognizer.
    """

    name: str
    noun: str  # what valid values are, plural, for evidence ("NIRs with a valid key")
    element: str | None
    description: str
    shape: re.Pattern[str]
    validate: Callable[[str], tuple[bool, str, str]]
    mask: Callable[[str], str]
    header_hints: tuple[str, ...] = ()
    specificity: int = 1
    header_trusts_shape: bool = False
    loose_shape: re.Pattern[str] | None = None  # shape counted when hinted (plain passwords)
    diverse: bool = False  # many distinct values expected: a few repeated ones are codes
    needs_header: bool = False  # values alone never decide (no checksum, or NIR-like INS)
    personal: bool = True

    def recognize(self, value: str) -> Recognition | None:
        """Test one value: None when it does not even look like this kind."""
        text = value.strip()
        if not text or not self.shape.fullmatch(text):
            return None
        valid, rule, detail = self.validate(text)
        return Recognition(self.element, valid, rule, detail, self.name)
