"""Free-text notes on exams, written as lab staff write them, each tagged with its elements.

Labels follow docs/health-lexicon.md: a named test with its verdict ("VIH négatif",
"ferritine basse") or an analyte with a value is also a ``health.result``; a negated
treatment or diagnosis exposes nothing, a negated HIV, pregnancy or genetic test still
exposes its element. Phrasings are many and varied on purpose, so that the detector is
measured on how lab staff write, not on a handful of templates.
"""

from __future__ import annotations

import numpy as np

from vigie.synth import pools

HIV, PREG, CANCER, GEN = "health.hiv", "health.pregnancy", "health.cancer", "health.genetic"
TT, DIAG, RES, OTHER = "health.treatment", "health.diagnosis", "health.result", "health.other"
NAMES = ("identity.first_name", "identity.last_name")
PHONE = ("contact.phone",)

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
            # Near misses: tests ordered without a value, negated findings, lab logistics.
            ("pas de traitement en cours", ()),
            ("pas de diabète connu", ()),
            ("glycémie à jeun demandée", ()),
            ("ordonnance du {date} : NFS, CRP, ionogramme", ()),
            ("TSH + T4 à faire au prochain passage", ()),
            ("à jeun depuis 22h, prélevé à {hour}", ()),
            ("contrôle à J15", ()),
            ("tube sec + EDTA, centrifugé", ()),
            ("2e prélèvement, 1er tube coagulé", ()),
            ("transmis au laboratoire de référence (Biomnis)", ()),
            ("bilan annuel médecine du travail", ()),
            ("aucun antécédent particulier", ()),
            ("traitement des échantillons retardé (panne automate)", ()),
            ("vitamine B12 et folates ajoutés à la demande", ()),
        ],
    ),
    "phone": (
        0.012,
        [
            ("rappeler au {phone}", PHONE),
            ("résultats urgents : tél {phone}", PHONE),
            ("joindre la fille au {phone} si besoin", PHONE),
            ("portable : {phone}", PHONE),
            ("appeler le patient ({phone}) dès réception", PHONE),
            ("nouveau numéro {phone}", PHONE),
        ],
    ),
    "relative": (
        0.006,
        [
            ("accompagné de sa fille {rel}", NAMES),
            ("prévenir son époux {rel}", NAMES),
            ("tutelle : {rel}", NAMES),
            ("résultats à remettre à son fils {rel}", NAMES),
            ("personne de confiance : sa sœur {rel}", NAMES),
        ],
    ),
    "hiv": (
        0.02,
        [
            ("Sérologie VIH négative", (HIV, RES)),
            ("VIH 1/2 : positif", (HIV, RES)),
            ("contrôle charge virale", (HIV,)),
            ("Serologie VIH neg, controle a 3 mois", (HIV, RES)),
            ("suivi VIH, sous Biktarvy", (HIV, TT)),
            ("charge virale indétectable sous Truvada", (HIV, RES, TT)),
            ("sérologie VIH demandée par le médecin traitant", (HIV,)),
            ("TROD VIH négatif", (HIV, RES)),
            ("CD4 {cd4}/mm3", (HIV, RES)),
            ("patient séropositif connu, suivi au CHU", (HIV,)),
            ("PrEP : bilan trimestriel (créat, sérologies)", (HIV, TT)),
            ("charge virale VIH {cv} copies/mL", (HIV, RES)),
            ("sous Triumeq, bien toléré", (HIV, TT)),
            ("VIH connu, trithérapie", (HIV, TT)),
            ("western blot à faire", (HIV,)),
            ("AES : sérologies VIH, VHB, VHC à J0", (HIV, DIAG)),
            ("HIV 1+2 Ag/Ac combo : non réactif", (HIV, RES)),
            ("suivi VIH, CV indétectable", (HIV, RES)),
        ],
    ),
    "pregnancy": (
        0.03,
        [
            ("grossesse {sa} SA", (PREG,)),
            ("beta-HCG positif", (PREG, RES)),
            ("DDR {date}", (PREG,)),
            ("toxo négative, grossesse {sa} SA; contrôle mensuel", (PREG, RES, OTHER)),
            ("dépistage trisomie 21 - T1", (PREG, GEN)),
            ("patiente enceinte, bilan du 1er trimestre", (PREG,)),
            ("bHCG {hcg} UI/L", (PREG, RES)),
            ("test de grossesse négatif", (PREG, RES)),
            ("terme prévu le {date}", (PREG,)),
            ("{sa} SA + {day} j, O'Sullivan", (PREG,)),
            ("sérologie toxoplasmose mensuelle : négative", (PREG, RES, OTHER)),
            ("rubéole immunisée, grossesse en cours", (PREG, RES, OTHER)),
            ("post-partum J3, NFS de contrôle", (PREG,)),
            ("DPNI demandé", (PREG, GEN)),
            ("femme enceinte - RAI", (PREG,)),
        ],
    ),
    "cancer": (
        0.02,
        [
            ("suivi K sein", (CANCER,)),
            ("PSA post-prostatectomie", (CANCER,)),
            ("chimio en cours", (CANCER, TT)),
            ("CA 15-3 : {ca} U/mL", (CANCER, RES)),
            ("suivi K colon, ACE", (CANCER,)),
            ("C50 - suivi post-op", (CANCER, DIAG)),
            ("PSA de surveillance post-prostatectomie : {psa} ng/mL", (CANCER, RES)),
            ("CA 125 de suivi, néo ovaire", (CANCER,)),
            ("bilan pré-chimiothérapie (cure 3)", (CANCER, TT)),
            ("sous tamoxifène depuis 2 ans", (CANCER, TT)),
            ("LLC connue, NFS de surveillance", (CANCER,)),
            ("myélome : électrophorèse des protéines", (CANCER,)),
            ("NFS avant cure de chimio", (CANCER, TT)),
            ("pas de récidive, marqueurs tumoraux normaux", (CANCER, RES)),
            ("radiothérapie en cours, contrôle NFS", (CANCER, TT)),
            ("ACE {ace} ng/mL, suivi K colon", (CANCER, RES)),
            ("lymphome de Hodgkin en rémission", (CANCER,)),
            ("C61 - adénocarcinome prostatique", (CANCER, DIAG)),
        ],
    ),
    "genetic": (
        0.007,
        [
            ("recherche mutation BRCA1", (GEN,)),
            ("caryotype", (GEN,)),
            ("génotypage HFE", (GEN,)),
            ("consentement génétique signé", (GEN,)),
            ("caryotype constitutionnel", (GEN,)),
            ("génotypage HFE : C282Y homozygote", (GEN, RES)),
            ("facteur V Leiden : hétérozygote", (GEN, RES)),
            ("recherche de X fragile", (GEN,)),
            ("enquête familiale, prélèvement pour étude génétique", (GEN,)),
            ("typage HLA B27 demandé", (GEN,)),
            ("analyse pharmacogénétique DPYD avant 5-FU", (GEN, CANCER, TT)),
        ],
    ),
    "treatment": (
        0.05,
        [
            ("AVK - INR cible 2-3", (TT,)),
            ("sous Préviscan, INR {inr}", (TT, RES)),
            ("insuline", (TT,)),
            ("lithémie (lithium 400)", (TT,)),
            ("méthotrexate hebdo", (TT,)),
            ("Tt: Kardegic + Lovenox", (TT,)),
            ("sous Levothyrox 75", (TT,)),
            ("sous Eliquis 5 mg x2", (TT,)),
            ("INR {inr} sous Coumadine", (TT, RES)),
            ("patient sous Xarelto, anti-Xa demandé", (TT,)),
            ("insulinothérapie, glycémie capillaire {gly} g/L", (TT, RES)),
            ("dosage de Dépakine (valproatémie)", (TT,)),
            ("lithium : lithémie {li} mmol/L", (TT, RES)),
            ("HBPM préventive, plaquettes à J5", (TT,)),
            ("tacrolimus résiduel {tac} ng/mL", (TT, RES)),
            ("pas de traitement anticoagulant", ()),
            ("Levothyrox 100 µg, TSH de contrôle", (TT,)),
            ("sous corticoïdes au long cours", (TT,)),
            ("Metformine 1000 matin et soir", (TT,)),
        ],
    ),
    "diagnosis": (
        0.03,
        [
            ("E11 diabète type 2", (DIAG,)),
            ("HTA", (DIAG,)),
            ("IRC stade 3", (DIAG,)),
            ("hypothyroïdie", (DIAG,)),
            ("N18 - insuffisance rénale chronique", (DIAG,)),
            ("diabete type 2, HbA1c {hba1c} %", (DIAG, RES)),
            ("DT1 sous pompe à insuline", (DIAG, TT)),
            ("hépatite C chronique, charge virale VHC", (DIAG,)),
            ("Ag HBs positif, hépatite B connue", (DIAG, RES)),
            ("IRC dialysée (hémodialyse lun/mer/ven)", (DIAG,)),
            ("hypothyroïdie sous Levothyrox", (DIAG, TT)),
            ("ACFA sous Eliquis", (DIAG, TT)),
            ("F20.0 schizophrénie", (DIAG,)),
            ("ALD 30 : E10", (DIAG, OTHER)),
            ("BPCO, tabagisme actif", (DIAG,)),
            ("maladie de Crohn, bilan avant biothérapie", (DIAG, TT)),
        ],
    ),
    "result": (
        0.04,
        [
            ("Hb {hb} g/dL", (RES,)),
            ("glycémie {gly} g/L", (RES,)),
            ("plaquettes basses, recontrôle", (RES,)),
            ("CRP {crp} mg/L", (RES,)),
            ("ferritine basse", (RES,)),
            ("kaliémie {k} mmol/L, recontrôle", (RES,)),
            ("TSH {tsh} mUI/L", (RES,)),
            ("créatinine {creat} µmol/L", (RES,)),
            ("HbA1c : {hba1c} %", (RES,)),
            ("plaquettes {plq} G/L", (RES,)),
            ("VS accélérée", (RES,)),
            ("CRP élevée, médecin prévenu", (RES,)),
            ("ferritine effondrée", (RES,)),
            ("D-dimères positifs", (RES,)),
            ("hémoculture positive à staphylocoque", (RES,)),
            ("leucocytes {gb} G/L, PNN bas", (RES,)),
            ("bilan lipidique : LDL {ldl} g/L", (RES,)),
            ("ECBU positif (E. coli)", (RES,)),
            ("glycémie à jeun {gly} g/L", (RES,)),
        ],
    ),
}
CATEGORIES = list(NOTES)
_FIRST_NAMES = ("Claire", "Sophie", "Jean", "Michel", "Nathalie", "Pierre", "Anne", "Yves")
# How a note is typed: accents dropped by some systems, all capitals on others, and some
# notes carry lab chatter before or after the finding.
_STRIP_ACCENTS, _UPPER, _CHATTER = 0.3, 0.08, 0.12
_JOINS = ("; ", ". ", " - ", "\n")
# Leading pairs of 06 numbers that are overseas or unallocated in metropolitan France.
_NOT_METRO_06 = frozenset({39, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99})


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
    style = rng.random((len(rows), 3))
    chatter = NOTES["chatter"][1]
    extra = rng.integers(0, len(chatter), len(rows))
    joins = rng.integers(0, len(_JOINS), len(rows))
    for j, i in enumerate(rows.tolist()):
        template, elems = NOTES[CATEGORIES[cat[i]]][1][tmpl[i]]
        note = _fill(template, values, j)
        if style[j, 2] < _CHATTER and CATEGORIES[cat[i]] != "chatter":
            other, other_elems = chatter[extra[j]]
            extra_note = _fill(other, values, j)
            first, second = (note, extra_note) if style[j, 1] < 0.5 else (extra_note, note)
            note = first + _JOINS[joins[j]] + second
            elems = tuple(elems) + other_elems
        if style[j, 0] < _STRIP_ACCENTS:
            note = pools.strip_accents(note)
        if style[j, 1] < _UPPER:
            # Keep the micro sign: its capital is Greek and Latin-1 files cannot hold it.
            note = note.replace("µ", "\0").upper().replace("\0", "µ")
        text[i] = note
        elements[i] = "|".join(sorted(set(elems)))
    return text, elements


