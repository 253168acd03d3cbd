"""Free-text notes on exams, written as lab staff write them, each tagged with its elements."""

from __future__ import annotations

import numpy as np

from vigie.synth import pools

# category -> (share of exam rows, [(template, elements)]). Placeholders are filled per row.
NOTES: dict[str, tuple[float, list[tuple[str, tuple[str, ...]]]]] = {
    "chatter": (
        0.10,
        [
            ("patient à jeun", ()),
            ("prélèvement difficile", ()),
            ("Patient non à jeun", ()),
            ("tube hémolysé, à reprélever", ()),
            ("résultats à faxer au médecin", ()),
            ("RAS", ()),
            ("envoyer CR par courrier", ()),
            ("prelevement a domicile", ()),
            ("prélèvement difficile\nveines fines, prévoir épicrânienne", ()),
            ('dit "pas de traitement"; à vérifier', ()),
            ("patiente anxieuse; prévoir petite aiguille", ()),
            ("ordonnance incomplète", ()),
        ],
    ),
    "phone": (
        0.012,
        [
            ("rappeler au {phone}", ("contact.phone",)),
            ("résultats urgents : tél {phone}", ("contact.phone",)),
            ("joindre la fille au {phone} si besoin", ("contact.phone",)),
        ],
    ),
    "relative": (
        0.006,
        [
            ("accompagné de sa fille {rel}", ("identity.first_name", "identity.last_name")),
            ("prévenir son époux {rel}", ("identity.first_name", "identity.last_name")),
            ("tutelle : {rel}", ("identity.first_name", "identity.last_name")),
        ],
    ),
    "hiv": (
        0.02,
        [
            ("Sérologie VIH négative", ("health.hiv",)),
            ("VIH 1/2 : positif", ("health.hiv",)),
            ("contrôle charge virale", ("health.hiv",)),
            ("Serologie VIH neg, controle a 3 mois", ("health.hiv",)),
            ("suivi VIH, sous Biktarvy", ("health.hiv", "health.treatment")),
            ("charge virale indétectable sous Truvada", ("health.hiv", "health.treatment")),
        ],
    ),
    "pregnancy": (
        0.03,
        [
            ("grossesse {sa} SA", ("health.pregnancy",)),
            ("beta-HCG positif", ("health.pregnancy",)),
            ("DDR {date}", ("health.pregnancy",)),
            ("toxo négative, grossesse {sa} SA; contrôle mensuel", ("health.pregnancy",)),
            ("dépistage trisomie 21 - T1", ("health.pregnancy", "health.genetic")),
        ],
    ),
    "cancer": (
        0.02,
        [
            ("suivi K sein", ("health.cancer",)),
            ("PSA post-prostatectomie", ("health.cancer",)),
            ("chimio en cours", ("health.cancer", "health.treatment")),
            ("CA 15-3 : {ca} U/mL", ("health.cancer", "health.result")),
            ("suivi K colon, ACE", ("health.cancer",)),
            ("C50 - suivi post-op", ("health.cancer", "health.diagnosis")),
        ],
    ),
    "genetic": (
        0.007,
        [
            ("recherche mutation BRCA1", ("health.genetic",)),
            ("caryotype", ("health.genetic",)),
            ("génotypage HFE", ("health.genetic",)),
            ("consentement génétique signé", ("health.genetic",)),
        ],
    ),
    "treatment": (
        0.05,
        [
            ("AVK - INR cible 2-3", ("health.treatment",)),
            ("sous Préviscan, INR {inr}", ("health.treatment", "health.result")),
            ("insuline", ("health.treatment",)),
            ("lithémie (lithium 400)", ("health.treatment",)),
            ("méthotrexate hebdo", ("health.treatment",)),
            ("Tt: Kardegic + Lovenox", ("health.treatment",)),
            ("sous Levothyrox 75", ("health.treatment",)),
        ],
    ),
    "diagnosis": (
        0.03,
        [
            ("E11 diabète type 2", ("health.diagnosis",)),
            ("HTA", ("health.diagnosis",)),
            ("IRC stade 3", ("health.diagnosis",)),
            ("hypothyroïdie", ("health.diagnosis",)),
            ("N18 - insuffisance rénale chronique", ("health.diagnosis",)),
            ("diabete type 2, HbA1c {hba1c} %", ("health.diagnosis", "health.result")),
        ],
    ),
    "result": (
        0.04,
        [
            ("Hb {hb} g/dL", ("health.result",)),
            ("glycémie {gly} g/L", ("health.result",)),
            ("plaquettes basses, recontrôle", ("health.result",)),
            ("CRP {crp} mg/L", ("health.result",)),
            ("ferritine basse", ("health.result",)),
        ],
    ),
}
CATEGORIES = list(NOTES)
_FIRST_NAMES = ("Claire", "Sophie", "Jean", "Michel", "Nathalie", "Pierre", "Anne", "Yves")


