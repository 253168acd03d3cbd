"""`vigie synth --shape fhir`: the relational shape's people and exams as FHIR R4 resources.

The same LIS rows (vigie.synth.relational) exported through a FHIR server's Bulk Data API:
one NDJSON file per resource type under `leak/fhir/`.

- Patient, one per `patients` row: IPP and NIR identifiers, names, sex, birth date,
  address, telecom;
- ServiceRequest, one per `demandes` row: request number, sampling date, prescriber (name
  and idNatPS), the note; -> subject (Patient), performer (Organization);
- DiagnosticReport, one per `demandes` row: sampling and release dates; -> subject,
  basedOn (ServiceRequest), performer, result[k] (Observation);
- Observation, one per `resultats` row (LOINC code, label, value; -> subject, basedOn,
  performer) and one per patient's blood group (-> subject);
- Condition, one per patient record and HIV or cancer note: ICD-10 code, label; -> subject;
- Organization, one per lab: FINESS, name, address.

Every resource names its patient (`subject`): a result whose request was deleted still
reaches its person; one whose patient was purged is an orphan (its `Patient/<id>` is in
no file). A NIR from the INS service (`valid`, INS_SHARE of them) is an INS-NIR
identifier; one typed at the desk (mistyped, provisional, a parent's, or the other valid
ones) is FR Core's NSS slice (type NH): scan tells them by the identifier's type.

Each table is built as columns named by FHIR paths (a path, its element for the truth,
its values); fhir_write.py turns the rows into JSON and writes the truth from the same
columns, so what the truth says is what the files hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vigie.synth import labs, relational
from vigie.synth.exams import Exams
from vigie.synth.population import Population

FOLDER = "fhir"
INS_SHARE = 0.7  # valid NIRs carried as an INS-NIR (qualified identity) rather than an NSS
IPP_SYSTEM = "https://sil-prod.example.org/fhir/NamingSystem/ipp"
REQUEST_SYSTEM = "https://sil-prod.example.org/fhir/NamingSystem/demande"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
FR_CORE_0203 = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
INS_NIR, ID_NAT_PS = "urn:oid:1.2.250.1.213.1.4.8", "urn:oid:1.2.250.1.71.4.2.1"
FINESS = "urn:oid:1.2.250.1.71.4.2.2"
LOINC, UCUM, ICD10 = (
    "http://loinc.org",
    "http://unitsofmeasure.org",
    "http://hl7.org/fhir/sid/icd-10",
)
TZ = "+01:00"
# Synthetic data: LOINC codes picked for realism, one per analyte of analytes.ANALYTES.
LOINC_OF = {
    "HB": "718-7", "PLQ": "777-3", "GB": "6690-2", "GLY": "1558-6", "CREA": "2160-0",
    "K": "2823-3", "CRP": "1988-5", "TSH": "3016-3", "LDL": "13457-7", "FERR": "2276-4",
    "HBA1C": "4548-4", "INR": "6301-6", "LITH": "14334-7", "PSA": "2857-1", "CA153": "6875-9",
    "HCG": "21198-7", "TOXO": "8039-6", "VIH": "56888-1", "CVVIH": "20447-9", "HFE": "21695-2",
}  # fmt: skip
UCUM_OF = {"G/L": "10*9/L", "µmol/L": "umol/L", "mUI/L": "m[IU]/L", "µg/L": "ug/L",
           "UI/L": "[IU]/L", "copies/mL": "{copies}/mL"}  # fmt: skip
BLOOD = ("882-1", "Groupe sanguin ABO RhD")
REPORT = ("11502-2", "Compte rendu de biologie médicale")
CONDITIONS = {  # note element -> (ICD-10 code and label for women, for men)
    "health.hiv": (("B24", "Infection par le VIH"), ("B24", "Infection par le VIH")),
    "health.cancer": (("C50.9", "Cancer du sein"), ("C61", "Cancer de la prostate")),
}


@dataclass
class Col:
    """One column: its FHIR path, its element (one for all rows, or each row's), values."""

    path: str
    element: str | np.ndarray
    values: np.ndarray
    number: bool = False  # written as a JSON number


@dataclass
class Resources:
    """The rows of one resource type, with each row's truth."""

    type: str
    columns: list[Col]
    person: np.ndarray  # index into the population; -1: about no person (a lab)
    extra: np.ndarray  # elements a row's text exposes ('a|b': a note, a label)
    parent_row: np.ndarray  # the Patient row giving the row its person (0: none)
    orphan: np.ndarray
    references: list[tuple[str, str]] = field(default_factory=list)  # (path, target type)
    nir_status: np.ndarray | None = None  # Patient rows: the NIR's status (truth)

    def __len__(self) -> int:
        return len(self.person)


def _obj(values: Any, n: int | None = None) -> np.ndarray:
    if isinstance(values, str) or values is None:
        assert n is not None
        return np.full(n, values, dtype=object)
    return np.asarray(values, dtype=object)


def _if(cond: Any, then: Any, other: Any = None) -> np.ndarray:
    """`then` where `cond` holds, else `other` (scalars, None or arrays), as objects."""
    cond = np.asarray(cond, dtype=bool)
    n = len(cond)
    return np.where(
        cond,
        _obj(then, n) if then is None or isinstance(then, str) else _obj(then),
        _obj(other, n) if other is None or isinstance(other, str) else _obj(other),
    )


def _when(when: np.ndarray) -> np.ndarray:
    text = np.datetime_as_string(when.astype("datetime64[s]"), unit="s")
    return np.char.add(text.astype(str), TZ).astype(object)


def uuids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Version-4 UUIDs drawn from `rng` (a server's ids; 36 characters, not id-like)."""
    raw = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64)
    out = []
    for hi, lo in raw.tolist():
        h = f"{hi:016x}{lo:016x}"
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}")
    return np.array(out, dtype=object)


