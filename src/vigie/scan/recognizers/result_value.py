"""The value of a lab result in a results table: a measure or a verdict (`health.result`).

A column of numbers could be anything, so this recognizer classifies a column only when
its header names a result value (VALEUR, RESULTAT...): with the test's label or code on
the same row, the value is the person's result. A measure is a number, maybe with a
comparator (`< 0.5`) and a unit (`6.1 %`, `12 mg/L`); a verdict is a word a lab writes
(positif, négatif, absence, indétectable, immunisé(e), hétérozygote...).
"""

from __future__ import annotations

import re

from vigie.scan.masking import mask_code
from vigie.scan.recognizers.base import Recognizer
from vigie.scan.recognizers.text_norm import fold

SHAPE = re.compile(r"[^\n]{1,80}")
_MEASURE = re.compile(
    r"(?:[<>]=?|[≤≥])?\s*[-+]?\d+(?:[.,]\d+)?(?:\s*(?:[A-Za-zµ%/][A-Za-zµ%/0-9.^]*))?"
)
_VERDICT = re.compile(
    r"\b(?:POSITI(?:F|VE)|NEGATI(?:F|VE)|POS|NEG|NORMAL(?:E|ES|AUX)?|ANORMAL(?:E|ES|AUX)?|"
    r"ABSEN(?:CE|T|TE)|PRESEN(?:CE|T|TE)|(?:NON )?DETECTEE?S?|INDETECTABLE|(?:NON )?REACTIF|"
    r"(?:NON )?IMMUNISEE?|HETEROZYGOTE|HOMOZYGOTE|MUTEE?|DOUTEU(?:X|SE)|EQUIVOQUE|"
    r"LIMITE|INTERPRETABLE|ININTERPRETABLE)\b"
)


MAX_WORDS = 5  # a verdict is short ("Absence de mutation C282Y"); longer is a note


def validate(value: str) -> tuple[bool, str, str]:
    """A measure (number, comparator, unit) or a short verdict."""
    if _MEASURE.fullmatch(value):
        return True, "result_value.measure", "a measured value"
    if len(value.split()) <= MAX_WORDS and _VERDICT.search(fold(value)):
        return True, "result_value.verdict", "a verdict"
    return False, "result_value.syntax", "neither a measure nor a short verdict"


RECOGNIZER = Recognizer(
    name="result_value",
    noun="lab result values (measures or verdicts)",
    element="health.result",
    description="Lab result values in a results table (header needed)",
    shape=SHAPE,
    validate=validate,
    mask=mask_code,
    header_hints=(
        "VALEUR",
        "VALEUR_RESULTAT",
        "VALEUR_ANALYSE",
        "RESULTAT",
        "RESULTAT_VALEUR",
        "RESULTAT_BRUT",
        "RESULT",
        "RESULT_VALUE",
        "VALUE",
        "VAL_RESULTAT",
    ),
    needs_header=True,
    specificity=2,
)
