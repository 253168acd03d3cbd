"""vigie's French recognizers inside Presidio (run only when presidio-analyzer is installed)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from vigie.errors import ConfigError
from vigie.scan import presidio_adapter

presidio = pytest.importorskip("presidio_analyzer")


def _nir(body: str) -> str:
    return body + f"{97 - int(body) % 97:02d}"


NIR = _nir("2850435238012")


def _found(recognizer: Any, text: str) -> list[tuple[str, str]]:
    results = recognizer.analyze(text, recognizer.supported_entities)
    return sorted((r.entity_type, text[r.start : r.end]) for r in results)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"NIR {NIR} relevé", [("FR_NIR", NIR)]),
        ("NIR 2 85 04 35 238 012 " + NIR[-2:], [("FR_NIR", "2 85 04 35 238 012 " + NIR[-2:])]),
        (f"NIR {NIR[:-2]}{(int(NIR[-2:]) + 1) % 97:02d}", []),  # wrong key
        (f"code barre {NIR}", []),  # a bar code is not a NIR
        ("prescripteur RPPS 10003456786", [("FR_RPPS", "10003456786")]),
        ("prescripteur RPPS 10003456787", []),  # Luhn fails
        ("établissement 350123451", [("FR_FINESS", "350123451"), ("FR_SIREN", "350123451")]),
        ("SIRET 73282932000074", [("FR_SIRET", "73282932000074")]),
        ("SIREN 732 829 320", [("FR_SIREN", "732 829 320")]),
        ("rappeler au 06 12 34 56 78", []),  # phones are Presidio's own
    ],
)
def test_identifiers_are_validated(text: str, expected: list[tuple[str, str]]) -> None:
    recognizer = presidio_adapter.VigieIdentifierRecognizer()
    recognizer.load()
    assert _found(recognizer, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sérologie VIH négative", {"FR_HEALTH_HIV"}),  # a test was done: still exposed
        ("grossesse 12 SA", {"FR_HEALTH_PREGNANCY"}),
        ("patiente sous Préviscan", {"FR_HEALTH_TREATMENT"}),
        ("patient à jeun", set()),
        ("pas de diabète", set()),  # a negated diagnosis exposes nothing
    ],
)
def test_health_entities(text: str, expected: set[str]) -> None:
    recognizer = presidio_adapter.VigieHealthRecognizer()
    recognizer.load()
    found = {entity for entity, _ in _found(recognizer, text)}
    assert expected <= found
    if not expected:
        assert found == set()


def test_results_explain_without_quoting() -> None:
    recognizer = presidio_adapter.VigieIdentifierRecognizer()
    recognizer.load()
    (result,) = recognizer.analyze(f"NIR {NIR}", ["FR_NIR"])
    assert result.score == 1.0
    assert result.analysis_explanation.recognizer == "VigieIdentifierRecognizer"
    assert NIR not in result.analysis_explanation.textual_explanation


def test_entities_filter() -> None:
    recognizer = presidio_adapter.VigieIdentifierRecognizer()
    recognizer.load()
    assert recognizer.analyze(f"NIR {NIR} SIRET 73282932000074", ["FR_SIRET"])[0].entity_type == (
        "FR_SIRET"
    )


def test_through_an_analyzer_engine() -> None:
    """The documented setup: registered next to Presidio's own recognizers."""
    registry = presidio.RecognizerRegistry(supported_languages=["fr"])
    analyzer = presidio.AnalyzerEngine(
        registry=registry, nlp_engine=_no_nlp_engine(), supported_languages=["fr"]
    )
    presidio_adapter.add_to(analyzer)
    text = f"NIR {NIR}, sérologie VIH négative"
    entities = {r.entity_type for r in analyzer.analyze(text, language="fr")}
    assert {"FR_NIR", "FR_HEALTH_HIV"} <= entities
    assert "FR_NIR" in analyzer.get_supported_entities("fr")


def _no_nlp_engine() -> Any:
    """A stand-in NLP engine: these recognizers need no spaCy artifacts."""
    from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

    class Blank(NlpEngine):  # type: ignore[misc]
        def load(self) -> None:
            pass

        def is_loaded(self) -> bool:
            return True

        def process_text(self, text: str, language: str) -> Any:
            return NlpArtifacts([], [], [], [], self, language)

        def process_batch(self, texts: Any, language: str, **kwargs: Any) -> Any:
            for text in texts:
                yield text, self.process_text(text, language)

        def is_stopword(self, word: str, language: str) -> bool:
            return False

        def is_punct(self, word: str, language: str) -> bool:
            return False

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return ["fr"]

    return Blank()


def test_missing_presidio_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    presidio_adapter._classes.cache_clear()
    monkeypatch.setitem(sys.modules, "presidio_analyzer", None)
    try:
        with pytest.raises(ConfigError, match=r"pip install 'vigie\[presidio\]'"):
            presidio_adapter.recognizers()
    finally:
        presidio_adapter._classes.cache_clear()
