"""Households and who is in them: adults, partners, children; sex, birth and death dates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TWINS = 0.035  # of a family's later children, the twin of the one before
REFERENCE = np.datetime64("2021-02-12")  # the day the leak became known: minors are under 18 then
ADULT1, ADULT2, CHILD = 0, 1, 2
_KINDS_P = (0.36, 0.26, 0.38)  # single adult, couple without children, family


@dataclass
class Households:
    """One entry per person (arrays of the same length), grouped into households."""

    household: np.ndarray
    role: np.ndarray
    female: np.ndarray  # bool
    birth: np.ndarray  # datetime64[D]
    married: np.ndarray  # bool, adults living as a married couple
    deceased: np.ndarray
    death: np.ndarray  # datetime64[D], NaT when alive
    n_households: int

    def __len__(self) -> int:
        return len(self.household)

    @property
    def minor(self) -> np.ndarray:
        return self.birth > REFERENCE - np.timedelta64(18 * 365 + 4, "D")


def _structure(rng: np.random.Generator, persons: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(kind, adults, children) per household, enough households for `persons` people."""
    h = int(persons / 2.1) + 16
    kind = rng.choice(3, size=h, p=_KINDS_P)
    adults = np.where(kind == 0, 1, 2)
    single_parent = (kind == 2) & (rng.random(h) < 0.2)
    adults[single_parent] = 1
    children = np.where(kind == 2, rng.choice([1, 2, 3, 4], size=h, p=[0.4, 0.38, 0.16, 0.06]), 0)
    return kind, adults, children


def _head_years(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    h = len(kind)
    single = rng.choice(np.arange(1920, 2003), size=h, p=_age_profile(np.arange(1920, 2003)))
    couple = rng.integers(1928, 1998, size=h)
    family = rng.integers(1962, 1997, size=h)
    return np.select([kind == 0, kind == 1], [single, couple], family)


def _age_profile(years: np.ndarray) -> np.ndarray:
    # Labs see the old more often than the young: a broad hump around 1950.
    w = np.exp(-(((years - 1950) / 22.0) ** 2)) + 0.25
    return w / w.sum()


def build(rng: np.random.Generator, persons: int) -> Households:
    """At least `persons` people (the caller trims); households are kept whole."""
    kind, adults, children = _structure(rng, persons)
    size = adults + children
    hh = np.repeat(np.arange(len(kind)), size)
    first = np.repeat(np.cumsum(size) - size, size)
    pos = np.arange(len(hh)) - first
    adults_p = adults[hh]
    role = np.where(pos == 0, ADULT1, np.where(pos < adults_p, ADULT2, CHILD))
    kind_p = kind[hh]
    n = len(hh)

    head_year = _head_years(rng, kind)[hh]
    year = head_year.copy()
    partner = role == ADULT2
    year[partner] = np.clip(
        head_year[partner] + np.rint(rng.normal(-1.5, 3.5, n))[partner], 1920, 2002
    )
    child = role == CHILD
    # a parent's age at birth between 22 and 42, within the years before the leak (a
    # cap would pile a young parent's children up in the last year, all "twins")
    room = np.maximum(2020 - head_year, 0)
    low, high = np.minimum(22, room), np.minimum(42, room)
    gap = low + np.floor(rng.random(n) * (high - low + 1)).astype(int)
    year[child] = np.minimum(head_year + gap, 2020)[child]

    female = rng.random(n) < 0.5
    single_adult = (role == ADULT1) & (adults_p == 1)
    female[single_adult] = (
        rng.random(n)[single_adult] < np.where(kind_p == 2, 0.85, 0.56)[single_adult]
    )
    two = (role != CHILD) & (adults_p == 2)
    same_sex = rng.random(len(kind)) < 0.03
    head_female = np.zeros(len(kind), dtype=bool)
    head_female[same_sex] = rng.random(int(same_sex.sum())) < 0.5
    female[two & (role == ADULT1)] = head_female[hh][two & (role == ADULT1)]
    female[two & partner] = np.where(same_sex[hh], head_female[hh], True)[two & partner]

    day = rng.integers(0, 365, n)
    # twins: about 1.7 % of births in France; the second shares the first's birth date
    # (and surname, address, often the parent's NIR: only the first name differs)
    twin = np.zeros(n, dtype=bool)
    twin[1:] = child[1:] & child[:-1] & (hh[1:] == hh[:-1]) & (rng.random(n - 1) < TWINS)
    for i in np.flatnonzero(twin):
        year[i], day[i] = year[i - 1], day[i - 1]
    birth = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + day.astype(
        "timedelta64[D]"
    )
    birth = np.minimum(birth, np.datetime64("2020-12-31"))
    married = two & (rng.random(len(kind)) < np.where(kind == 2, 0.7, 0.6))[hh]
    deceased, death = _deaths(rng, year)
    return Households(hh, role, female, birth, married, deceased, death, len(kind))


def _deaths(rng: np.random.Generator, year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A few % died since the leak (the registry says so); the old far more often."""
    p = np.select([year < 1935, year < 1950, year < 1965], [0.24, 0.09, 0.025], 0.003)
    deceased = rng.random(len(year)) < p
    start, end = np.datetime64("2019-03-01"), np.datetime64("2021-02-01")
    offset = rng.integers(0, int((end - start).astype(int)), len(year)).astype("timedelta64[D]")
    death = np.where(deceased, start + offset, np.datetime64("NaT"))
    return deceased, death.astype("datetime64[D]")
