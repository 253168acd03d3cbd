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
    r"(\d{1,7}(?:[.,]\d{1,3})?)"
    r"(?!\s*/\s*\d|\s*h\s*\d|\s*h\b|\d|[.,]\d|,\s*x|(?:e|er|ere|eme|nd|nde)\b|"
    r"\s*(?:x|fois|ans|an|mois|j|jours|cp|semaines?|sem|heures?|min|minutes?)\b)"
    r"(?:\s*(?:g/dl|g/l|mg/l|mg/dl|mmol/l|umol/l|mmol/mol|nmol/l|pmol/l|ui/l|mui/l|ui/ml|"
    r"mui/ml|ng/ml|pg/ml|ug/l|ng/l|giga/l|g/l|t/l|/mm3|mm3|%|copies/ml|cp/ml|log|sec|s|"
    r"ml/min(?:/1[.,]73\s*m2)?|meq/l|mm/h|u/l|ui))?"
)

# "positif", "négative", "POS", "+", "immunisée", "homozygote" right after a named test.
SIGN = re.compile(
    r"[\s:=]*(?:(?:est|sont|revient|revenu|revenue|reste|restee|tres|faiblement|"
    r"fortement|franchement|a|1|2|1\s*/\s*2|1\s*et\s*2|combo|ac|ag|igg|igm)[\s/:=+]+)*"
    r"(?:positi\w*|negati\w*|pos\b|neg\b|nega\b|douteu\w*|equivoque\w*|limite\b|"
    r"immunise\w*|non\s+immunise\w*|reacti\w*|non\s+reacti\w*|detecte\w*|non\s+detecte\w*|"
    r"indetectable\w*|norma(?:l|le|les|ux)\b|anorma\w*|homozygote\w*|heterozygote\w*|"
    r"(?:non\s+)?mutee?s?\b|deleter\w*|pathogen\w*|"
    r"[+-](?=\s*(?:[,.;)]|$)))"
)

# A verdict in words on an analyte: "ferritine basse", "CRP élevée", "VS accélérée",
# "plaquettes en baisse". Only after an analyte or a named test.
QUALITY = re.compile(
    r"[\s:=]*(?:(?:tres|trop|un\s+peu|legerement|nettement|franchement|encore|toujours)\s+)?"
    r"(?:bas|basse|basses|haute?s?|elevee?s?|augmentee?s?|diminuee?s?|abaissee?s?|"
    r"effondree?s?|acceleree?s?|perturbee?s?|anorma\w*|norma(?:l|le|les|ux)|correcte?s?|"
    r"insuffisante?s?|en\s+baisse|en\s+hausse|a\s+la\s+hausse|a\s+la\s+baisse|"
    r"dans\s+les\s+normes|hors\s+normes?|sub\s*normale?s?|limite|(?:non\s+)?significati\w*)\b"
)

# A test or analyte, a few words of qualifier, then a colon and the value or verdict:
# "PSA de surveillance post-prostatectomie : 0,02", "toxoplasmose mensuelle : négative".
_TO_COLON = re.compile(r"[^,;.:\n()]{0,45}?:")
# One qualifier word between a test and its verdict: "caryotype foetal normal".
_QUALIFIER = re.compile(r"\s+(?!(?:mais|avec|sans|pour|puis|donc|sous|car)\b)[a-z]{3,}(?=\s)")


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


def quality_after(folded: str, end: int) -> int | None:
    """The end of a verdict in words ("basse", "élevée") right after ``end``, or None."""
    m = QUALITY.match(folded, end, min(len(folded), end + 40))
    return m.end() if m else None


def result_after(folded: str, end: int) -> int | None:
    """The end of a value or verdict following a test or analyte ending at ``end``.

    Right after it, or after a colon that closes a short qualifier ("PSA de suivi : 4,2"),
    or a verdict after one qualifier word; always on the same line ("HTA\n2e tube").
    """
    line_end = folded.find("\n", end)
    line = folded if line_end < 0 else folded[:line_end]
    stop = value_after(line, end) or sign_after(line, end) or quality_after(line, end)
    if stop is None:
        colon = _TO_COLON.match(line, end)
        if colon is not None:
            at = colon.end()
            stop = value_after(line, at) or sign_after(line, at) or quality_after(line, at)
    if stop is None:
        word = _QUALIFIER.match(line, end)
        if word is not None:
            stop = sign_after(line, word.end()) or quality_after(line, word.end())
    return stop
