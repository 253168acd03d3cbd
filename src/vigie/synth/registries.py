"""Each lab's patient index (today's identity and address) and the controllers list."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from vigie.synth import pools
from vigie.synth.population import Population

COLUMNS = [
    "IPP",
    "NOM_NAISSANCE",
    "NOM_USAGE",
    "PRENOMS",
    "SEXE",
    "DATE_NAISSANCE",
    "NIR",
    "ADRESSE",
    "COMPLEMENT",
    "CODE_POSTAL",
    "COMMUNE",
    "TELEPHONE",
    "EMAIL",
    "DECEDE",
    "DATE_DECES",
]


def patients_of(
    pop: Population, exam_person: np.ndarray, exam_lab: np.ndarray, lab: int
) -> np.ndarray:
    """Persons this lab knows: its usual patients, second-lab patients, and whoever it sampled."""
    known = (pop.lab == lab) | (pop.lab2 == lab)
    known[exam_person[exam_lab == lab]] = True
    return np.flatnonzero(known)


def write_registry(
    rng: np.random.Generator,
    path: Path,
    pop: Population,
    people: np.ndarray,
    recorded_nir: np.ndarray,
) -> list[tuple[int, int, str]]:
    """Write one lab's index in IPP order; returns (person, row, IPP) for the truth."""
    ipp = 10**7 + rng.choice(9 * 10**7, size=len(people), replace=False)
    order = np.argsort(ipp, kind="stable")
    people, ipp = people[order], ipp[order]
    c = pools.communes()
    addr = pop.current_addr
    nir = recorded_nir[people].copy()
    nir[rng.random(len(people)) < 0.04] = ""
    birth = np.datetime_as_string(pop.hh.birth[people])
    death = pop.hh.death[people]
    death_s = np.where(np.isnat(death), "", np.datetime_as_string(death))
    rows = zip(
        ipp.tolist(),
        [pools.upper_plain(s) for s in pop.names.birth_name[people].tolist()],
        [pools.upper_plain(s) for s in pop.registry_usage[people].tolist()],
        pop.names.given_names[people].tolist(),
        np.where(pop.hh.female[people], "F", "M").tolist(),
        [f"{s[8:10]}/{s[5:7]}/{s[:4]}" for s in birth.tolist()],
        nir.tolist(),
        addr.line1[people].tolist(),
        addr.line2[people].tolist(),
        c.postcode[addr.commune[people]].tolist(),
        c.name[addr.commune[people]].tolist(),
        [_spaced(p) for p in pop.phone[people].tolist()],
        pop.email[people].tolist(),
        np.where(pop.hh.deceased[people], "O", "N").tolist(),
        [f"{s[8:10]}/{s[5:7]}/{s[:4]}" if s else "" for s in death_s.tolist()],
        strict=True,
    )
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    return [(int(p), r, str(i)) for r, (p, i) in enumerate(zip(people, ipp, strict=True), start=1)]


def _spaced(number: str) -> str:
    return " ".join(number[i : i + 2] for i in range(0, 10, 2)) if number else ""


def write_controllers(path: Path, pop: Population) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["file", "controller", "finess", "departement"])
        for lab in pop.labs:
            w.writerow([f"{lab.slug}.csv", lab.name, lab.finess, lab.dep])