def _ref(col: str, target: str, ids: np.ndarray) -> Col:
    values = _if(ids == None, None, np.char.add(f"{target}/", ids.astype(str)))  # noqa: E711
    return Col(f"{col}.reference", "", values.astype(object))


@dataclass
class Ids:
    record: np.ndarray  # Patient id of each patient record, by IPP - FIRST_IPP
    request: np.ndarray  # ServiceRequest id of each exam (deleted requests too)
    report: np.ndarray  # DiagnosticReport id of each exam
    result: np.ndarray  # Observation id of each result
    blood: np.ndarray  # Observation id of each patients row's blood group
    lab: np.ndarray  # Organization id of each lab


def make_ids(rng: np.random.Generator, lis: relational.Lis, n_exams: int, n_labs: int) -> Ids:
    records = int(lis.exam_ipp.max(initial=relational.FIRST_IPP)) - relational.FIRST_IPP + 1
    # a deleted request had its id too: its results still point to it (`basedOn`)
    return Ids(uuids(rng, records), uuids(rng, n_exams), uuids(rng, n_exams),
               uuids(rng, len(lis.result_exam)), uuids(rng, len(lis.patients)),
               uuids(rng, n_labs))  # fmt: skip


def patients(rng: np.random.Generator, lis: relational.Lis, ids: Ids) -> Resources:
    t = lis.patients
    c = {name: values for name, _, _, values in t.columns}
    n = len(t)
    nir = c["NIR"]
    has_nir = np.array([v is not None for v in nir.tolist()])
    ins = has_nir & (t.nir_status == "valid") & (rng.random(n) < INS_SHARE)
    second = np.array([v is not None for v in c["NOM_NAISSANCE"].tolist()])
    phone = np.array([v is not None for v in c["TEL"].tolist()])
    email = np.array([v is not None for v in c["EMAIL"].tolist()])
    line2 = c["ADRESSE2"]
    cols = [
        Col("resourceType", "", _obj("Patient", n)),
        Col("id", "", ids.record[c["IPP"] - relational.FIRST_IPP]),
        Col("identifier[0].use", "", _obj("usual", n)),
        Col("identifier[0].type.coding[0].system", "", _obj(V2_0203, n)),
        Col("identifier[0].type.coding[0].code", "", _obj("PI", n)),
        Col("identifier[0].system", "", _obj(IPP_SYSTEM, n)),
        Col("identifier[0].value", "", c["IPP"].astype(str).astype(object)),
        Col("identifier[1].use", "", _if(has_nir, "official", None)),
        Col("identifier[1].type.coding[0].system", "",
            _if(has_nir, _if(ins, FR_CORE_0203, V2_0203), None)),
        Col("identifier[1].type.coding[0].code", "",
            _if(has_nir, _if(ins, "INS-NIR", "NH"), None)),
        Col("identifier[1].system", "", _if(has_nir, INS_NIR, None)),
        Col("identifier[1].value", _if(ins, "national_id.ins", "national_id.nir"), nir),
        Col("name[0].use", "", _obj("usual", n)),
        Col("name[0].family", "identity.last_name", c["NOM"]),
        Col("name[0].given[0]", "identity.first_name", c["PRENOM"]),
        Col("name[1].use", "", _if(second, "official", None)),
        Col("name[1].family", "identity.birth_name", c["NOM_NAISSANCE"]),
        Col("name[1].given[0]", "identity.first_name", _if(second, c["PRENOM"], None)),
        Col("telecom[0].system", "", _if(phone, "phone", _if(email, "email", None))),
        Col("telecom[0].value", _if(phone, "contact.phone", "contact.email"),
            _if(phone, c["TEL"], c["EMAIL"])),
        Col("telecom[1].system", "", _if(phone & email, "email", None)),
        Col("telecom[1].value", "contact.email", _if(phone & email, c["EMAIL"], None)),
        Col("gender", "identity.sex", _if(c["SEXE"] == "F", "female", "male")),
        Col("birthDate", "identity.birth_date", c["DATE_NAISSANCE"]),
        Col("address[0].line[0]", "contact.address", c["ADRESSE1"]),
        Col("address[0].line[1]", "contact.address", line2),
        Col("address[0].postalCode", "contact.postcode", c["CP"]),
        Col("address[0].city", "contact.city", c["VILLE"]),
        Col("address[0].country", "", _obj("FR", n)),
    ]  # fmt: skip
    zero = np.zeros(n, dtype=np.int64)
    return Resources("Patient", cols, t.person, _obj("", n), zero, zero.astype(bool), [],
                     t.nir_status)  # fmt: skip


