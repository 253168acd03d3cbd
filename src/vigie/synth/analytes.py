"""Analytes of the relational shape's `resultats` table: what each request measured.

Each request (an exam of `exams.py`) gets a few routine analytes, plus the ones its note
points to (an HIV note brings an HIV serology or viral load, a pregnancy note a β-HCG...)
and some screenings drawn on their own (HIV serology, β-HCG, PSA, toxoplasmosis). Labels
follow docs/health-lexicon.md: a label that names an HIV test, a pregnancy hormone, a
tumour marker, a genetic test, a drug level or a serology exposes that element by itself,
whatever the value; every result with a value exposes `health.result`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HIV, PREG, CANCER, GEN = "health.hiv", "health.pregnancy", "health.cancer", "health.genetic"
TT, OTHER = "health.treatment", "health.other"
PENDING = 0.02  # share of results with no value yet (the label still exposes its element)


@dataclass(frozen=True)
class Analyte:
    code: str
    label: str
    unit: str
    low: float  # numeric range of values; for a qualitative test, unused
    high: float
    places: int  # decimals; -1 for a qualitative test (values from `verdicts`)
    elements: tuple[str, ...] = ()  # exposed by the label alone
    routine: float = 0.0  # chance a request includes it as routine work
    verdicts: tuple[str, ...] = ()


ANALYTES = (
    Analyte("HB", "Hémoglobine", "g/dL", 8, 17, 1, routine=0.55),
    Analyte("PLQ", "Plaquettes", "G/L", 80, 450, 0, routine=0.5),
    Analyte("GB", "Leucocytes", "G/L", 2.5, 14, 1, routine=0.5),
    Analyte("GLY", "Glycémie à jeun", "g/L", 0.7, 2.2, 2, routine=0.4),
    Analyte("CREA", "Créatinine", "µmol/L", 45, 250, 0, routine=0.4),
    Analyte("K", "Potassium", "mmol/L", 3.2, 5.8, 1, routine=0.2),
    Analyte("CRP", "Protéine C réactive", "mg/L", 0.5, 120, 1, routine=0.25),
    Analyte("TSH", "TSH", "mUI/L", 0.1, 8, 2, routine=0.2),
    Analyte("LDL", "Cholestérol LDL", "g/L", 0.6, 2.4, 2, routine=0.2),
    Analyte("FERR", "Ferritine", "µg/L", 8, 400, 0, routine=0.12),
    Analyte("HBA1C", "HbA1c", "%", 5.0, 10.5, 1, routine=0.08),
    Analyte("INR", "INR", "", 1.0, 4.2, 1),
    Analyte("LITH", "Lithémie", "mmol/L", 0.4, 1.3, 2, (TT,)),
    Analyte("PSA", "PSA total", "ng/mL", 0.1, 9, 2),
    Analyte("CA153", "CA 15-3", "U/mL", 8, 90, 1, (CANCER,)),
    Analyte("HCG", "Béta-HCG", "UI/L", 5, 150_000, 0, (PREG,)),
    Analyte(
        "TOXO",
        "Sérologie toxoplasmose",
        "",
        0,
        0,
        -1,
        (OTHER,),
        verdicts=("Négatif", "Positif (immunisée)", "Négatif"),
    ),
    Analyte(
        "VIH",
        "Sérologie VIH 1/2",
        "",
        0,
        0,
        -1,
        (HIV,),
        verdicts=("Négatif", "Négatif", "Négatif", "Positif"),
    ),
    Analyte("CVVIH", "Charge virale VIH", "copies/mL", 20, 500_000, 0, (HIV,)),
    Analyte(
        "HFE",
        "Génotypage HFE",
        "",
        0,
        0,
        -1,
        (GEN,),
        verdicts=("Absence de mutation C282Y", "C282Y hétérozygote", "C282Y homozygote"),
    ),
)
INDEX = {a.code: i for i, a in enumerate(ANALYTES)}
# Note elements -> (analyte, share of such requests that get it); several may apply.
BY_NOTE = (
    (HIV, "VIH", 0.6),
    (HIV, "CVVIH", 0.4),
    (PREG, "HCG", 0.8),
    (GEN, "HFE", 0.5),
    (TT, "INR", 0.5),
    (TT, "LITH", 0.15),
    ("health.diagnosis", "HBA1C", 0.5),
)
SCREENING_HIV = 0.015  # HIV serology ordered on its own, whatever the note says


@dataclass
class Results:
    exam: np.ndarray  # the request (exam index) each result belongs to
    analyte: np.ndarray  # index into ANALYTES
    value: np.ndarray  # text, None while pending

    def __len__(self) -> int:
        return len(self.exam)


def draw(
    rng: np.random.Generator,
    note_elements: np.ndarray,
    female: np.ndarray,
    age: np.ndarray,
) -> Results:
    """The results of every request, request by request, analytes in catalogue order."""
    n = len(note_elements)
    chosen = np.zeros((n, len(ANALYTES)), dtype=bool)
    for i, a in enumerate(ANALYTES):
        if a.routine:
            chosen[:, i] = rng.random(n) < a.routine
    notes = note_elements.astype(str)
    for element, code, share in BY_NOTE:
        has = np.char.find(notes, element) >= 0
        chosen[:, INDEX[code]] |= has & (rng.random(n) < share)
    cancer = np.char.find(notes, CANCER) >= 0
    chosen[:, INDEX["CA153"]] |= cancer & female
    chosen[:, INDEX["PSA"]] |= (cancer & ~female) | (~female & (age >= 50) & (rng.random(n) < 0.2))
    child_bearing = female & (age >= 15) & (age <= 45)
    chosen[:, INDEX["HCG"]] |= child_bearing & (rng.random(n) < 0.03)
    chosen[:, INDEX["TOXO"]] |= child_bearing & (rng.random(n) < 0.02)
    chosen[:, INDEX["VIH"]] |= (age >= 15) & (rng.random(n) < SCREENING_HIV)
    chosen[~chosen.any(axis=1), INDEX["HB"]] = True
    exam, analyte = np.nonzero(chosen)
    return Results(exam, analyte, _values(rng, analyte))


def _values(rng: np.random.Generator, analyte: np.ndarray) -> np.ndarray:
    out = np.empty(len(analyte), dtype=object)
    for i, a in enumerate(ANALYTES):
        rows = np.flatnonzero(analyte == i)
        if a.places < 0:
            out[rows] = np.array(a.verdicts, dtype=object)[
                rng.integers(0, len(a.verdicts), len(rows))
            ]
            continue
        values = rng.uniform(a.low, a.high, len(rows))
        if a.high > 10_000:  # viral loads and hormones spread over decades
            values = np.exp(rng.uniform(np.log(a.low), np.log(a.high), len(rows)))
        out[rows] = [f"{v:.{a.places}f}" for v in values.tolist()]
    out[rng.random(len(analyte)) < PENDING] = None
    return out


def columns(results: Results, first_id: int = 1) -> list[np.ndarray]:
    """ID_RESULTAT, CODE_ANALYSE, LIBELLE, VALEUR, UNITE (the request id is added by the caller)."""
    a = results.analyte
    return [
        np.arange(first_id, first_id + len(results)),
        np.array([x.code for x in ANALYTES], dtype=object)[a],
        np.array([x.label for x in ANALYTES], dtype=object)[a],
        results.value,
        np.array([x.unit or None for x in ANALYTES], dtype=object)[a],
    ]


def label_elements(analyte: np.ndarray) -> np.ndarray:
    """'a|b' strings: what each result's label exposes by itself."""
    joined = np.array(["|".join(sorted(x.elements)) for x in ANALYTES], dtype=object)
    return joined[analyte]
