"""The shipped pools (communes, surnames, first names) as numpy arrays ready to sample."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
DEPARTEMENTS = ("22", "27", "35", "41", "45", "56")
ERA_STARTS = (1920, 1945, 1965, 1985, 2005)


@lru_cache(maxsize=1 << 20)
def strip_accents(text: str) -> str:
    """`Lefèvre` -> `Lefevre`; ligatures as lab software writes them (Œ -> OE)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1 << 20)
def upper_plain(text: str) -> str:
    """How health-side software stores names: UPPERCASE without accents."""
    return strip_accents(text).upper()


@dataclass(frozen=True)
class Communes:
    insee: np.ndarray
    name: np.ndarray
    postcode: np.ndarray
    dep: np.ndarray
    population: np.ndarray

    def sample(self, rng: np.random.Generator, size: int, dep: str | None = None) -> np.ndarray:
        """Indices of communes drawn by population (within one département if given)."""
        idx = np.arange(len(self.insee)) if dep is None else np.flatnonzero(self.dep == dep)
        p = self.population[idx].astype(float)
        return idx[rng.choice(len(idx), size=size, p=p / p.sum())]


@dataclass(frozen=True)
class NamePool:
    names: np.ndarray  # object array of str
    cum: np.ndarray  # cumulative probabilities

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.searchsorted(self.cum, rng.random(size), side="right").clip(0, len(self.cum) - 1)


@lru_cache(maxsize=1)
def communes() -> Communes:
    with (DATA / "communes.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return Communes(
        insee=np.array([r["insee"] for r in rows], dtype=object),
        name=np.array([r["name"] for r in rows], dtype=object),
        postcode=np.array([r["postcode"] for r in rows], dtype=object),
        dep=np.array([r["departement"] for r in rows], dtype=object),
        population=np.array([int(r["population"]) for r in rows], dtype=np.int64),
    )


def _pool(names: list[str], weights: list[float]) -> NamePool:
    w = np.asarray(weights, dtype=float)
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    return NamePool(np.array(names, dtype=object), cum)


@lru_cache(maxsize=1)
def surnames() -> NamePool:
    with (DATA / "surnames.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return _pool([r["name"] for r in rows], [float(r["weight"]) for r in rows])


@lru_cache(maxsize=1)
def first_names() -> dict[tuple[str, int], NamePool]:
    """One pool per (sex, era index): a 1950 birth is not named Kylian."""
    with (DATA / "first_names.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    pools = {}
    for sex in ("M", "F"):
        mine = [r for r in rows if r["sex"] == sex]
        for era, start in enumerate(ERA_STARTS):
            col = f"w{start}"
            kept = [r for r in mine if float(r[col]) > 0]
            pools[(sex, era)] = _pool([r["name"] for r in kept], [float(r[col]) for r in kept])
    return pools


def era_of(year: np.ndarray) -> np.ndarray:
    """Era index of each birth year (pools are by era of birth)."""
    return np.searchsorted(np.asarray(ERA_STARTS[1:]), year, side="right")
