"""vigie's French recognizers as Microsoft Presidio recognizers (optional).

Presidio ships nothing French: no NIR, RPPS, FINESS or SIREN/SIRET, and no health data.
This adapter exposes vigie's validated identifiers and its health detector to a Presidio
``AnalyzerEngine``::

    from vigie.scan.presidio_adapter import add_to
    add_to(analyzer)            # analyzer = AnalyzerEngine(..., supported_languages=["fr"])
    analyzer.analyze(text, language="fr")

Presidio is imported only when a recognizer is built; without it the error says
``pip install 'vigie[presidio]'``. Entities (documented in docs/scan.md):

- ``FR_NIR``: NIRs in text, 15 characters with a valid key (score 1.0) or 13 with a
  plausible sex, month and place (0.6); bar codes, invoice or tube numbers are skipped.
- ``FR_RPPS``, ``FR_FINESS``, ``FR_SIREN``, ``FR_SIRET``: numbers of the right shape
  whose key validates (0.9); a wrong key is not reported.
- ``FR_HEALTH_HIV``, ``FR_HEALTH_PREGNANCY``, ``FR_HEALTH_CANCER``, ...: vigie's health
  lexicon and patterns (one entity per health element). A negated mention is reported
  only when it still exposes the element ("sérologie VIH négative": a test was done).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from vigie.errors import ConfigError
from vigie.scan.recognizers.registry import get
from vigie.vocabulary import ELEMENTS

INSTALL_HINT = "pip install 'vigie[presidio]'"
LANGUAGE = "fr"
# vigie recognizer -> Presidio entity, for checksummed identifiers found by their shape.
IDENTIFIERS = {"rpps": "FR_RPPS", "finess": "FR_FINESS", "siren": "FR_SIREN", "siret": "FR_SIRET"}
NIR_ENTITY = "FR_NIR"
VALID_SCORE = 0.9
NIR_SCORES = {"nir.keyed": 1.0, "nir.unkeyed": 0.6}


def health_entity(element: str) -> str:
    """The Presidio entity of a health element: ``health.hiv`` -> ``FR_HEALTH_HIV``."""
    return "FR_" + element.upper().replace(".", "_")


HEALTH_ENTITIES = {
    health_entity(e): e for e in ELEMENTS if e.startswith("health.") and e != "health.blood_group"
}


def _presidio() -> Any:
    try:
        import presidio_analyzer
    except ImportError as exc:
        raise ConfigError(f"Presidio is not installed: {INSTALL_HINT}") from exc
    return presidio_analyzer


def _in_text(shape: re.Pattern[str]) -> re.Pattern[str]:
    """A cell shape (matched whole) turned into a search that respects word edges."""
    return re.compile(rf"(?<![\w.])(?:{shape.pattern})(?![\w])")


@lru_cache(maxsize=1)
def _classes() -> dict[str, type]:
    """The recognizer classes, defined once Presidio is importable."""
    presidio = _presidio()
    base, result_type = presidio.EntityRecognizer, presidio.RecognizerResult
    explanation = presidio.AnalysisExplanation

    def result(self: Any, entity: str, start: int, end: int, score: float, why: str) -> Any:
        reason = explanation(recognizer=self.name, original_score=score, textual_explanation=why)
        return result_type(entity, start, end, score, analysis_explanation=reason)

    class VigieIdentifierRecognizer(base):  # type: ignore[misc, valid-type]
        """NIR, RPPS, FINESS, SIREN and SIRET, validated by vigie (key, structure)."""

        def __init__(self, supported_language: str = LANGUAGE) -> None:
            entities = [NIR_ENTITY, *IDENTIFIERS.values()]
            super().__init__(entities, "VigieIdentifierRecognizer", supported_language)

        def load(self) -> None:
            self.searches = {e: (get(n), _in_text(get(n).shape)) for n, e in IDENTIFIERS.items()}

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            from vigie.scan.text.identifiers import find_nirs

            found = []
            if NIR_ENTITY in entities:
                for s in find_nirs(text):
                    found.append(
                        result(self, NIR_ENTITY, s.start, s.end, NIR_SCORES[s.rule], s.detail)
                    )
            for entity, (recognizer, search) in self.searches.items():
                if entity not in entities:
                    continue
                for m in search.finditer(text):
                    valid, _, detail = recognizer.validate(m.group())
                    if valid:
                        found.append(result(self, entity, m.start(), m.end(), VALID_SCORE, detail))
            return found

    class VigieHealthRecognizer(base):  # type: ignore[misc, valid-type]
        """Health information in French text: vigie's lexicon, ICD-10 codes, SA terms."""

        def __init__(self, supported_language: str = LANGUAGE) -> None:
            super().__init__(list(HEALTH_ENTITIES), "VigieHealthRecognizer", supported_language)

        def load(self) -> None:
            from vigie.scan.text.lexicon import load_lexicon

            load_lexicon()

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            from vigie.scan.text.fold import fold
            from vigie.scan.text.health import health_spans

            found = []
            for s in health_spans(text, fold(text)):
                entity = health_entity(s.element)
                if s.exposes and entity in entities:
                    why = s.detail or s.rule
                    found.append(result(self, entity, s.start, s.end, 0.85, why))
            return found

    return {
        "VigieIdentifierRecognizer": VigieIdentifierRecognizer,
        "VigieHealthRecognizer": VigieHealthRecognizer,
    }


def recognizers(language: str = LANGUAGE) -> list[Any]:
    """One instance of each vigie recognizer, ready for ``registry.add_recognizer``."""
    return [cls(supported_language=language) for cls in _classes().values()]


def add_to(analyzer: Any, language: str = LANGUAGE) -> Any:
    """Register vigie's recognizers in a Presidio ``AnalyzerEngine``; returns it."""
    for recognizer in recognizers(language):
        analyzer.registry.add_recognizer(recognizer)
    return analyzer


def __getattr__(name: str) -> type:
    # The classes exist only once Presidio is imported: build them on first access.
    if name in ("VigieIdentifierRecognizer", "VigieHealthRecognizer"):
        return _classes()[name]
    raise AttributeError(name)
