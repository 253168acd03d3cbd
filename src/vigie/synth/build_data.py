"""Maintainer script: regenerate the name pools in data/ (not used at run time).

    python -m vigie.synth.build_data

Surnames and first names come from Faker's person providers of the locales France's
population draws on, plus French names by birth era written here, plus composed names
(Breton "Le X" / "Ker-" names, suffixed variants, double names). Writing the pools to
files keeps `vigie synth` byte-identical across Faker versions.
"""

from __future__ import annotations

import csv
import importlib
import random
import re
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
_OK = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ][A-Za-zÀ-ÖØ-öø-ÿŒœ' -]*$")

# (locale, share of the population's surnames) - the French core dominates.
# fr_FR and fr_CA list names by frequency; the others alphabetically (shuffled here).
SURNAME_LOCALES = [
    ("fr_FR", 0.17),
    ("fr_BE", 0.09),
    ("fr_CH", 0.03),
    ("fr_CA", 0.03),
    ("fr_DZ", 0.07),
    ("it_IT", 0.04),
    ("es_ES", 0.035),
    ("pt_PT", 0.035),
    ("pt_BR", 0.01),
    ("de_DE", 0.03),
    ("nl_NL", 0.01),
    ("en_GB", 0.005),
]
FREQUENCY_ORDERED = {"fr_FR", "fr_CA"}
COMPOSED_SHARE = 0.45
BRETON = [
    "Gall",
    "Goff",
    "Guen",
    "Bihan",
    "Bras",
    "Roux",
    "Floch",
    "Moal",
    "Corre",
    "Meur",
    "Borgne",
    "Gac",
    "Guennec",
    "Lay",
    "Bris",
    "Cam",
    "Fur",
    "Gal",
    "Berre",
    "Pape",
    "Dantec",
    "Bourdon",
    "Du",
    "Duff",
    "Garrec",
    "Gouill",
    "Louarn",
    "Maout",
    "Men",
    "Nir",
    "Page",
    "Quéré",
    "Roy",
    "Saout",
    "Scouarnec",
    "Tallec",
    "Troadec",
    "Berre",
    "Calvez",
    "Coz",
    "Deunff",
    "Dréau",
    "Faou",
    "Gallic",
    "Goaziou",
    "Hénaff",
    "Jeune",
    "Lann",
    "Mée",
    "Minter",
    "Naour",
    "Pennec",
    "Rouzic",
    "Stum",
    "Vourc'h",
]
KER = [
    "brat",
    "hervé",
    "ven",
    "rien",
    "guen",
    "morvan",
    "dreux",
    "gal",
    "lan",
    "maux",
    "nevez",
    "oas",
    "vella",
    "bellec",
]
SUFFIXES = ("eau", "et", "ot", "in", "on", "ard", "ier", "at")

# French first names by era (birth years), most given first. Kept short and typical.
ERAS = ("1920", "1945", "1965", "1985", "2005")
FRENCH_FIRST = {
    ("M", "1920"): "Jean Pierre André René Marcel Louis Roger Henri Joseph Georges Paul Robert "
    "Maurice Lucien Raymond Marcel Fernand Albert Émile Eugène Francis Gaston Yves",
    ("F", "1920"): "Marie Jeanne Marguerite Germaine Suzanne Yvonne Madeleine Simone Louise "
    "Denise Paulette Odette Lucienne Andrée Raymonde Renée Georgette Thérèse Hélène Anne",
    ("M", "1945"): "Jean-Pierre Michel Alain Philippe Patrick Bernard Daniel Gérard Christian "
    "Jacques Jean-Claude Claude Serge Dominique Gilles Jean-Paul Guy Didier Joël Jean-Luc "
    "Jean-Marc Jean-Louis Jean-François Yannick Hervé Marc Thierry",
    ("F", "1945"): "Monique Françoise Martine Catherine Nicole Sylvie Christiane Danielle "
    "Brigitte Michèle Chantal Marie-Christine Annie Jacqueline Josiane Dominique Évelyne "
    "Marie-Thérèse Colette Ginette Marie-France Joëlle Marie-Claude Nadine Maryvonne",
    ("M", "1965"): "Christophe Stéphane Sébastien Nicolas Laurent Frédéric David Olivier "
    "Pascal Éric Franck Jérôme Cédric Vincent Fabrice Ludovic Arnaud Guillaume Mickaël "
    "Emmanuel Yann Gwénaël Erwan Loïc Ronan",
    ("F", "1965"): "Nathalie Sandrine Valérie Stéphanie Céline Isabelle Véronique Aurélie "
    "Karine Virginie Christelle Sophie Séverine Émilie Delphine Laetitia Anne-Sophie "
    "Marie-Laure Gaëlle Nolwenn Audrey Élodie Cécile Anne Sophie",
    ("M", "1985"): "Thomas Kevin Julien Maxime Alexandre Anthony Romain Quentin Nicolas "
    "Florian Jérémy Benjamin Mathieu Clément Adrien Dylan Valentin Alexis Antoine Kylian "
    "Corentin Yohann Pierre-Alexandre Jean-Baptiste",
    ("F", "1985"): "Julie Laura Marine Camille Pauline Manon Marion Océane Mélanie Chloé "
    "Sarah Émilie Justine Anaïs Morgane Charlotte Léa Mathilde Clémence Marie-Anne Aurore",
    ("M", "2005"): "Lucas Enzo Hugo Léo Nathan Louis Gabriel Kylian Jules Raphaël Arthur "
    "Tom Mathis Noah Théo Ethan Sacha Timéo Maël Liam Paul Aaron Nolan Évan Malo Titouan",
    ("F", "2005"): "Emma Léa Chloé Inès Jade Louise Alice Lina Manon Camille Lola Zoé Jeanne "
    "Rose Anna Lou Ambre Mila Romane Juliette Clara Nina Léonie Maëlys Louna Capucine",
}
# Faker locales for first names and how each era weighs them (index = ERAS).
FIRST_LOCALES = {
    "fr_FR": (1.0, 1.0, 1.0, 1.0, 1.0),
    "fr_BE": (0.5, 0.5, 0.5, 0.5, 0.5),
    "fr_CH": (0.3, 0.3, 0.3, 0.3, 0.3),
    "fr_CA": (0.2, 0.2, 0.3, 0.4, 0.4),
    "fr_DZ": (0.1, 0.2, 0.5, 0.6, 0.6),
    "it_IT": (0.3, 0.2, 0.1, 0.1, 0.1),
    "es_ES": (0.3, 0.2, 0.1, 0.1, 0.1),
    "pt_PT": (0.1, 0.3, 0.3, 0.2, 0.1),
    "de_DE": (0.2, 0.1, 0.05, 0.05, 0.05),
    "en_GB": (0.0, 0.05, 0.2, 0.6, 0.4),
}


def _provider(locale: str) -> Any:
    return importlib.import_module(f"faker.providers.person.{locale}").Provider


def _clean(names: object) -> list[str]:
    out = []
    for name in names:  # type: ignore[attr-defined]
        name = str(name).strip()
        if _OK.match(name):
            try:
                name.encode("cp1252")
            except UnicodeEncodeError:
                continue
            out.append(name)
    return out


def build_surnames() -> list[tuple[str, float]]:
    """Zipf-like weights: 1/rank^0.6 within each locale, scaled by the locale's share."""
    weights: dict[str, float] = {}
    for locale, share in SURNAME_LOCALES:
        names = _clean(_provider(locale).last_names)
        if locale not in FREQUENCY_ORDERED:
            random.Random(locale).shuffle(names)
        zipf = [1.0 / (r + 1) ** 0.6 for r in range(len(names))]
        total = sum(zipf)
        for name, z in zip(names, zipf, strict=True):
            weights[name] = weights.get(name, 0.0) + share * z / total
    composed: list[str] = [f"Le {b}" for b in BRETON] + [f"Ker{k}" for k in KER]
    base = _clean(_provider("fr_FR").last_names) + _clean(_provider("fr_BE").last_names)
    for i, name in enumerate(base):
        stem = name.rstrip("eaiouy")
        composed += [stem + SUFFIXES[(i + j) % len(SUFFIXES)] for j in range(3)]
    for i in range(0, len(base) - 1, 2):
        composed.append(f"{base[i]}-{base[i + 1]}")
    rare = [c for c in dict.fromkeys(composed) if c not in weights]
    random.Random("composed").shuffle(rare)
    zipf = [1.0 / (r + 1) ** 0.25 for r in range(len(rare))]
    total = sum(zipf)
    for name, z in zip(rare, zipf, strict=True):
        boost = 6.0 if name.startswith(("Le ", "Ker")) else 1.0  # Breton names are common here
        weights[name] = COMPOSED_SHARE * z / total * boost
    return sorted(weights.items(), key=lambda kv: -kv[1])


def build_first_names() -> list[tuple[str, str, tuple[float, ...]]]:
    table: dict[tuple[str, str], list[float]] = {}
    for (sex, era), text in FRENCH_FIRST.items():
        names = text.split()
        for rank, name in enumerate(names):
            w = table.setdefault((name, sex), [0.0] * len(ERAS))
            w[ERAS.index(era)] += 40.0 / (rank + 2)
    for locale, era_w in FIRST_LOCALES.items():
        p = _provider(locale)
        for sex, attr in (("M", "first_names_male"), ("F", "first_names_female")):
            for name in _clean(getattr(p, attr, ())):
                w = table.setdefault((name, sex), [0.0] * len(ERAS))
                for i, ew in enumerate(era_w):
                    w[i] += ew * 0.15
    rows = [(n, s, tuple(round(x, 5) for x in w)) for (n, s), w in table.items()]
    return sorted(rows)


def main() -> None:
    with (DATA / "surnames.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "weight"])
        w.writerows((n, f"{x:.8f}") for n, x in build_surnames())
    with (DATA / "first_names.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "sex", *(f"w{e}" for e in ERAS)])
        w.writerows((n, s, *ws) for n, s, ws in build_first_names())


if __name__ == "__main__":
    main()
