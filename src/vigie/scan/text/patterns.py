"""Regex patterns around the lexicon: weeks of amenorrhoea, analyte values, test results.

They run on the folded text (lower case, no accents, same offsets as the original).
"""

from __future__ import annotations

import re

from vigie.scan.text.span import Span

# "12 SA", "12SA", "32 SA + 3 j", "12 s.a.", "28 sem d'amenorrhee": a pregnancy term.
# The number is required, so "SA" as a company name ("Biolab SA") never fires.
WEEKS = re.compile(
    r"(?<![\w.,])(\d{1,2})(?:[.,+]\d)?\s*(?:sa|s\.a\.?|sem\s*d\W?a\w*)"
    r"(?:\s*\+\s*\d\s*j(?:ours?)?)?(?!\w)"
)

# A value after an analyte: "Hb 9.2 g/dL", "glycemie : 1,32 g/l", "INR a 2.5", "HbA1c 8 %".
# Dates (12/03), times (8h30) and ranges of tube numbers are not values.
VALUE = re.compile(
    r"\+?\s*(?:[:=]\s*)?(?:(?:residuel\w*|total\w*|libre|capillaire|veineuse|plasmatique|"
    r"serique|basse?|haute?|elevee?|tres|ce\s+jour|du\s+jour|actuel\w*|controle\w*)\s+)?"
    r"(?:(?:a|de|est a|est de|=|:)\s*)?(?:[<>]=?\s*)?"
    r"(\d{1,5}(?:[.,]\d{1,3})?)"
    r"(?!\s*/\s*\d|\s*h\s*\d|\s*h\b|\d|[.,]\d|\s*(?:x|fois|ans|an|mois|j|jours|cp)\b|,\s*x)"
    r"(?:\s*(?:g/dl|g/l|mg/l|mg/dl|mmol/l|umol/l|mmol/mol|nmol/l|pmol/l|ui/l|mui/l|ui/ml|"
    r"mui/ml|ng/ml|pg/ml|ug/l|ng/l|giga/l|g/l|t/l|/mm3|mm3|%|copies/ml|cp/ml|log|sec|s|"
    r"ml/min(?:/1[.,]73\s*m2)?|meq/l|mm/h|u/l|ui))?"
)

# "positif", "négative", "POS", "+", "immunisée" right after a named test.
SIGN = re.compile(
    r"[\s:=]*(?:(?:est|sont|revient|revenu|revenue|reste|restee|tres|faiblement|"
    r"fortement|franchement|a|1|2|1\s*/\s*2|1\s*et\s*2|combo|ac|ag|igg|igm)\s+)*"
    r"(?:positi\w*|negati\w*|pos\b|neg\b|nega\b|douteu\w*|equivoque\w*|limite\b|"
    r"immunise\w*|non\s+immunise\w*|reacti\w*|non\s+reacti\w*|detecte\w*|non\s+detecte\w*|"
    r"indetectable\w*|[+-](?=\s*(?:[,.;)]|$)))"
)


def weeks_of_amenorrhoea(folded: str) -> list[Span]:
    """Pregnancy terms written as a number of weeks of amenorrhoea."""
    return [
        Span(
            m.start(),
            m.end(),
            "health.pregnancy",
            "pregnancy.weeks",
            detail="a term of pregnancy in weeks of amenorrhoea (SA)",
        )
        for m in WEEKS.finditer(folded)
        if 1 <= int(m.group(1)) <= 44
    ]


def value_after(folded: str, end: int) -> int | None:
    """The end of a value written right after ``end``, or None when there is none."""
    m = VALUE.match(folded, end, min(len(folded), end + 40))
    return m.end() if m else None


def sign_after(folded: str, end: int) -> int | None:
    """The end of a positive/negative verdict right after ``end``, or None."""
    m = SIGN.match(folded, end, min(len(folded), end + 40))
    return m.end() if m else None