def _fill(template: str, values: dict[str, np.ndarray], j: int) -> str:
    if "{" not in template:
        return template
    return template.format(**{k: v[j] for k, v in values.items()})


def _number(rng: np.random.Generator, low: float, high: float, n: int, places: int) -> np.ndarray:
    """Decimal values as lab staff type them: a point or a comma."""
    values = np.round(rng.uniform(low, high, n), places)
    comma = rng.random(n) < 0.5
    return np.array(
        [
            f"{v:.{places}f}".replace(".", ",") if c else f"{v:.{places}f}"
            for v, c in zip(values.tolist(), comma.tolist(), strict=True)
        ],
        dtype=object,
    )


def _metro_mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """Metropolitan mobile numbers (06 XX outside the overseas and unallocated blocks)."""
    pairs = np.array([p for p in range(100) if p not in _NOT_METRO_06])
    first = pairs[rng.integers(0, len(pairs), n)]
    rest = rng.integers(0, 100, (n, 3))
    return np.array(
        [
            f"06 {a:02d} {b:02d} {c:02d} {d:02d}"
            for a, (b, c, d) in zip(first.tolist(), rest.tolist(), strict=True)
        ],
        dtype=object,
    )


def _values(rng: np.random.Generator, n: int, phones: np.ndarray) -> dict[str, np.ndarray]:
    """Placeholder values for every row, drawn at once (formatting stays cheap)."""
    sp = pools.surnames()
    first = np.array(_FIRST_NAMES, dtype=object)[rng.integers(0, len(_FIRST_NAMES), n)]
    last = sp.names[sp.sample(rng, n)]
    days, months = rng.integers(1, 29, n).tolist(), rng.integers(1, 13, n).tolist()
    hours, minutes = rng.integers(7, 12, n).tolist(), rng.integers(0, 60, n).tolist()
    return {
        "phone": np.where(phones != "", phones, _metro_mobiles(rng, n)),
        "rel": np.array(
            [f"{f} {pools.upper_plain(s)}" for f, s in zip(first, last, strict=True)], dtype=object
        ),
        "sa": rng.integers(6, 40, n),
        "day": rng.integers(1, 7, n),
        "date": np.array(
            [f"{d:02d}/{m:02d}" for d, m in zip(days, months, strict=True)], dtype=object
        ),
        "hour": np.array(
            [f"{h}h{m:02d}" for h, m in zip(hours, minutes, strict=True)], dtype=object
        ),
        "ca": _number(rng, 8, 90, n, 1),
        "inr": _number(rng, 1.4, 4.6, n, 1),
        "hba1c": _number(rng, 5.8, 10.5, n, 1),
        "hb": _number(rng, 7, 16, n, 1),
        "gly": _number(rng, 0.7, 3.1, n, 2),
        "crp": rng.integers(1, 250, n),
        "cd4": rng.integers(50, 1200, n),
        "cv": rng.integers(20, 500_000, n),
        "hcg": rng.integers(5, 150_000, n),
        "psa": _number(rng, 0.01, 12, n, 2),
        "ace": _number(rng, 0.5, 40, n, 1),
        "li": _number(rng, 0.3, 1.4, n, 2),
        "tac": _number(rng, 2, 15, n, 1),
        "k": _number(rng, 2.8, 6.8, n, 1),
        "tsh": _number(rng, 0.05, 25, n, 2),
        "creat": rng.integers(40, 900, n),
        "plq": rng.integers(15, 600, n),
        "gb": _number(rng, 1.0, 25, n, 1),
        "ldl": _number(rng, 0.6, 2.6, n, 2),
    }
