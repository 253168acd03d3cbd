"""The 28 medical labs (the controllers), grouped as regional lab groups are."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from vigie.synth import nir, pools

# (group, département, sites: town in the COG, site label, weight)
GROUPS = [
    (
        "Biolam",
        "35",
        [
            ("Rennes", "Rennes Nord", 3),
            ("Rennes", "Rennes Sud", 3),
            ("Rennes", "Rennes Centre", 2),
            ("Saint-Malo", "Saint-Malo", 2),
            ("Fougères", "Fougères", 1),
            ("Vitré", "Vitré", 1),
            ("Redon", "Redon", 1),
        ],
    ),
    (
        "Bio Armor",
        "22",
        [
            ("Saint-Brieuc", "Saint-Brieuc", 3),
            ("Lannion", "Lannion", 2),
            ("Dinan", "Dinan", 2),
            ("Guingamp", "Guingamp", 1),
            ("Loudéac", "Loudéac", 1),
        ],
    ),
    (
        "Océalab",
        "56",
        [
            ("Vannes", "Vannes", 3),
            ("Lorient", "Lorient", 3),
            ("Pontivy", "Pontivy", 1),
            ("Auray", "Auray", 1),
            ("Ploërmel", "Ploërmel", 1),
        ],
    ),
    (
        "Eurebio",
        "27",
        [
            ("Évreux", "Évreux", 3),
            ("Vernon", "Vernon", 2),
            ("Louviers", "Louviers", 1),
            ("Bernay", "Bernay", 1),
        ],
    ),
    (
        "Loirelab",
        "45",
        [
            ("Orléans", "Orléans Nord", 3),
            ("Orléans", "Orléans Sud", 2),
            ("Montargis", "Montargis", 2),
            ("Gien", "Gien", 1),
        ],
    ),
    (
        "Biocentre",
        "41",
        [
            ("Blois", "Blois", 3),
            ("Vendôme", "Vendôme", 2),
            ("Romorantin-Lanthenay", "Romorantin", 1),
        ],
    ),
]


@dataclass(frozen=True)
class Lab:
    index: int
    name: str
    group: str
    dep: str
    finess: str
    commune: int  # index into pools.communes()
    weight: float
    address: str
    slug: str


def build_labs() -> list[Lab]:
    c = pools.communes()
    labs: list[Lab] = []
    for g, (group, dep, sites) in enumerate(GROUPS):
        for s, (town, label, weight) in enumerate(sites):
            hits = np.flatnonzero((c.name == town) & (c.dep == dep))
            name = f"Laboratoire {group} {label}"
            slug = re.sub(r"[^a-z0-9]+", "_", pools.strip_accents(name).lower()).strip("_")
            labs.append(
                Lab(
                    index=len(labs),
                    name=name,
                    group=group,
                    dep=dep,
                    finess=nir.finess(dep, 1000 + 731 * g + 97 * s),
                    commune=int(hits[0]),
                    weight=float(weight),
                    address=f"{3 + 7 * s} rue {('Pasteur', 'de la Gare', 'Victor Hugo')[s % 3]}",
                    slug=slug,
                )
            )
    return labs


def usual_labs(rng: np.random.Generator, labs: list[Lab], commune: np.ndarray) -> np.ndarray:
    """Each person's usual lab: the one in their town if any, else one of their département."""
    c = pools.communes()
    out = np.empty(len(commune), dtype=np.int64)
    dep = c.dep[commune]
    for d in pools.DEPARTEMENTS:
        mine = [lab for lab in labs if lab.dep == d]
        w = np.array([lab.weight for lab in mine])
        mask = dep == d
        out[mask] = np.array([lab.index for lab in mine])[
            rng.choice(len(mine), size=int(mask.sum()), p=w / w.sum())
        ]
        for lab in mine:
            town = mask & (commune == lab.commune)
            same_town = [x for x in mine if x.commune == lab.commune]
            if len(same_town) == 1:
                out[town] = lab.index
    return out


def second_labs(rng: np.random.Generator, labs: list[Lab], usual: np.ndarray) -> np.ndarray:
    """Another lab of the same group (or any) for ~8 % of persons, else -1."""
    n = len(usual)
    other = rng.integers(0, len(labs), n)
    group = np.array([lab.group for lab in labs], dtype=object)
    by_group = {
        g: np.array([lab.index for lab in labs if lab.group == g]) for g in sorted(set(group))
    }
    for g, members in by_group.items():
        mask = group[usual] == g
        other[mask] = members[rng.integers(0, len(members), int(mask.sum()))]
    has = (rng.random(n) < 0.08) & (other != usual)
    return np.where(has, other, -1)


def labs_table(labs: list[Lab]) -> tuple[str, list[str], list[str], list[np.ndarray]]:
    """The dump's `laboratoires` table: (name, columns, MySQL types, column arrays)."""
    c = pools.communes()
    cols = ["ID_LABO", "NOM_LABO", "FINESS", "ADRESSE", "CP", "VILLE"]
    types = ["int(11) NOT NULL AUTO_INCREMENT"] + ["varchar(120) DEFAULT NULL"] * 5
    arrays = [
        np.arange(1, len(labs) + 1),
        np.array([lab.name for lab in labs], dtype=object),
        np.array([lab.finess for lab in labs], dtype=object),
        np.array([lab.address for lab in labs], dtype=object),
        np.array([c.postcode[lab.commune] for lab in labs], dtype=object),
        np.array([pools.upper_plain(c.name[lab.commune]) for lab in labs], dtype=object),
    ]
    return "laboratoires", cols, types, arrays
