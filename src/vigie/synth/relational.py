"""`vigie synth --shape relational`: the same people and exams, normalised as a LIS holds them.

A laboratory information system keeps one `patients` row per person and lab group (IPP key,
the identity as typed at the first visit; ~1.5 % of them registered twice, a second IPP
with the identity typed again), one `demandes` row per exam (request number, the patient's
IPP, lab, date, prescriber, note) and several `resultats` rows per request (analyte code,
label, value, unit; no identity of their own). The leak is a mysqldump of that database
with its PRIMARY / FOREIGN KEY declarations (`leak/sil_prod.sql`) and a CSV export of the
same tables with no declaration (`leak/csv/*.csv`). A few rows are deliberate orphans: a
patient purged while their requests stayed, a request deleted while its results stayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vigie.synth import analytes, labs, leak_writers, systems, truth
from vigie.synth.exams import Doctors, Exams
from vigie.synth.population import Population
from vigie.synth.variation import RowFacts

SQL_FILE = "sil_prod.sql"
CSV_DIR = "csv"
FIRST_IPP = 100_001
DUPLICATE_SHARE = 0.015  # patients with several requests registered twice in their lab group
ORPHAN_PATIENTS = 0.002  # patients rows purged while their requests stayed
ORPHAN_REQUESTS = 0.001  # requests deleted while their results stayed
TRUTH_EXTRA = ("parent_table", "parent_row", "orphan")
KEYS = {  # table -> (primary key, foreign keys (column, table, column))
    "demandes": (
        "ID_DEMANDE",
        (("IPP", "patients", "IPP"), ("ID_LABO", "laboratoires", "ID_LABO")),
    ),
    "laboratoires": ("ID_LABO", ()),
    "patients": ("IPP", ()),
    "resultats": ("ID_RESULTAT", (("ID_DEMANDE", "demandes", "ID_DEMANDE"),)),
}
PARENT = {"patients": "", "demandes": "patients", "resultats": "demandes"}  # whose person
_PATIENT_TYPES = {"DATE_NAISSANCE": "date DEFAULT NULL", "SEXE": "char(1) DEFAULT NULL"}
_TEXT = "varchar(120) DEFAULT NULL"


@dataclass
class Table:
    """One leak table: its columns (name, element, MySQL type, values) and each row's truth."""

    name: str
    columns: list[tuple[str, str, str, np.ndarray]]
    person: np.ndarray  # index into the population
    masks: np.ndarray
    note_elements: np.ndarray
    nir_status: np.ndarray
    parent_row: np.ndarray  # 0 = no parent row (identity row, or an orphan)
    orphan: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


@dataclass
class Lis:
    patients: Table
    demandes: Table
    resultats: Table


def build(
    rng: np.random.Generator,
    pop: Population,
    ex: Exams,
    facts: RowFacts,
    doctors: Doctors,
) -> Lis:
    """The three tables of people's data, from the flat shape's exams and row facts."""
    record_first, exam_record = _records(rng, pop, ex)
    n_rec, n_ex = len(record_first), len(ex)
    rec_kept = np.ones(n_rec, dtype=bool)
    rec_kept[_pick(rng, n_rec, ORPHAN_PATIENTS)] = False
    ex_kept = np.ones(n_ex, dtype=bool)
    ex_kept[_pick(rng, n_ex, ORPHAN_REQUESTS)] = False
    ipp = FIRST_IPP + np.arange(n_rec)  # records are numbered in order of creation
    rec_row = np.cumsum(rec_kept) * rec_kept  # patients row number, 0 when purged
    ex_row = np.cumsum(ex_kept) * ex_kept
    request_id = _request_ids(ex.when)
    patients = _patients(pop, ex, facts, doctors, record_first[rec_kept], ipp[rec_kept])
    demandes = _demandes(pop, ex, facts, doctors, ex_kept, request_id, ipp[exam_record])
    demandes.parent_row = rec_row[exam_record[ex_kept]]
    demandes.orphan = demandes.parent_row == 0
    age = (ex.when.astype("datetime64[D]") - pop.hh.birth[ex.person]).astype(int) // 365
    results = analytes.draw(rng, ex.note_elements, pop.hh.female[ex.person], age)
    resultats = _resultats(ex, results, request_id, ex_row)
    return Lis(patients, demandes, resultats)