def _subject(lis: relational.Lis, ids: Ids, exams: np.ndarray) -> tuple[Col, np.ndarray]:
    """The `subject` of rows about these exams, and each row's Patient row (0: purged)."""
    record = ids.record[lis.exam_ipp[exams] - relational.FIRST_IPP]
    return _ref("subject", "Patient", record), lis.exam_patient_row[exams]


def requests(lis: relational.Lis, ex: Exams, ids: Ids) -> Resources:
    t = lis.demandes
    c = {name: values for name, _, _, values in t.columns}
    exams = lis.request_exam
    n = len(exams)
    rpps = np.array([v if v else None for v in c["RPPS_PRESC"].tolist()], dtype=object)
    has = np.array([v is not None for v in rpps.tolist()])
    subject, row = _subject(lis, ids, exams)
    cols = [
        Col("resourceType", "", _obj("ServiceRequest", n)),
        Col("id", "", ids.request[exams]),
        Col("identifier[0].system", "", _obj(REQUEST_SYSTEM, n)),
        Col("identifier[0].value", "", c["ID_DEMANDE"].astype(str).astype(object)),
        Col("status", "", _obj("completed", n)),
        Col("intent", "", _obj("order", n)),
        Col("code.text", "text.free", _obj("Bilan de biologie médicale", n)),
        subject,
        Col("occurrenceDateTime", "care.exam", _when(ex.when[exams])),
        Col("requester.display", "provider.prescriber", c["MED_PRESC"]),
        Col("requester.identifier.system", "", _if(has, ID_NAT_PS, None)),
        Col("requester.identifier.value", "provider.prescriber",
            _if(has, np.char.add("8", rpps.astype(str)), None)),
        _ref("performer[0]", "Organization", ids.lab[ex.lab[exams]]),
        Col("note[0].text", "text.free", c["COMMENTAIRE"]),
    ]  # fmt: skip
    refs = [("subject", "Patient"), ("performer[0]", "Organization")]
    return Resources("ServiceRequest", cols, t.person, t.note_elements, row, row == 0, refs)


