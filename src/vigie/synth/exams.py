"""Exams (sampling events) of the persons in the leak: date, lab, prescriber, note."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigie.synth import nir, notes, pools
from vigie.synth.population import Population

WINDOW = (np.datetime64("2018-06-01"), np.datetime64("2019-02-05"))
WIDE = (np.datetime64("2017-01-01"), np.datetime64("2021-01-31"))
DOCTORS_PER_DEP = 140


@dataclass
class Doctors:
    dep: np.ndarray
    last: np.ndarray
    first: np.ndarray
    rpps: np.ndarray  # "" for those whose RPPS the lab never recorded


@dataclass
class Exams:
    person: np.ndarray
    when: np.ndarray  # datetime64[s]
    lab: np.ndarray
    doctor: np.ndarray  # -1 = no prescriber recorded
    note: np.ndarray
    note_elements: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


def build_doctors(rng: np.random.Generator) -> Doctors:
    sp = pools.surnames()
    n = DOCTORS_PER_DEP * len(pools.DEPARTEMENTS)
    dep = np.repeat(np.array(pools.DEPARTEMENTS, dtype=object), DOCTORS_PER_DEP)
    female = rng.random(n) < 0.45
    first = np.empty(n, dtype=object)
    fp = pools.first_names()
    for sex, is_f in (("M", False), ("F", True)):
        mask = female == is_f
        first[mask] = fp[(sex, 2)].names[fp[(sex, 2)].sample(rng, int(mask.sum()))]
    rpps = nir.rpps(rng.choice(10**8, size=n, replace=False))
    rpps[rng.random(n) >= 0.6] = ""
    return Doctors(dep, sp.names[sp.sample(rng, n)], first, rpps)


def _counts(rng: np.random.Generator, n: int) -> np.ndarray:
    """1 to many exams per person: mean ~1.6 with a long tail (chronic follow-up)."""
    k = rng.geometric(1 / 1.45, n)
    tail = rng.random(n) < 0.015
    k[tail] += rng.integers(3, 25, int(tail.sum()))
    return k


def _dates(rng: np.random.Generator, n: int, birth: np.ndarray, death: np.ndarray) -> np.ndarray:
    inside = rng.random(n) < 0.92
    lo = np.where(inside, WINDOW[0], WIDE[0])
    span = np.where(
        inside, int((WINDOW[1] - WINDOW[0]).astype(int)), int((WIDE[1] - WIDE[0]).astype(int))
    )
    day = lo + (rng.random(n) * (span + 1)).astype("timedelta64[D]")
    too_early = day <= birth
    day[too_early] = np.minimum(
        birth[too_early] + rng.integers(1, 200, int(too_early.sum())).astype("timedelta64[D]"),
        WIDE[1],
    )
    dead = ~np.isnat(death) & (day >= death)
    day[dead] = death[dead] - rng.integers(1, 60, int(dead.sum())).astype("timedelta64[D]")
    seconds = rng.integers(7 * 3600, 12 * 3600, n) + rng.choice([0, 5 * 3600], n, p=[0.9, 0.1])
    return day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def build(rng: np.random.Generator, pop: Population, doctors: Doctors) -> Exams:
    people = np.flatnonzero(pop.in_leak)
    person = np.repeat(people, _counts(rng, len(people)))
    n = len(person)
    when = _dates(rng, n, pop.hh.birth[person], pop.hh.death[person])
    lab = pop.lab[person].copy()
    at2 = (pop.lab2[person] >= 0) & (rng.random(n) < 0.35)
    lab[at2] = pop.lab2[person][at2]
    doctor = _prescribers(rng, pop, doctors, person, lab)
    age = (when.astype("datetime64[D]") - pop.hh.birth[person]).astype(int) // 365
    cat, tmpl = notes.draw(rng, pop.hh.female[person], age)
    phone = np.array([_spaced(p) for p in pop.phone[person].tolist()], dtype=object)
    text, elements = notes.render(rng, cat, tmpl, phone)
    return Exams(person, when, lab, doctor, text, elements)


def _spaced(number: str) -> str:
    return " ".join(number[i : i + 2] for i in range(0, 10, 2)) if number else ""


def _prescribers(
    rng: np.random.Generator, pop: Population, doctors: Doctors, person: np.ndarray, lab: np.ndarray
) -> np.ndarray:
    """Mostly the person's own doctor (same for all their exams), sometimes another one."""
    n_doc_dep = DOCTORS_PER_DEP
    dep_index = {d: i for i, d in enumerate(pools.DEPARTEMENTS)}
    lab_dep = np.array([dep_index[lab_.dep] for lab_ in pop.labs])
    gp = lab_dep[pop.lab] * n_doc_dep + rng.integers(0, n_doc_dep, len(pop))
    n = len(person)
    other = lab_dep[lab] * n_doc_dep + rng.integers(0, n_doc_dep, n)
    r = rng.random(n)
    return np.where(r < 0.8, gp[person], np.where(r < 0.92, other, -1))
