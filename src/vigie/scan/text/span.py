"""A finding in free text, and whether it exposes its element once negation is known."""

from __future__ import annotations

from dataclasses import dataclass

# Elements whose mere mention reveals something even when negated: a negative HIV
# serology still tells that an HIV test was done, "test de grossesse négatif" that a
# pregnancy was suspected, "pas de mutation BRCA" that a genetic test was run, and a
# result is a result whatever its sign. See docs/health-lexicon.md.
EXPOSED_WHEN_NEGATED = frozenset(
    {"health.hiv", "health.pregnancy", "health.genetic", "health.result"}
)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch ``text[start:end]`` of a note that exposes ``element``.

    ``rule`` is the lexicon entry or pattern id that fired, ``detail`` says why in words
    (never quoting the text), ``negated`` whether a negation governs the span, and
    ``exposes`` whether the element counts as exposed for the person all the same.
    """

    start: int
    end: int
    element: str
    rule: str
    negated: bool = False
    detail: str = ""
    exposes: bool = True

    @property
    def category(self) -> str:
        """The element's family (``health``, ``identity``, ``contact``...)."""
        return self.element.split(".", 1)[0]


def exposed_elements(spans: list[Span]) -> set[str]:
    """The elements a note exposes: the per-record exposure of its spans."""
    return {s.element for s in spans if s.exposes}
