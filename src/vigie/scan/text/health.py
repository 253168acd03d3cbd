"""Health spans: lexicon hits, their negation, values and verdicts, SA terms, ICD-10 codes."""

from __future__ import annotations

import re

from vigie.scan.text.fold import tokens
from vigie.scan.text.icd10 import find_codes
from vigie.scan.text.lexicon import Entry, load_lexicon
from vigie.scan.text.negation import is_negated
from vigie.scan.text.patterns import result_after, weeks_of_amenorrhoea
from vigie.scan.text.span import EXPOSED_WHEN_NEGATED, Span

_DIGIT = re.compile(r"\d")


def _exposes(entry: Entry, element: str, negated: bool) -> bool:
    if not negated:
        return True
    if entry.negation_exposes is not None and element == entry.element:
        return entry.negation_exposes
    return element in EXPOSED_WHEN_NEGATED


def lexicon_spans(text: str, folded: str) -> list[Span]:
    """Spans from the health lexicon, with negation, values and test verdicts."""
    toks = tokens(folded)
    if not toks:
        return []
    words = [t for t, _, _ in toks]
    original = [text[s:e] for _, s, e in toks]
    hits = load_lexicon().match(words, original)
    bounds = [(toks[h.first][1], toks[h.last][2]) for h in hits]
    spans: list[Span] = []
    previous: tuple[int, bool] | None = None
    for i, hit in enumerate(hits):
        start, end = bounds[i]
        left = max((e for s, e in bounds[:i] if e <= start), default=0)
        right = min((s for s, e in bounds[i + 1 :] if s >= end), default=len(folded))
        entry = hit.entry
        stop = result_after(folded, end) if entry.test or entry.value_only else None
        if entry.value_only:
            if stop is not None:
                detail = "an analyte followed by a value or a verdict"
                spans.append(Span(start, stop, "health.result", entry.id, detail=detail))
            continue
        # A negation reaches words that directly follow a negated finding on the same
        # line: "pas de traitement anticoagulant", "absence de grossesse évolutive".
        gap = folded[previous[0] : start] if previous is not None else "\n"
        negated = is_negated(folded, start, end, left, right) or (
            previous is not None and previous[1] and not gap.strip() and "\n" not in gap
        )
        previous = (end, negated)
        for element in entry.elements:
            spans.append(
                Span(
                    start,
                    end,
                    element,
                    entry.id,
                    negated=negated,
                    detail=f"lexicon entry {entry.id}" + (" under a negation" if negated else ""),
                    exposes=_exposes(entry, element, negated),
                )
            )
        if stop is not None:
            detail = "a named test followed by its value or verdict"
            spans.append(Span(start, stop, "health.result", f"{entry.id}.result", detail=detail))
    return spans


def health_spans(text: str, folded: str) -> list[Span]:
    """Every health span of a note."""
    spans = lexicon_spans(text, folded)
    if _DIGIT.search(folded):
        spans.extend(weeks_of_amenorrhoea(folded))
        spans.extend(find_codes(text, folded))
    return spans