def reports(lis: relational.Lis, ex: Exams, ids: Ids) -> Resources:
    exams = lis.request_exam
    n = len(exams)
    subject, row = _subject(lis, ids, exams)
    # results are in exam order: each request's results are one run of them
    start = np.searchsorted(lis.result_exam, exams, side="left")
    count = np.searchsorted(lis.result_exam, exams, side="right") - start
    cols = [
        Col("resourceType", "", _obj("DiagnosticReport", n)),
        Col("id", "", ids.report[exams]),
        Col("status", "", _obj("final", n)),
        Col("category[0].coding[0].system", "", _obj(V2_0074, n)),
        Col("category[0].coding[0].code", "", _obj("LAB", n)),
        Col("code.coding[0].system", "", _obj(LOINC, n)),
        Col("code.coding[0].code", "", _obj(REPORT[0], n)),
        Col("code.coding[0].display", "text.free", _obj(REPORT[1], n)),
        subject,
        _ref("basedOn[0]", "ServiceRequest", ids.request[exams]),
        Col("effectiveDateTime", "care.exam", _when(ex.when[exams])),
        Col("issued", "care.exam", _when(ex.when[exams] + np.timedelta64(1, "D"))),
        _ref("performer[0]", "Organization", ids.lab[ex.lab[exams]]),
    ]
    refs = [("subject", "Patient"), ("basedOn[0]", "ServiceRequest"),
            ("performer[0]", "Organization")]  # fmt: skip
    for k in range(int(count.max(initial=0))):
        has = count > k
        result = _if(has, ids.result[np.minimum(start + k, len(ids.result) - 1)], None)
        cols.append(_ref(f"result[{k}]", "Observation", result))
        refs.append((f"result[{k}]", "Observation"))
    person = ex.person[exams]
    return Resources("DiagnosticReport", cols, person, _obj("", n), row, row == 0, refs)


def observations(lis: relational.Lis, ex: Exams, ids: Ids) -> Resources:
    """Each patient's blood group (when recorded), then every result."""
    p = lis.patients
    blood = {name: values for name, _, _, values in p.columns}["GROUPE_SANGUIN"]
    typed = np.flatnonzero([v is not None for v in blood.tolist()])
    nb = len(typed)
    r = {name: values for name, _, _, values in lis.resultats.columns}
    exams = lis.result_exam
    nr = len(exams)
    n = nb + nr
    subject, row = _subject(lis, ids, exams)
    ipp = {name: values for name, _, _, values in p.columns}["IPP"]
    own = ids.record[ipp[typed] - relational.FIRST_IPP]

    def both(first: Any, then: Any) -> np.ndarray:
        return np.concatenate([_obj(first, nb), _obj(then, nr)])

    value = r["VALEUR"]
    numeric = np.array(
        [v is not None and v.replace(".", "", 1).isdigit() for v in value.tolist()], dtype=bool
    )
    unit = r["UNITE"]
    has_unit = np.array([u is not None for u in unit.tolist()], dtype=bool)
    ucum = np.array([UCUM_OF.get(u, u) for u in unit.tolist()], dtype=object)
    cols = [
        Col("resourceType", "", _obj("Observation", n)),
        Col("id", "", both(ids.blood[typed], ids.result)),
        Col("status", "", both("final", _if(value == None, "registered", "final"))),  # noqa: E711
        Col("category[0].coding[0].system", "",
            _obj("http://terminology.hl7.org/CodeSystem/observation-category", n)),
        Col("category[0].coding[0].code", "", _obj("laboratory", n)),
        Col("code.coding[0].system", "", _obj(LOINC, n)),
        Col("code.coding[0].code", "", both(BLOOD[0], [LOINC_OF[x] for x in r["CODE_ANALYSE"]])),
        Col("code.coding[0].display", "text.free", both(BLOOD[1], r["LIBELLE"])),
        Col("subject.reference", "",
            np.concatenate([np.char.add("Patient/", own.astype(str)).astype(object),
                            subject.values])),
        _ref_both("basedOn[0]", "ServiceRequest", nb, ids.request[exams]),
        Col("effectiveDateTime", "care.exam", both(None, _when(ex.when[exams]))),
        _ref_both("performer[0]", "Organization", nb, ids.lab[ex.lab[exams]]),
        Col("valueQuantity.value", "health.result",
            both(None, _if(numeric, value, None)), number=True),
        Col("valueQuantity.unit", "", both(None, _if(numeric, unit, None))),
        Col("valueQuantity.system", "", both(None, _if(numeric & has_unit, UCUM, None))),
        Col("valueQuantity.code", "", both(None, _if(numeric & has_unit, ucum, None))),
        Col("valueString", "health.result", both(None, _if(numeric, None, value))),
        Col("valueCodeableConcept.text", "health.blood_group", both(blood[typed], None)),
    ]  # fmt: skip
    person = np.concatenate([p.person[typed], ex.person[exams]])
    extra = np.concatenate([_obj("", nb), lis.resultats.note_elements])
    parent = np.concatenate([typed + 1, row])
    orphan = np.concatenate([np.zeros(nb, dtype=bool), row == 0])
    refs = [("subject", "Patient"), ("basedOn[0]", "ServiceRequest"),
            ("performer[0]", "Organization")]  # fmt: skip
    return Resources("Observation", cols, person, extra, parent, orphan, refs)