def _pick(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """At least one row, about `share` of them."""
    return rng.choice(n, size=min(n, max(1, round(n * share))), replace=False)


def _records(rng: np.random.Generator, pop: Population, ex: Exams) -> tuple[np.ndarray, np.ndarray]:
    """(each record's first exam, each exam's record), records in order of creation.

    A record is a (person, lab group); a duplicate record takes the second exam of its
    person in the group and half of the later ones.
    """
    n = len(ex)
    _, group_of_lab = np.unique([lab.group for lab in pop.labs], return_inverse=True)
    key = ex.person.astype(np.int64) * (group_of_lab.max() + 1) + group_of_lab[ex.lab]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    order = np.argsort(inverse, kind="stable")  # exams by record, in time order
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    occurrence = np.empty(n, dtype=np.int64)
    occurrence[order] = np.arange(n) - starts[inverse[order]]
    dup = (counts >= 2) & (rng.random(len(counts)) < DUPLICATE_SHARE)
    dup_id = np.full(len(counts), -1)
    dup_id[dup] = len(counts) + np.arange(int(dup.sum()))
    moved = dup[inverse] & ((occurrence == 1) | ((occurrence > 1) & (rng.random(n) < 0.5)))
    record = np.where(moved, dup_id[inverse], inverse)
    first = np.full(len(counts) + int(dup.sum()), n)
    np.minimum.at(first, record, np.arange(n))
    creation = np.argsort(first, kind="stable")
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[creation] = np.arange(len(first))
    return first[creation], renumber[record]


def _request_ids(when: np.ndarray) -> np.ndarray:
    """YYMMDD + a 5-digit number within the day (exams come in time order)."""
    day = when.astype("datetime64[D]")
    _, first, inverse = np.unique(day, return_index=True, return_inverse=True)
    seq = np.arange(len(day)) - first[inverse] + 1
    text = np.datetime_as_string(day)
    yymmdd = np.array([int(s[2:4] + s[5:7] + s[8:10]) for s in text.tolist()], dtype=np.int64)
    return yymmdd * 100_000 + seq


def _patients(
    pop: Population,
    ex: Exams,
    facts: RowFacts,
    doctors: Doctors,
    first_exam: np.ndarray,
    ipp: np.ndarray,
) -> Table:
    ctx = systems.context(facts, ex, first_exam, pop.labs, doctors)
    columns = [("IPP", "", "int(11) NOT NULL", ipp)]
    columns += [
        (name, element, _PATIENT_TYPES.get(name, _TEXT), build(ctx))
        for name, element, build in systems.LIS_PATIENTS
    ]
    n = len(first_exam)
    return Table(
        "patients",
        columns,
        ex.person[first_exam],
        _masks(columns, np.zeros(n, dtype=np.int64)),
        np.full(n, "", dtype=object),
        facts.nir_status[first_exam],
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=bool),
    )


def _demandes(
    pop: Population,
    ex: Exams,
    facts: RowFacts,
    doctors: Doctors,
    kept: np.ndarray,
    request_id: np.ndarray,
    ipp: np.ndarray,
) -> Table:
    rows = np.flatnonzero(kept)
    ctx = systems.context(facts, ex, rows, pop.labs, doctors)
    types = {"DATE_PRELEV": "datetime DEFAULT NULL", "COMMENTAIRE": "text"}
    columns = [
        ("ID_DEMANDE", "", "bigint(20) NOT NULL", request_id[rows]),
        ("IPP", "", "int(11) NOT NULL", ipp[rows]),
        ("ID_LABO", "", "int(11) NOT NULL", ex.lab[rows] + 1),
    ]
    columns += [
        (name, element, types.get(name, _TEXT), build(ctx))
        for name, element, build in systems.LIS_DEMANDES
    ]
    notes = ex.note_elements[rows]
    n = len(rows)
    return Table(
        "demandes",
        columns,
        ex.person[rows],
        _masks(columns, truth.masks_from_strings(notes)),
        notes,
        np.full(n, "", dtype=object),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=bool),
    )


