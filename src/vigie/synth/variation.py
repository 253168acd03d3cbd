"""How one person's rows differ in the leak: typos, birth vs usage name, swapped dates..."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vigie.synth import nir
from vigie.synth.exams import Exams
from vigie.synth.population import Population

NIR_STATUSES = ("valid", "mistyped", "temporary", "missing", "parent")


@dataclass
class RowFacts:
    """System-independent values of each exam row, before a system formats them."""

    last: np.ndarray  # the name in the main name column (usage, or birth now and then)
    birth_name: np.ndarray  # "" when the person has no usage name
    first: np.ndarray
    given: np.ndarray
    first_only: np.ndarray  # bool: the row lists only the first given name
    birth: np.ndarray  # datetime64[D], day/month swapped now and then
    female: np.ndarray
    nir: np.ndarray  # "" when missing
    nir_status: np.ndarray
    line1: np.ndarray
    line2: np.ndarray
    commune: np.ndarray
    phone: np.ndarray  # national digits or ""
    phone_style: np.ndarray
    email: np.ndarray
    blood: np.ndarray
    plain: np.ndarray  # bool: written without accents in an accented system


def build(rng: np.random.Generator, pop: Population, exams: Exams) -> RowFacts:
    p = exams.person
    n = len(p)
    usage = pop.names.usage_name[p]
    birth_name = pop.names.birth_name[p]
    last = np.where(usage != "", usage, birth_name)
    back_to_birth = (usage != "") & (rng.random(n) < 0.15)
    last[back_to_birth] = birth_name[back_to_birth]
    typo = rng.random(n) < 0.02
    last[typo] = [_typo(s, rng) for s in last[typo].tolist()]
    birth = pop.hh.birth[p].copy()
    swap = rng.random(n) < 0.01
    birth[swap] = [_swap_day_month(d) for d in birth[swap].tolist()]
    nir_value, status = _nirs(rng, pop, p)
    newer = pop.moved[p] & (exams.when > np.datetime64("2019-01-01")) & (rng.random(n) < 0.5)
    addr = pop.leak_addr
    cur = pop.current_addr
    phone = pop.phone[p].copy()
    phone[rng.random(n) < 0.15] = ""
    email = pop.email[p].copy()
    email[rng.random(n) < 0.1] = ""
    return RowFacts(
        last=last,
        birth_name=np.where(usage != "", birth_name, ""),
        first=pop.names.first_name[p],
        given=pop.names.given_names[p],
        first_only=rng.random(n) < 0.1,
        birth=birth,
        female=pop.hh.female[p],
        nir=nir_value,
        nir_status=status,
        line1=np.where(newer, cur.line1[p], addr.line1[p]),
        line2=np.where(newer, cur.line2[p], addr.line2[p]),
        commune=np.where(newer, cur.commune[p], addr.commune[p]),
        phone=phone,
        phone_style=rng.integers(0, 5, n),
        email=email,
        blood=pop.blood[p],
        plain=rng.random(n) < 0.1,
    )


def _nirs(
    rng: np.random.Generator, pop: Population, p: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(p)
    value = pop.recorded_nir[p].copy()
    status = np.full(n, "valid", dtype=object)
    status[pop.nirs.temporary[p]] = "temporary"
    status[pop.holder[p] >= 0] = "parent"
    r = rng.random(n)
    mistyped = (r >= 0.03) & (r < 0.04)
    value[mistyped] = [nir.mistype(v, rng) for v in value[mistyped].tolist()]
    status[mistyped] = "mistyped"
    missing = r < 0.03
    value[missing] = ""
    status[missing] = "missing"
    return value, status


def _typo(name: str, rng: np.random.Generator) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 3:
        return name
    i = letters[int(rng.integers(1, len(letters)))]
    kind = int(rng.integers(4))
    ops: list[Callable[[], str]] = [
        lambda: name[:i] + name[i + 1 :],
        lambda: name[:i] + name[i] + name[i:],
        lambda: name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :],
        lambda: name[:i] + "eaiountrs"[int(rng.integers(9))] + name[i + 1 :],
    ]
    out = ops[kind]()
    return out if out != name else name[:i] + name[i + 1 :]


def _swap_day_month(day: object) -> np.datetime64:
    """Day and month swapped, as a hurried typist does (only when both can be a month)."""
    y, m, dd = str(day).split("-")
    if int(dd) > 12 or dd == m:
        return np.datetime64(str(day))
    return np.datetime64(f"{y}-{dd}-{m}")
