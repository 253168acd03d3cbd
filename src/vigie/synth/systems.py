"""The four lab systems the leak came from: their columns, names and value formats."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vigie.synth import pools
from vigie.synth.contacts import format_phone
from vigie.synth.exams import Doctors, Exams
from vigie.synth.labs import Lab
from vigie.synth.variation import RowFacts


@dataclass
class Ctx:
    """The rows of one system: their facts, exams, and the shared reference tables."""

    f: RowFacts
    when: np.ndarray
    lab: np.ndarray
    doctor: np.ndarray
    note: np.ndarray
    exam_id: np.ndarray
    labs: list[Lab]
    doctors: Doctors


Builder = Callable[[Ctx], np.ndarray]


@dataclass(frozen=True)
class System:
    key: str
    file: str  # relative to leak/
    table: str
    share: float  # target share of exam rows
    columns: tuple[tuple[str, str, Builder], ...]  # (column, element or "", builder)


def _cached(func: Callable[[str], str], values: np.ndarray) -> np.ndarray:
    cache: dict[str, str] = {}
    out = [cache[v] if v in cache else cache.setdefault(v, func(v)) for v in values.tolist()]
    return np.array(out, dtype=object)


def _none_if_empty(values: np.ndarray) -> np.ndarray:
    out = values.astype(object)
    out[out == ""] = None
    return out


def _upper(values: np.ndarray) -> np.ndarray:
    return _cached(pools.upper_plain, values)


def _accented(values: np.ndarray, plain: np.ndarray) -> np.ndarray:
    out = values.astype(object).copy()
    out[plain] = _cached(pools.strip_accents, out[plain])
    return out


def _given(c: Ctx, full: bool) -> np.ndarray:
    return np.where(c.f.first_only | (not full), c.f.first, c.f.given)


def _dates(values: np.ndarray, fmt: str) -> np.ndarray:
    iso = np.datetime_as_string(values, unit="s" if values.dtype == "datetime64[s]" else "D")
    if fmt == "iso":
        return iso.astype(object)
    if fmt == "sql":
        return np.char.replace(iso, "T", " ").astype(object)
    if fmt == "fr":  # DD/MM/YYYY
        return np.array([f"{s[8:10]}/{s[5:7]}/{s[0:4]}" for s in iso.tolist()], dtype=object)
    return np.array([f"{s[8:10]}/{s[5:7]}/{s[0:4]} {s[11:16]}" for s in iso.tolist()], dtype=object)


def _phones(c: Ctx, styles: tuple[int, ...]) -> np.ndarray:
    st = np.array(styles)[c.f.phone_style % len(styles)]
    return _none_if_empty(
        np.array(
            [format_phone(p, s) for p, s in zip(c.f.phone.tolist(), st.tolist(), strict=True)],
            dtype=object,
        )
    )


def _doctor(c: Ctx, style: str) -> np.ndarray:
    d = c.doctors
    idx = np.maximum(c.doctor, 0)
    if style == "upper":
        text = _upper(d.last[idx]) + " " + _cached(lambda s: s[0] + ".", d.first[idx])
        out = "DR " + text
    else:
        out = "Dr " + d.first[idx] + " " + d.last[idx]
    out = out.astype(object)
    out[c.doctor < 0] = None
    return out


def _rpps(c: Ctx) -> np.ndarray:
    return _none_if_empty(np.where(c.doctor >= 0, c.doctors.rpps[np.maximum(c.doctor, 0)], ""))


def _commune_field(c: Ctx, field: str) -> np.ndarray:
    return getattr(pools.communes(), field)[c.f.commune]


def _lab_field(c: Ctx, field: str) -> np.ndarray:
    return np.array([getattr(lab, field) for lab in c.labs], dtype=object)[c.lab]


def _sex(c: Ctx, female: str, male: str) -> np.ndarray:
    return np.where(c.f.female, female, male).astype(object)


def _nir_spaced(c: Ctx) -> np.ndarray:
    spaced = np.array(
        [
            f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:]}"
            if v and i % 5 == 0
            else v
            for i, v in enumerate(c.f.nir.tolist())
        ],
        dtype=object,
    )
    return _none_if_empty(spaced)


SQL = System(
    "sil",
    "export_sil.sql",
    "dossiers_patients",
    0.40,
    (
        ("ID_EXAMEN", "", lambda c: c.exam_id),
        ("NOM", "identity.last_name", lambda c: _upper(c.f.last)),
        ("NOM_JF", "identity.birth_name", lambda c: _none_if_empty(_upper(c.f.birth_name))),
        ("PRENOM", "identity.first_name", lambda c: _upper(c.f.first)),
        ("DDN", "identity.birth_date", lambda c: _dates(c.f.birth, "iso")),
        ("SEXE", "identity.sex", lambda c: _sex(c, "F", "M")),
        ("NIR", "national_id.nir", lambda c: _none_if_empty(c.f.nir)),
        ("ADRESSE1", "contact.address", lambda c: _upper(c.f.line1)),
        ("ADRESSE2", "contact.address", lambda c: _none_if_empty(_upper(c.f.line2))),
        ("CP", "contact.postcode", lambda c: _commune_field(c, "postcode")),
        ("VILLE", "contact.city", lambda c: _upper(_commune_field(c, "name"))),
        ("TEL", "contact.phone", lambda c: _phones(c, (0, 1))),
        ("MAIL", "contact.email", lambda c: _none_if_empty(c.f.email)),
        ("GRP_SANG", "health.blood_group", lambda c: _none_if_empty(c.f.blood)),
        ("MED_PRESC", "provider.prescriber", lambda c: _doctor(c, "upper")),
        ("RPPS_PRESC", "provider.prescriber", _rpps),
        ("DATE_PRELEV", "care.exam", lambda c: _dates(c.when, "sql")),
        ("CODE_LABO", "", lambda c: _lab_field(c, "finess")),
        ("COMMENTAIRE", "text.free", lambda c: _none_if_empty(c.note)),
    ),
)

CSV = System(
    "extraction",
    "extraction_patients.csv",
    "extraction_patients",
    0.25,
    (
        ("NomUsuel", "identity.last_name", lambda c: _accented(c.f.last, c.f.plain)),
        (
            "NomNaissance",
            "identity.birth_name",
            lambda c: _accented(
                np.where(c.f.birth_name != "", c.f.birth_name, c.f.last), c.f.plain
            ),
        ),
        ("Prenoms", "identity.first_name", lambda c: _accented(_given(c, True), c.f.plain)),
        ("DateNaiss", "identity.birth_date", lambda c: _dates(c.f.birth, "fr")),
        ("Sexe", "identity.sex", lambda c: _sex(c, "2", "1")),
        ("NumSecu", "national_id.nir", _nir_spaced),
        ("Adresse", "contact.address", lambda c: _accented(c.f.line1, c.f.plain)),
        ("ComplementAdresse", "contact.address", lambda c: _none_if_empty(c.f.line2)),
        ("CodePostal", "contact.postcode", lambda c: _commune_field(c, "postcode")),
        ("Ville", "contact.city", lambda c: _accented(_commune_field(c, "name"), c.f.plain)),
        ("Telephone", "contact.phone", lambda c: _phones(c, (0, 1, 2, 3, 4))),
        ("Email", "contact.email", lambda c: _none_if_empty(c.f.email)),
        ("GroupeSanguin", "health.blood_group", lambda c: _none_if_empty(c.f.blood)),
        ("Prescripteur", "provider.prescriber", lambda c: _doctor(c, "mixed")),
        ("DatePrelevement", "care.exam", lambda c: _dates(c.when, "frtime")),
        ("Laboratoire", "", lambda c: _lab_field(c, "name")),
        ("Observations", "text.free", lambda c: _none_if_empty(c.note)),
    ),
)

XLSX = System(
    "labo",
    "export_labo.xlsx",
    "export_labo",
    0.20,
    (
        ("Nom", "identity.last_name", lambda c: _accented(_cached(str.upper, c.f.last), c.f.plain)),
        (
            "Nom de naissance",
            "identity.birth_name",
            lambda c: _none_if_empty(_cached(str.upper, c.f.birth_name)),
        ),
        ("Prénom", "identity.first_name", lambda c: _accented(_given(c, False), c.f.plain)),
        ("Date de naissance", "identity.birth_date", lambda c: c.f.birth),
        ("Sexe", "identity.sex", lambda c: _sex(c, "F", "H")),
        ("N° SS", "national_id.nir", lambda c: _none_if_empty(c.f.nir)),
        ("Adresse", "contact.address", lambda c: c.f.line1),
        ("Adresse 2", "contact.address", lambda c: _none_if_empty(c.f.line2)),
        ("CP", "contact.postcode", lambda c: _commune_field(c, "postcode")),
        ("Commune", "contact.city", lambda c: _commune_field(c, "name")),
        ("Tél", "contact.phone", lambda c: _phones(c, (0, 0, 1, 4))),
        ("E-mail", "contact.email", lambda c: _none_if_empty(c.f.email)),
        ("Groupe sanguin", "health.blood_group", lambda c: _none_if_empty(c.f.blood)),
        ("Médecin prescripteur", "provider.prescriber", lambda c: _doctor(c, "mixed")),
        ("RPPS", "provider.prescriber", _rpps),
        ("Date prélèvement", "care.exam", lambda c: c.when),
        ("Site", "", lambda c: _lab_field(c, "name")),
        ("Commentaire", "text.free", lambda c: _none_if_empty(c.note)),
    ),
)

JSONL = System(
    "dossiers",
    "dossiers.jsonl",
    "dossiers",
    0.15,
    (
        ("nom", "identity.last_name", lambda c: _upper(c.f.last)),
        ("nom_naissance", "identity.birth_name", lambda c: _none_if_empty(_upper(c.f.birth_name))),
        ("prenoms", "identity.first_name", lambda c: _upper(_given(c, True))),
        ("date_naissance", "identity.birth_date", lambda c: _dates(c.f.birth, "iso")),
        ("sexe", "identity.sex", lambda c: _sex(c, "F", "M")),
        ("nir", "national_id.nir", lambda c: _none_if_empty(c.f.nir)),
        ("adresse", "contact.address", lambda c: _upper(c.f.line1)),
        ("complement", "contact.address", lambda c: _none_if_empty(_upper(c.f.line2))),
        ("code_postal", "contact.postcode", lambda c: _commune_field(c, "postcode")),
        ("ville", "contact.city", lambda c: _upper(_commune_field(c, "name"))),
        ("telephone", "contact.phone", lambda c: _phones(c, (1, 3))),
        ("courriel", "contact.email", lambda c: _none_if_empty(c.f.email)),
        ("groupe_sanguin", "health.blood_group", lambda c: _none_if_empty(c.f.blood)),
        ("prescripteur", "provider.prescriber", lambda c: _doctor(c, "upper")),
        ("prescripteur_rpps", "provider.prescriber", _rpps),
        ("date_prelevement", "care.exam", lambda c: _dates(c.when, "iso")),
        ("finess_labo", "", lambda c: _lab_field(c, "finess")),
        ("remarque", "text.free", lambda c: _none_if_empty(c.note)),
    ),
)

SYSTEMS = (SQL, CSV, XLSX, JSONL)

# The relational shape (`--shape relational`): one laboratory information system whose
# patients and requests are separate tables; results live in vigie.synth.analytes.
LIS_PATIENTS = (
    ("NOM", "identity.last_name", lambda c: _upper(c.f.last)),
    ("NOM_NAISSANCE", "identity.birth_name", lambda c: _none_if_empty(_upper(c.f.birth_name))),
    ("PRENOM", "identity.first_name", lambda c: _upper(_given(c, False))),
    ("DATE_NAISSANCE", "identity.birth_date", lambda c: _dates(c.f.birth, "iso")),
    ("SEXE", "identity.sex", lambda c: _sex(c, "F", "M")),
    ("NIR", "national_id.nir", lambda c: _none_if_empty(c.f.nir)),
    ("ADRESSE1", "contact.address", lambda c: _upper(c.f.line1)),
    ("ADRESSE2", "contact.address", lambda c: _none_if_empty(_upper(c.f.line2))),
    ("CP", "contact.postcode", lambda c: _commune_field(c, "postcode")),
    ("VILLE", "contact.city", lambda c: _upper(_commune_field(c, "name"))),
    ("TEL", "contact.phone", lambda c: _phones(c, (0, 1))),
    ("EMAIL", "contact.email", lambda c: _none_if_empty(c.f.email)),
    ("GROUPE_SANGUIN", "health.blood_group", lambda c: _none_if_empty(c.f.blood)),
)
LIS_DEMANDES = (
    ("DATE_PRELEV", "care.exam", lambda c: _dates(c.when, "sql")),
    ("MED_PRESC", "provider.prescriber", lambda c: _doctor(c, "upper")),
    ("RPPS_PRESC", "provider.prescriber", _rpps),
    ("COMMENTAIRE", "text.free", lambda c: _none_if_empty(c.note)),
)


def assign_labs(labs: list[Lab], rows_per_lab: np.ndarray) -> np.ndarray:
    """System index of each lab: biggest labs first, to the system furthest below its share."""
    total = max(int(rows_per_lab.sum()), 1)
    got = np.zeros(len(SYSTEMS))
    out = np.zeros(len(labs), dtype=np.int64)
    for i in np.argsort(-rows_per_lab, kind="stable").tolist():
        deficit = np.array([s.share for s in SYSTEMS]) - got / total
        k = int(np.argmax(deficit))
        out[i] = k
        got[k] += rows_per_lab[i]
    return out


def context(
    facts: RowFacts, exams: Exams, rows: np.ndarray, labs: list[Lab], doctors: Doctors
) -> Ctx:
    sub = RowFacts(**{f.name: getattr(facts, f.name)[rows] for f in dataclasses.fields(facts)})
    return Ctx(
        sub,
        exams.when[rows],
        exams.lab[rows],
        exams.doctor[rows],
        exams.note[rows],
        np.arange(1, len(rows) + 1),
        labs,
        doctors,
    )


def columns(system: System, ctx: Ctx) -> list[np.ndarray]:
    return [build(ctx) for _, _, build in system.columns]
