"""Postal addresses: real communes and postcodes of the six départements, invented streets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigie.synth import pools

STREET_TYPES = np.array(
    [
        "rue",
        "avenue",
        "boulevard",
        "place",
        "allée",
        "impasse",
        "chemin",
        "route",
        "square",
        "résidence",
        "quai",
        "lotissement",
    ],
    dtype=object,
)
STREET_TYPE_W = np.array([46, 12, 5, 4, 7, 7, 6, 7, 1, 2, 1, 2], dtype=float)
STREET_NAMES = np.array(
    [
        "de la Gare",
        "du Général de Gaulle",
        "Jean Jaurès",
        "Victor Hugo",
        "de la République",
        "des Lilas",
        "de Brest",
        "de Paris",
        "Pasteur",
        "du Château",
        "de l'Église",
        "des Écoles",
        "du Moulin",
        "des Tilleuls",
        "de la Mairie",
        "Jules Ferry",
        "Gambetta",
        "Aristide Briand",
        "de la Libération",
        "du 8 Mai 1945",
        "Anatole France",
        "des Acacias",
        "des Peupliers",
        "du Stade",
        "de la Fontaine",
        "Saint-Martin",
        "des Mimosas",
        "de Verdun",
        "Carnot",
        "du Maréchal Leclerc",
        "Émile Zola",
        "Louis Pasteur",
        "des Rosiers",
        "de la Poste",
        "du Port",
        "de la Croix Verte",
        "des Hortensias",
        "des Bruyères",
        "de Bretagne",
        "de Normandie",
        "de la Loire",
        "des Vignes",
        "du Bourg",
        "de la Forêt",
        "des Cerisiers",
        "Pierre Mendès France",
        "François Mitterrand",
        "Jean Moulin",
        "de Lattre de Tassigny",
        "des Camélias",
        "du Calvaire",
        "Sainte-Anne",
        "de la Vallée",
        "des Goélands",
        "de Kerlann",
        "de Kervénic",
        "du Prieuré",
        "des Ajoncs",
        "de la Chesnaie",
        "des Pommiers",
        "de l'Abbaye",
        "Nationale",
        "des Fusillés",
        "de la Paix",
        "de la Liberté",
        "du Commerce",
        "Paul Bert",
        "de Rennes",
        "d'Orléans",
        "de Vannes",
        "de Blois",
        "d'Évreux",
        "de Saint-Brieuc",
    ],
    dtype=object,
)
LIEUX_DITS = np.array(
    [
        "La Ville Hervé",
        "Kerlann",
        "Le Clos Neuf",
        "La Métairie",
        "Les Landes",
        "Le Haut Bois",
        "Keryvon",
        "La Basse Cour",
        "Le Petit Moulin",
        "La Grange",
        "Les Champs Blancs",
        "Le Bois Joli",
        "La Croix Rouge",
        "Kerguen",
        "La Noë",
        "Les Hauts Champs",
    ],
    dtype=object,
)
COMPLEMENTS = np.array(
    [
        "Bât A",
        "Bât B",
        "Bât C",
        "Résidence les Tilleuls",
        "Résidence du Parc",
        "Appt {n}",
        "Appt {n}",
        "Escalier {l}",
        "Résidence Les Jardins",
        "Bât D",
        "Logement {n}",
        "Résidence Bellevue, Appt {n}",
        "EHPAD Les Glycines",
        "Porte {n}",
    ],
    dtype=object,
)


@dataclass
class Addresses:
    """One entry per address: commune index (into pools.communes()), street line, complement."""

    commune: np.ndarray
    line1: np.ndarray
    line2: np.ndarray  # "" when none

    def take(self, idx: np.ndarray) -> Addresses:
        return Addresses(self.commune[idx], self.line1[idx], self.line2[idx])


def street_lines(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """House number (some bis/ter), street type and name; an optional complement line."""
    num = np.clip(np.rint(rng.lognormal(2.6, 1.0, n)), 1, 250).astype(int)
    suffix = rng.choice(["", " bis", " ter", "B"], size=n, p=[0.955, 0.03, 0.01, 0.005])
    stype = rng.choice(STREET_TYPES, size=n, p=STREET_TYPE_W / STREET_TYPE_W.sum())
    sname = rng.choice(STREET_NAMES, size=n)
    lieu = rng.random(n) < 0.07
    ld = rng.choice(LIEUX_DITS, size=n)
    line1 = np.array(
        [
            f"Lieu-dit {d}" if ldit else f"{k}{s} {t} {m}"
            for k, s, t, m, ldit, d in zip(
                num.tolist(),
                suffix.tolist(),
                stype.tolist(),
                sname.tolist(),
                lieu.tolist(),
                ld.tolist(),
                strict=True,
            )
        ],
        dtype=object,
    )
    has2 = rng.random(n) < 0.15
    comp = rng.choice(COMPLEMENTS, size=n)
    k2 = rng.integers(1, 60, n)
    letter = rng.choice(list("ABCDE"), size=n)
    line2 = np.array(
        [
            c.format(n=k, l=le) if h else ""
            for c, k, le, h in zip(
                comp.tolist(), k2.tolist(), letter.tolist(), has2.tolist(), strict=True
            )
        ],
        dtype=object,
    )
    return line1, line2


def household_addresses(rng: np.random.Generator, n: int) -> Addresses:
    """Addresses of `n` households, communes drawn by population."""
    communes = pools.communes().sample(rng, n)
    line1, line2 = street_lines(rng, n)
    return Addresses(communes, line1, line2)


def moved_addresses(rng: np.random.Generator, before: Addresses) -> Addresses:
    """A new address: same département mostly, another of the six sometimes."""
    c = pools.communes()
    n = len(before.commune)
    new = np.empty(n, dtype=np.int64)
    same = rng.random(n) < 0.7
    for dep in pools.DEPARTEMENTS:
        mask = same & (c.dep[before.commune] == dep)
        new[mask] = c.sample(rng, int(mask.sum()), dep)
    new[~same] = c.sample(rng, int((~same).sum()))
    line1, line2 = street_lines(rng, n)
    return Addresses(new, line1, line2)
