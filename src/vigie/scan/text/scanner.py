"""Free-text detection: health information, names and identifiers in notes.

Cheap passes (identifier shapes, the lexicon, cue rules) run on every note; the spaCy
model runs only on notes where a capitalised word is left unexplained, in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from vigie.scan.text import names, nlp
from vigie.scan.text.fold import fold
from vigie.scan.text.health import health_spans
from vigie.scan.text.identifiers import find_identifiers
from vigie.scan.text.span import Span

CHUNK = 2048
CACHE = 200_000


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _rule_spans(text: str, use_ner: bool) -> tuple[list[Span], bool]:
    """The spans of the cheap passes, and whether the note should go to NER."""
    folded = fold(text)
    ids = find_identifiers(text)
    health = [s for s in health_spans(text, folded) if not any(_overlaps(s, i) for i in ids)]
    taken = ids + health
    cued = [s for s in names.cue_names(text, folded) if not any(_overlaps(s, o) for o in taken)]
    taken += cued
    cued += [s for s in names.known_first_names(text) if not any(_overlaps(s, o) for o in taken)]
    spans = ids + health + cued
    wants_ner = use_ner and names.needs_ner(text, ((s.start, s.end) for s in spans))
    return spans, wants_ner


def _merge_ner(spans: list[Span], found: list[Span]) -> list[Span]:
    return spans + [n for n in found if not any(_overlaps(n, s) for s in spans)]


def _ner_input(text: str) -> str:
    # The model was trained on mixed case: a note typed in capitals reads better to it
    # title-cased (same length, so offsets hold).
    if text.isupper():
        titled = text.title()
        if len(titled) == len(text):
            return titled
    return text


def _sorted(spans: list[Span]) -> list[Span]:
    # One span per stretch and element: the lexicon and the analyte list may both see
    # "CA 15-3 à 45" as a result.
    unique: dict[tuple[int, int, str], Span] = {}
    for span in sorted(spans, key=lambda s: (s.start, s.end, s.element, s.rule)):
        unique.setdefault((span.start, span.end, span.element), span)
    return list(unique.values())


def find_spans(text: str | None, *, use_ner: bool = True) -> list[Span]:
    """Every span of one note (see ``find_spans_batch`` for many notes)."""
    return next(find_spans_batch([text], use_ner=use_ner))


def find_spans_batch(
    texts: Iterable[str | None], *, use_ner: bool = True, batch_size: int = 256
) -> Iterator[list[Span]]:
    """The spans of each note, in order; ``None`` and blank notes give ``[]``.

    ``use_ner=False`` skips the spaCy model (names then come from cue rules only).
    """
    # Lab notes repeat a lot ("RAS", "tube hémolysé"): a note seen before costs a lookup.
    # The cache lives only for this call, in memory.
    seen: dict[str, list[Span]] = {}
    it = iter(texts)
    while chunk := list(islice(it, CHUNK)):
        results: list[list[Span] | None] = []
        pending: dict[str, list[Span]] = {}
        ner_texts: list[str] = []
        for text in chunk:
            if not text or text.isspace():
                results.append([])
            elif text in seen:
                results.append(seen[text])
            else:
                results.append(None)
                if text not in pending:
                    pending[text], wants_ner = _rule_spans(text, use_ner)
                    if wants_ner:
                        ner_texts.append(text)
        if ner_texts:
            inputs = [_ner_input(t) for t in ner_texts]
            for text, ents in zip(ner_texts, nlp.entities(inputs, batch_size), strict=True):
                pending[text] = _merge_ner(pending[text], names.ner_names(text, ents))
        if len(seen) > CACHE:
            seen.clear()
        for text, spans in pending.items():
            seen[text] = _sorted(spans)
        for text, found in zip(chunk, results, strict=True):
            yield list(found if found is not None else seen[text or ""])