def _resultats(
    ex: Exams, results: analytes.Results, request_id: np.ndarray, ex_row: np.ndarray
) -> Table:
    result_id, code, label, value, unit = analytes.columns(results)
    columns = [
        ("ID_RESULTAT", "", "int(11) NOT NULL AUTO_INCREMENT", result_id),
        ("ID_DEMANDE", "", "bigint(20) NOT NULL", request_id[results.exam]),
        ("CODE_ANALYSE", "", "varchar(12) DEFAULT NULL", code),
        ("LIBELLE", "text.free", _TEXT, label),
        ("VALEUR", "health.result", "varchar(40) DEFAULT NULL", value),
        ("UNITE", "", "varchar(20) DEFAULT NULL", unit),
    ]
    from_label = analytes.label_elements(results.analyte)
    parent = ex_row[results.exam]
    n = len(results)
    return Table(
        "resultats",
        columns,
        ex.person[results.exam],
        _masks(columns, truth.masks_from_strings(from_label)),
        from_label,
        np.full(n, "", dtype=object),
        parent,
        parent == 0,
    )


def _masks(columns: list[tuple[str, str, str, np.ndarray]], note_mask: np.ndarray) -> np.ndarray:
    return truth.row_masks([c[1] for c in columns], [c[3] for c in columns], note_mask)


def write(out: Path, lis: Lis, pop: Population) -> dict[str, int]:
    """Write the dump, the CSV export and their truth; return rows per leak file."""
    leak = out / "leak"
    (leak / CSV_DIR).mkdir(parents=True, exist_ok=True)
    lab_name, lab_cols, lab_types, lab_arrays = labs.labs_table(pop.labs)
    people = (lis.demandes, lis.patients, lis.resultats)
    specs: dict[str, tuple[list[str], list[str], list[np.ndarray]]] = {
        t.name: ([c[0] for c in t.columns], [c[2] for c in t.columns], [c[3] for c in t.columns])
        for t in people
    }
    specs[lab_name] = (lab_cols, lab_types, lab_arrays)
    order = sorted(specs)  # mysqldump writes tables in name order
    sql_keys = {name: leak_writers.SqlKeys(pk, tuple(fks)) for name, (pk, fks) in KEYS.items()}
    leak_writers.write_sql(leak / SQL_FILE, [(t, *specs[t]) for t in order], sql_keys)
    rows = {SQL_FILE: sum(len(t) for t in people)}
    for name in order:
        cols, _, arrays = specs[name]
        leak_writers.write_csv(leak / CSV_DIR / f"{name}.csv", cols, arrays)
        rows[f"{CSV_DIR}/{name}.csv"] = len(arrays[0])
    _write_truth(out / "truth", people, lab_cols, pop)
    return rows


def _write_truth(
    out: Path, people: tuple[Table, ...], lab_cols: list[str], pop: Population
) -> None:
    tw = truth.TruthWriter(out, TRUTH_EXTRA)
    pid = pop.person_id
    for file in (SQL_FILE, None):
        for t in people:
            name = file or f"{CSV_DIR}/{t.name}.csv"
            parent_row = np.where(t.parent_row > 0, t.parent_row.astype(str), "")
            tw.table(
                name,
                t.name,
                [(c[0], c[1]) for c in t.columns],
                pid[t.person],
                t.masks,
                t.note_elements,
                t.nir_status,
                (np.full(len(t), PARENT[t.name], dtype=object), parent_row, t.orphan),
            )
        name = file or f"{CSV_DIR}/laboratoires.csv"
        tw.columns += [[name, "laboratoires", c, ""] for c in lab_cols]
    tw.close()
    keys = []
    for declared in (True, False):
        for table, (primary, foreign) in sorted(KEYS.items()):
            file = SQL_FILE if declared else f"{CSV_DIR}/{table}.csv"
            keys.append([file, table, primary, "", "", "", "primary", declared])
            for col, ref, ref_col in foreign:
                ref_file = SQL_FILE if declared else f"{CSV_DIR}/{ref}.csv"
                keys.append([file, table, col, ref_file, ref, ref_col, "foreign", declared])
    truth.write_csv(
        out / "keys.csv",
        ["file", "table", "column", "ref_file", "ref_table", "ref_column", "kind", "declared"],
        keys,
    )


def person_masks(lis: Lis) -> tuple[np.ndarray, np.ndarray]:
    """(person, mask) of every leak row, for persons.csv."""
    tables = (lis.patients, lis.demandes, lis.resultats)
    return (
        np.concatenate([t.person for t in tables]),
        np.concatenate([t.masks for t in tables]),
    )
