"""Names (birth, usage, given) and NIR of every person, consistent within households."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigie.synth import nir, pools
from vigie.synth.households import ADULT1, ADULT2, CHILD, Households


@dataclass
class Names:
    birth_name: np.ndarray
    usage_name: np.ndarray  # "" when the person uses the birth name
    first_name: np.ndarray  # the first given name (may be compound: Jean-Pierre, Anne Sophie)
    given_names: np.ndarray  # all given names, space-separated as civil status lists them


@dataclass
class Nirs:
    own: np.ndarray  # the person's own NIR (temporary for a few)
    temporary: np.ndarray  # bool
    birth_dep: np.ndarray  # the département field ('35', '2A', '99' abroad)


def _household_first(hh: Households) -> np.ndarray:
    size = np.bincount(hh.household, minlength=hh.n_households)
    return (np.cumsum(size) - size)[hh.household]


def build_names(rng: np.random.Generator, hh: Households) -> Names:
    sp = pools.surnames()
    n = len(hh)
    family = sp.names[sp.sample(rng, hh.n_households)][hh.household]
    own = sp.names[sp.sample(rng, n)]
    birth = np.where(hh.role == ADULT2, own, family).astype(object)
    first = _household_first(hh)
    partner_of_head = np.minimum(first + 1, n - 1)
    mother = np.where(
        hh.female[partner_of_head] & (hh.role[partner_of_head] == ADULT2),
        birth[partner_of_head],
        family,
    )
    double = (
        (hh.role == CHILD)
        & (hh.birth >= np.datetime64("2005-01-01"))
        & (rng.random(n) < 0.08)
        & (mother != family)
    )
    sep = np.where(hh.birth < np.datetime64("2011-11-15"), "--", " ")
    birth[double] = family[double] + sep[double] + mother[double]

    usage = np.full(n, "", dtype=object)
    wife = hh.married & hh.female & (hh.role == ADULT2)
    r = rng.random(n)
    usage[wife & (r < 0.8)] = family[wife & (r < 0.8)]
    hyph = wife & (r >= 0.8) & (r < 0.88)
    usage[hyph] = family[hyph] + "-" + birth[hyph]
    husband = hh.married & ~hh.female & (hh.role == ADULT1) & (rng.random(n) < 0.02)
    usage[husband] = birth[husband] + "-" + birth[partner_of_head][husband]
    widow = (
        (hh.role == ADULT1)
        & hh.female
        & (hh.birth < np.datetime64("1965-01-01"))
        & (rng.random(n) < 0.6)
        & (_household_size(hh) == 1)
    )
    usage[widow] = sp.names[sp.sample(rng, int(widow.sum()))]
    first_name, given = _given_names(rng, hh)
    return Names(birth, usage, first_name, given)


def _household_size(hh: Households) -> np.ndarray:
    return np.bincount(hh.household, minlength=hh.n_households)[hh.household]


def _given_names(rng: np.random.Generator, hh: Households) -> tuple[np.ndarray, np.ndarray]:
    n = len(hh)
    year = hh.birth.astype("datetime64[Y]").astype(int) + 1970
    era = pools.era_of(year)
    fp = pools.first_names()
    names = np.empty((3, n), dtype=object)
    for sex, is_f in (("M", False), ("F", True)):
        for e in range(len(pools.ERA_STARTS)):
            mask = (hh.female == is_f) & (era == e)
            k = int(mask.sum())
            if not k:
                continue
            names[0, mask] = fp[(sex, e)].names[fp[(sex, e)].sample(rng, k)]
            old = fp[(sex, max(0, e - 2))]
            names[1, mask] = old.names[old.sample(rng, k)]
            names[2, mask] = fp[(sex, 0)].names[fp[(sex, 0)].sample(rng, k)]
    _twins_named_apart(rng, hh, names[0], era, fp)
    compound = (year >= 1935) & (year < 1995) & (rng.random(n) < 0.06)
    prefix = np.where(hh.female, "Marie-", "Jean-")
    names[0, compound] = prefix[compound] + names[0, compound]
    spaced = (year >= 1960) & (year < 1998) & (rng.random(n) < 0.25)
    first = np.array(
        [
            f.replace("-", " ", 1) if s and "-" in f and f.count("-") == 1 else f
            for f, s in zip(names[0].tolist(), spaced.tolist(), strict=True)
        ],
        dtype=object,
    )
    count = rng.choice([1, 2, 3], size=n, p=[0.3, 0.45, 0.25])
    given = np.array(
        [
            " ".join(dict.fromkeys([a, b, c][:k]))
            for a, b, c, k in zip(
                first.tolist(), names[1].tolist(), names[2].tolist(), count.tolist(), strict=True
            )
        ],
        dtype=object,
    )
    return first, given


def _twins_named_apart(
    rng: np.random.Generator,
    hh: Households,
    first: np.ndarray,
    era: np.ndarray,
    pools_by_key: dict[tuple[str, int], pools.NamePool],
) -> None:
    """Parents do not give twins the same first name: draw again where the draw did."""
    same = np.zeros(len(first), dtype=bool)
    same[1:] = (hh.household[1:] == hh.household[:-1]) & (hh.birth[1:] == hh.birth[:-1])
    same[1:] &= (hh.role[1:] == CHILD) & (hh.role[:-1] == CHILD)
    for i in np.flatnonzero(same):
        pool = pools_by_key[("F" if hh.female[i] else "M", int(era[i]))]
        while first[i] == first[i - 1]:
            first[i] = pool.names[pool.sample(rng, 1)][0]


def _birth_departments(
    rng: np.random.Generator, home_dep: np.ndarray, young: np.ndarray
) -> np.ndarray:
    n = len(home_dep)
    r = rng.random(n)
    near = rng.choice(np.array(nir.NEAR + pools.DEPARTEMENTS, dtype=object), size=n)
    other = rng.choice(np.array(nir.ALL_DEPS, dtype=object), size=n)
    p_home = np.where(young, 0.85, 0.55)
    dep = np.where(r < p_home, home_dep, np.where(r < p_home + 0.25, near, other))
    abroad = rng.random(n) < np.where(young, 0.01, 0.09)
    dep[abroad] = "99"
    return dep.astype(object)


def build_nirs(rng: np.random.Generator, hh: Households, home_dep: np.ndarray) -> Nirs:
    """Each person's own NIR: sex, birth year and month, birth place, order, key."""
    c = pools.communes()
    n = len(hh)
    year = hh.birth.astype("datetime64[Y]").astype(int) + 1970
    month = hh.birth.astype("datetime64[M]").astype(int) % 12 + 1
    young = year >= 2003
    dep = _birth_departments(rng, home_dep, young)
    corsica_old = np.isin(dep, ["2A", "2B"]) & (year < 1976)
    dep[corsica_old] = "20"  # before 1976 Corsica was one département, 20
    commune = rng.integers(1, 400, n)
    for d in pools.DEPARTEMENTS:
        mask = dep == d
        picked = c.sample(rng, int(mask.sum()), d)
        commune[mask] = [int(code[2:]) for code in c.insee[picked].tolist()]
    abroad = dep == "99"
    weights = nir.COUNTRY_WEIGHTS / nir.COUNTRY_WEIGHTS.sum()
    commune[abroad] = rng.choice(nir.COUNTRIES, size=int(abroad.sum()), p=weights)
    sex = np.where(hh.female, 2, 1)
    temporary = (hh.role != CHILD) & (rng.random(n) < np.where(abroad, 0.06, 0.006))
    sex_field = sex.copy()
    sex_field[temporary] = np.where(abroad, sex + 2, sex + 6)[temporary]  # 3/4 or 7/8
    order = rng.integers(1, 1000, n)
    own = nir.build_nirs(sex_field, year, month, dep, commune, order)
    return Nirs(own, temporary, dep)


def holders(rng: np.random.Generator, hh: Households, nirs: Nirs) -> np.ndarray:
    """Whose NIR a person's lab record carries: a parent's for most minors, else -1 (own)."""
    n = len(hh)
    first = _household_first(hh)
    adults = np.where(hh.role == CHILD, 0, 1)
    n_adults = np.bincount(hh.household, weights=adults, minlength=hh.n_households)[
        hh.household
    ].astype(int)
    pick = np.where((n_adults == 2) & (rng.random(n) < 0.55), first + 1, first)
    pick_ok = ~nirs.temporary[np.clip(pick, 0, n - 1)]
    under_parent = hh.minor & (hh.role == CHILD) & (rng.random(n) < 0.8) & pick_ok
    assert not np.any(hh.role[pick[under_parent]] == CHILD)
    return np.where(under_parent, pick, -1)


__all__ = ["ADULT1", "ADULT2", "Names", "Nirs", "build_names", "build_nirs", "holders"]
