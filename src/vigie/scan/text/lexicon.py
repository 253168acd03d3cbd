"""The health lexicon: YAML entries compiled to a token n-gram index.

Matching looks tokens up in a dict keyed by the first token, so a note costs about one
dict lookup per word whatever the size of the lexicon.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from vigie.errors import ConfigError
from vigie.scan.text.fold import term_key

LEXICON_FILE = "health_lexicon.yaml"


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: the words of one idea and the elements they expose."""

    id: str
    element: str
    also: tuple[str, ...] = ()
    test: bool = False
    value_only: bool = False
    context: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    window: int = 6
    cased: bool = False
    negation_exposes: bool | None = None

    @property
    def elements(self) -> tuple[str, ...]:
        return (self.element, *self.also)


@dataclass(frozen=True)
class Hit:
    """A lexicon match over tokens ``first..last`` (inclusive)."""

    entry: Entry
    first: int
    last: int


class Lexicon:
    """Entries indexed by token n-grams; longest match wins at each position."""

    def __init__(self, entries: Iterable[Entry], terms: dict[str, list[str]]):
        self.entries = {e.id: e for e in entries}
        self.index: dict[tuple[str, ...], list[Entry]] = {}
        self.max_len: dict[str, int] = {}
        for entry_id, phrasings in terms.items():
            for phrasing in phrasings:
                for key in _spellings(term_key(phrasing)):
                    bucket = self.index.setdefault(key, [])
                    if self.entries[entry_id] not in bucket:
                        bucket.append(self.entries[entry_id])
                    self.max_len[key[0]] = max(self.max_len.get(key[0], 0), len(key))
        self.words = frozenset(w for key in self.index for w in key)

    def match(self, words: list[str], original: list[str]) -> list[Hit]:
        """Every entry matched in a token list (``original``: the tokens as written)."""
        hits: list[Hit] = []
        i, n = 0, len(words)
        while i < n:
            longest = self.max_len.get(words[i])
            if longest is None:
                i += 1
                continue
            for size in range(min(longest, n - i), 0, -1):
                found = self.index.get(tuple(words[i : i + size]))
                if found:
                    last = i + size - 1
                    hits.extend(
                        Hit(e, i, last) for e in found if _applies(e, words, original, i, last)
                    )
                    i += size
                    break
            else:
                i += 1
        return hits


def _spellings(key: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A term's key, and its key when "oe"/"ae" were typed as one letter (œ, æ fold to one)."""
    if not key:
        return set()
    return {key, tuple(t.replace("oe", "o").replace("ae", "a") for t in key)}


def _applies(entry: Entry, words: list[str], original: list[str], first: int, last: int) -> bool:
    if entry.cased and all(t.islower() for t in original[first : last + 1]):
        return False
    if not entry.context and not entry.exclude:
        return True
    around = set(words[max(0, first - entry.window) : first])
    around.update(words[last + 1 : last + 1 + entry.window])
    if entry.exclude and around & entry.exclude:
        return False
    # The entry's own words count as context ("INR cible" needs no further cue).
    around.update(words[first : last + 1])
    return not entry.context or bool(around & entry.context)


def _entry(entry_id: str, spec: dict[str, Any]) -> Entry:
    def words(key: str) -> frozenset[str]:
        return frozenset(w for phrase in spec.get(key, []) for w in term_key(str(phrase)))

    try:
        return Entry(
            id=entry_id,
            element=str(spec["element"]),
            also=tuple(spec.get("also", [])),
            test=bool(spec.get("test", False)),
            value_only=bool(spec.get("value_only", False)),
            context=words("context"),
            exclude=words("exclude"),
            window=int(spec.get("window", 6)),
            cased=bool(spec.get("cased", False)),
            negation_exposes=spec.get("negation_exposes"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{LEXICON_FILE}: entry {entry_id}: bad or missing key {exc}") from exc


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged health lexicon (parsed once per process)."""
    text = resources.files("vigie.scan.text").joinpath("data", LEXICON_FILE).read_text("utf-8")
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise ConfigError(f"{LEXICON_FILE}: expected a mapping of entries")
    entries = [_entry(k, v) for k, v in raw.items()]
    terms = {k: [str(t) for t in v.get("terms", [])] for k, v in raw.items()}
    return Lexicon(entries, terms)