def _ref_both(path: str, target: str, first: int, ids: np.ndarray) -> Col:
    return _ref(path, target, np.concatenate([np.full(first, None, dtype=object), ids]))


def conditions(
    rng: np.random.Generator, lis: relational.Lis, ex: Exams, ids: Ids, pop: Population
) -> Resources:
    """A Condition per patient record and HIV or cancer note, recorded at its first exam."""
    exams = lis.request_exam
    notes = lis.demandes.note_elements
    rows: list[tuple[int, str]] = []
    seen: set[tuple[int, str]] = set()
    for exam, note in zip(exams.tolist(), notes.tolist(), strict=True):
        for element in CONDITIONS:
            key = (int(lis.exam_ipp[exam]), element)
            if element in note and key not in seen:
                seen.add(key)
                rows.append((exam, element))
    at = np.array([e for e, _ in rows], dtype=np.int64)
    female = pop.hh.female[ex.person[at]]
    code = [CONDITIONS[el][0 if f else 1] for (_, el), f in zip(rows, female.tolist(), strict=True)]
    n = len(rows)
    subject, row = _subject(lis, ids, at)
    cols = [
        Col("resourceType", "", _obj("Condition", n)),
        Col("id", "", uuids(rng, n)),
        Col("clinicalStatus.coding[0].system", "",
            _obj("http://terminology.hl7.org/CodeSystem/condition-clinical", n)),
        Col("clinicalStatus.coding[0].code", "", _obj("active", n)),
        Col("code.coding[0].system", "", _obj(ICD10, n)),
        Col("code.coding[0].code", "health.diagnosis", _obj([c for c, _ in code])),
        Col("code.coding[0].display", "text.free", _obj([label for _, label in code])),
        subject,
        Col("recordedDate", "", _obj([s[:10] for s in _when(ex.when[at]).tolist()])),
    ]  # fmt: skip
    extra = _obj([el for _, el in rows])
    return Resources("Condition", cols, ex.person[at], extra, row, row == 0,
                     [("subject", "Patient")])  # fmt: skip


def organizations(pop: Population, ids: Ids) -> Resources:
    _, _, _, arrays = labs.labs_table(pop.labs)
    n = len(pop.labs)
    cols = [
        Col("resourceType", "", _obj("Organization", n)),
        Col("id", "", ids.lab),
        Col("identifier[0].system", "", _obj(FINESS, n)),
        Col("identifier[0].value", "", arrays[2]),
        Col("name", "", arrays[1]),
        Col("address[0].line[0]", "", arrays[3]),
        Col("address[0].postalCode", "", arrays[4]),
        Col("address[0].city", "", arrays[5]),
    ]
    zero = np.zeros(n, dtype=np.int64)
    return Resources("Organization", cols, zero - 1, _obj("", n), zero, zero.astype(bool))


def build(
    rng: np.random.Generator, lis: relational.Lis, ex: Exams, pop: Population
) -> list[Resources]:
    """Every resource type's rows, in the order the files are written."""
    ids = make_ids(rng, lis, len(ex), len(pop.labs))
    return [
        patients(rng, lis, ids),
        observations(lis, ex, ids),
        requests(lis, ex, ids),
        reports(lis, ex, ids),
        conditions(rng, lis, ex, ids, pop),
        organizations(pop, ids),
    ]
