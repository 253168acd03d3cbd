"""CIM-10 / ICD-10 codes in notes: letter + 2 digits, optional decimals.

Only codes inside the WHO ICD-10 blocks are accepted, so "A4" (one digit) or "B10"
(no such block) never match. Shapes that are common lab words ("B12" vitamin, "T21"
trisomy, "HLA B27", "D25" vitamin D) count only next to a coding cue (CIM, ICD, code,
diagnostic): see docs/health-lexicon.md.
"""

from __future__ import annotations

import re

from vigie.scan.text.span import Span

# Inclusive 3-character ranges of the WHO ICD-10 chapters (letter -> (low, high) pairs).
_BLOCKS: dict[str, tuple[tuple[int, int], ...]] = {
    "A": ((0, 99),),
    "B": ((0, 9), (15, 99)),
    "C": ((0, 97),),
    "D": ((0, 48), (50, 89)),
    "E": ((0, 90),),
    "F": ((0, 99),),
    "G": ((0, 99),),
    "H": ((0, 95),),
    "I": ((0, 99),),
    "J": ((0, 99),),
    "K": ((0, 93),),
    "L": ((0, 99),),
    "M": ((0, 99),),
    "N": ((0, 99),),
    "O": ((0, 99),),
    "P": ((0, 96),),
    "Q": ((0, 99),),
    "R": ((0, 99),),
    "S": ((0, 99),),
    "T": ((0, 98),),
    "U": ((4, 4), (7, 7), (8, 10), (82, 85)),
    "V": ((1, 99),),
    "W": ((0, 99),),
    "X": ((0, 99),),
    "Y": ((0, 98),),
    "Z": ((0, 99),),
}
# Blocks whose code names more than a diagnosis: a malignant or in-situ neoplasm is a
# cancer, B20-B24 and Z21 are HIV, chapter XV and Z32-Z37/Z39 are pregnancy, chromosomal
# anomalies (Q90-Q99) and a genetic susceptibility (Z15) are genetic data.
_ALSO: tuple[tuple[str, int, int, str], ...] = (
    ("C", 0, 97, "health.cancer"),
    ("D", 0, 9, "health.cancer"),
    ("B", 20, 24, "health.hiv"),
    ("Z", 21, 21, "health.hiv"),
    ("O", 0, 99, "health.pregnancy"),
    ("Z", 32, 37, "health.pregnancy"),
    ("Z", 39, 39, "health.pregnancy"),
    ("A", 50, 64, "health.sexual"),  # infections with a predominantly sexual mode
    ("Z", 30, 30, "health.sexual"),  # contraceptive management
    ("Q", 90, 99, "health.genetic"),
    ("Z", 15, 15, "health.genetic"),
)
# Shapes that mean something else in a lab note unless a coding cue is near.
_AMBIGUOUS = frozenset({"B12", "B19", "B27", "D25", "A38", "N95", "C14"})
# Letters lab staff also use for days (J15), weeks (S12), months (M12), hours (H24) or
# times (T30): undotted codes under them need a coding cue.
_CUE_LETTERS = frozenset("HJMSTVWXY")
# Words before a code shape that make it a room, a tube, a vitamin... not a diagnosis.
_NOT_BEFORE = re.compile(
    r"\b(?:chambre|ch|salle|bureau|box|porte|lit|bat|batiment|tube|lot|ref|vitamine|vit|"
    r"hla|cd|etage|bus|route|autoroute|format|papier|rue|niveau|bloc)\W*$"
)
_CUE = re.compile(r"\b(?:cim|icd|code|codes|diag|dg|diagnostic|pathologie|ald|codage|pmsi)\b")
CODE = re.compile(r"(?<![\w/.,-])([A-Z])(\d{2})(?:\.(\d{1,2})|(\d))?(?![\w/%]|[.,]\d)")


def in_blocks(letter: str, number: int) -> bool:
    """Whether ``letter`` + ``number`` is inside a WHO ICD-10 block."""
    return any(lo <= number <= hi for lo, hi in _BLOCKS.get(letter, ()))


def also_exposes(letter: str, number: int) -> list[str]:
    """The elements besides ``health.diagnosis`` that a code's block reveals."""
    return [e for x, lo, hi, e in _ALSO if x == letter and lo <= number <= hi]


def find_codes(text: str, folded: str) -> list[Span]:
    """ICD-10 codes written in upper case in ``text`` (``folded`` is its folded copy)."""
    spans = []
    for m in CODE.finditer(text):
        letter, number = m.group(1), int(m.group(2))
        if not in_blocks(letter, number):
            continue
        before = folded[max(0, m.start() - 30) : m.start()]
        if _NOT_BEFORE.search(before):
            continue
        near = folded[max(0, m.start() - 40) : m.end() + 20]
        dotted = m.group(3) is not None
        shaky = letter in _CUE_LETTERS or letter + m.group(2) in _AMBIGUOUS or m.group(4)
        if shaky and not dotted and not _CUE.search(near):
            continue
        detail = "ICD-10 code inside a WHO block" + (" with subdivision" if dotted else "")
        spans.append(Span(m.start(), m.end(), "health.diagnosis", "icd10.code", detail=detail))
        for element in also_exposes(letter, number):
            detail = f"ICD-10 code in a block that reveals {element}"
            spans.append(Span(m.start(), m.end(), element, "icd10.block", detail=detail))
    return spans