def draw(
    rng: np.random.Generator, female: np.ndarray, age: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(category index or -1, template index) per row; pregnancy only for women 15-47."""
    n = len(female)
    shares = np.array([NOTES[c][0] for c in CATEGORIES])
    cum = np.cumsum(shares)
    r = rng.random(n)
    cat = np.searchsorted(cum, r, side="right")
    cat[cat >= len(CATEGORIES)] = -1
    preg = CATEGORIES.index("pregnancy")
    bad = (cat == preg) & (~female | (age < 15) | (age > 47))
    cat[bad] = CATEGORIES.index("chatter")
    sizes = np.array([len(NOTES[c][1]) for c in CATEGORIES])
    tmpl = (rng.random(n) * sizes[np.maximum(cat, 0)]).astype(int)
    return cat, tmpl


def render(
    rng: np.random.Generator, cat: np.ndarray, tmpl: np.ndarray, phones: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(note text or '', its elements joined by '|') for each row."""
    n = len(cat)
    text = np.full(n, "", dtype=object)
    elements = np.full(n, "", dtype=object)
    rows = np.flatnonzero(cat >= 0)
    values = _values(rng, len(rows), phones[rows])
    strip = rng.random(len(rows)) < 0.3
    for j, i in enumerate(rows.tolist()):
        template, elems = NOTES[CATEGORIES[cat[i]]][1][tmpl[i]]
        note = (
            template.format(**{k: v[j] for k, v in values.items()}) if "{" in template else template
        )
        if strip[j]:
            note = pools.strip_accents(note)
        text[i] = note
        elements[i] = "|".join(sorted(elems))
    return text, elements


def _values(rng: np.random.Generator, n: int, phones: np.ndarray) -> dict[str, np.ndarray]:
    """Placeholder values for every row, drawn at once (formatting stays cheap)."""
    sp = pools.surnames()
    digits = rng.integers(0, 100, (n, 4))
    fallback = np.array(
        [f"06 {a:02d} {b:02d} {c:02d} {d:02d}" for a, b, c, d in digits.tolist()], dtype=object
    )
    first = np.array(_FIRST_NAMES, dtype=object)[rng.integers(0, len(_FIRST_NAMES), n)]
    last = sp.names[sp.sample(rng, n)]
    return {
        "phone": np.where(phones != "", phones, fallback),
        "rel": np.array(
            [f"{f} {pools.upper_plain(s)}" for f, s in zip(first, last, strict=True)], dtype=object
        ),
        "sa": rng.integers(6, 40, n),
        "date": np.array(
            [
                f"{d:02d}/{m:02d}"
                for d, m in zip(
                    rng.integers(1, 29, n).tolist(), rng.integers(1, 13, n).tolist(), strict=True
                )
            ],
            dtype=object,
        ),
        "ca": np.round(rng.uniform(8, 90, n), 1),
        "inr": np.round(rng.uniform(1.4, 4.6, n), 1),
        "hba1c": np.round(rng.uniform(5.8, 10.5, n), 1),
        "hb": np.round(rng.uniform(7, 16, n), 1),
        "gly": np.round(rng.uniform(0.7, 3.1, n), 2),
        "crp": rng.integers(1, 250, n),
    }
