"""`vigie synth`: a realistic synthetic incident - leak files, registries, ground truth."""

from __future__ import annotations

import io
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from vigie.errors import InputError
from vigie.progress import Progress
from vigie.synth import exams as exams_mod
from vigie.synth import (
    labs,
    leak_writers,
    population,
    registries,
    relational,
    systems,
    truth,
    variation,
)
from vigie.synth.readme import RELATIONAL_README, TRUTH_README

SQL_TYPES = {
    "ID_EXAMEN": "int(11) NOT NULL AUTO_INCREMENT",
    "DDN": "date DEFAULT NULL",
    "DATE_PRELEV": "datetime DEFAULT NULL",
    "COMMENTAIRE": "text",
    "CP": "varchar(5) DEFAULT NULL",
    "SEXE": "char(1) DEFAULT NULL",
}


@dataclass
class SynthSummary:
    """What was written: counts and files (paths relative to `out`)."""

    out: str
    seed: int
    persons_in_leak: int
    persons_total: int
    exam_rows: int
    rows_per_file: dict[str, int] = field(default_factory=dict)
    registries: int = 0
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    shape: str = "flat"


SHAPES = ("flat", "relational")


def generate(
    out: Path,
    persons: int,
    seed: int,
    progress: bool = True,
    leak_share: float = population.LEAK_SHARE,
    shape: str = "flat",
) -> SynthSummary:
    """Write a synthetic incident of `persons` leaked patients under `out` (same seed, same bytes).

    The labs' registries also hold patients who are not in the leak (1 - `leak_share` of
    them, ~22 % by default; a lower share makes larger registries, for benchmarks).
    `shape`: `flat` (four lab systems' exports, one row per exam with its identity) or
    `relational` (the same people and exams as a LIS dump of patients, requests and
    results joined by keys, and its CSV export; see vigie.synth.relational).
    """
    if persons < 10:
        raise InputError("--persons must be at least 10", path=out)
    if shape not in SHAPES:
        raise InputError(f"--shape must be one of {', '.join(SHAPES)}", path=out)
    start = time.monotonic()
    for sub in ("leak", "registries", "truth"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    seeds = np.random.SeedSequence(seed).spawn(6)
    bar = Progress("synth", total=7, unit="steps", stream=None if progress else io.StringIO())
    with bar:
        pop = population.build(seeds[0], persons, leak_share)
        bar.advance()
        doctors = exams_mod.build_doctors(np.random.default_rng(seeds[1]))
        ex = _sorted(exams_mod.build(np.random.default_rng(seeds[2]), pop, doctors))
        facts = variation.build(np.random.default_rng(seeds[3]), pop, ex)
        bar.advance()
        summary = SynthSummary(str(out), seed, int(pop.in_leak.sum()), len(pop), len(ex))
        summary.shape = shape
        worker = None
        if shape == "flat":
            masks, worker = _write_leak(out, pop, ex, facts, doctors, summary, bar)
            row_person = ex.person
        else:
            lis = relational.build(np.random.default_rng(seeds[5]), pop, ex, facts, doctors)
            summary.rows_per_file = relational.write(out, lis, pop)
            row_person, masks = relational.person_masks(lis)
            bar.advance(4)
        links = _write_registries(np.random.default_rng(seeds[4]), out, pop, ex, summary)
        bar.advance()
        _write_persons(out, pop, ex, row_person, masks)
        _write_incident(out / "incident.yaml", pop)
        readme = TRUTH_README if shape == "flat" else TRUTH_README + RELATIONAL_README
        (out / "truth" / "README.md").write_text(readme, encoding="utf-8")
        truth.write_csv(
            out / "truth" / "registry_links.csv",
            ["person_id", "controller", "registry_file", "row", "patient_id"],
            links,
        )
        _join(worker)
        bar.advance()
    summary.files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    summary.seconds = round(time.monotonic() - start, 2)
    return summary


def _sorted(ex: exams_mod.Exams) -> exams_mod.Exams:
    order = np.argsort(ex.when, kind="stable")
    return exams_mod.Exams(
        *(
            getattr(ex, f)[order]
            for f in ("person", "when", "lab", "doctor", "note", "note_elements")
        )
    )


def _write_leak(
    out: Path,
    pop: population.Population,
    ex: exams_mod.Exams,
    facts: variation.RowFacts,
    doctors: exams_mod.Doctors,
    summary: SynthSummary,
    bar: Progress,
) -> tuple[np.ndarray, multiprocessing.process.BaseProcess | None]:
    """Write the leak files and the row truth: each exam row's element mask, the XLSX writer."""
    system_of_lab = systems.assign_labs(pop.labs, np.bincount(ex.lab, minlength=len(pop.labs)))
    system_of_row = system_of_lab[ex.lab]
    note_masks = truth.masks_from_strings(ex.note_elements)
    all_masks = np.zeros(len(ex), dtype=np.int64)
    tw = truth.TruthWriter(out / "truth")
    person_ids = pop.person_id
    worker = None
    for k in (2, 0, 1, 3):  # XLSX first: it is written by a second process meanwhile
        system = systems.SYSTEMS[k]
        rows = np.flatnonzero(system_of_row == k)
        ctx = systems.context(facts, ex, rows, pop.labs, doctors)
        arrays = systems.columns(system, ctx)
        names = [c[0] for c in system.columns]
        elements = [c[1] for c in system.columns]
        all_masks[rows] = truth.row_masks(elements, arrays, note_masks[rows])
        table = system.table
        tw.table(
            system.file,
            table,
            list(zip(names, elements, strict=True)),
            person_ids[ex.person[rows]],
            all_masks[rows],
            ex.note_elements[rows],
            facts.nir_status[rows],
        )
        path = out / "leak" / system.file
        summary.rows_per_file[system.file] = len(rows)
        if k == 2:
            worker = _start(leak_writers.write_xlsx, path, names, arrays)
        elif k == 0:
            labs_table = labs.labs_table(pop.labs)
            tw.columns += [[system.file, "laboratoires", n, ""] for n in labs_table[1]]
            leak_writers.write_sql(
                path,
                [
                    (
                        table,
                        names,
                        [SQL_TYPES.get(n, "varchar(120) DEFAULT NULL") for n in names],
                        arrays,
                    ),
                    labs_table,
                ],
            )
        elif k == 1:
            leak_writers.write_csv(path, names, arrays)
        else:
            leak_writers.write_jsonl(path, names, arrays)
        bar.advance()
    tw.close()
    return all_masks, worker


def _join(worker: multiprocessing.process.BaseProcess | None) -> None:
    if worker is not None:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError(f"the XLSX writer failed (exit {worker.exitcode})")


def _start(
    func: Callable[..., object], *args: object
) -> multiprocessing.process.BaseProcess | None:
    """Run a writer in a forked process where fork exists (Linux); inline elsewhere."""
    if "fork" not in multiprocessing.get_all_start_methods():
        func(*args)
        return None
    proc = multiprocessing.get_context("fork").Process(target=func, args=args)
    proc.start()
    return proc


def _write_registries(
    rng: np.random.Generator,
    out: Path,
    pop: population.Population,
    ex: exams_mod.Exams,
    summary: SynthSummary,
) -> list[tuple[str, ...]]:
    links: list[tuple[str, ...]] = []
    pid = pop.person_id
    recorded = pop.recorded_nir
    for lab in pop.labs:
        people = registries.patients_of(pop, ex.person, ex.lab, lab.index)
        file = f"{lab.slug}.csv"
        for person, row, ipp in registries.write_registry(
            rng, out / "registries" / file, pop, people, recorded
        ):
            links.append((pid[person], lab.name, f"registries/{file}", str(row), ipp))
    registries.write_controllers(out / "registries" / "controllers.csv", pop)
    summary.registries = len(pop.labs)
    return links


def _write_persons(
    out: Path,
    pop: population.Population,
    ex: exams_mod.Exams,
    row_person: np.ndarray,
    masks: np.ndarray,
) -> None:
    """persons.csv; `row_person` and `masks`: the person and elements of every leak row."""
    n = len(pop)
    person_mask = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(person_mask, row_person, masks)
    n_labs = len(pop.labs)
    pairs = np.concatenate([pop.lab.astype(np.int64), np.where(pop.lab2 >= 0, pop.lab2, pop.lab)])
    who = np.concatenate([np.arange(n), np.arange(n)])
    keys = np.unique(np.concatenate([who * n_labs + pairs, ex.person * n_labs + ex.lab]))
    finess = [lab.finess for lab in pop.labs]
    labs_of: list[list[str]] = [[] for _ in range(n)]
    for k in keys.tolist():
        labs_of[k // n_labs].append(finess[k % n_labs])
    hh = pop.hh
    pid = pop.person_id
    death = np.where(np.isnat(hh.death), "", np.datetime_as_string(hh.death))
    rows = zip(
        pid.tolist(),
        np.where(hh.female, "F", "M").tolist(),
        np.datetime_as_string(hh.birth).tolist(),
        hh.deceased.tolist(),
        death.tolist(),
        hh.minor.tolist(),
        [pid[h] if h >= 0 else "" for h in pop.holder.tolist()],
        [f"H{h + 1:07d}" for h in hh.household.tolist()],
        pop.nirs.birth_dep.tolist(),
        ["|".join(x) for x in labs_of],
        truth.to_strings(person_mask),
        pop.in_leak.tolist(),
        strict=True,
    )
    truth.write_csv(
        out / "truth" / "persons.csv",
        [
            "person_id",
            "sex",
            "birth_date",
            "deceased",
            "death_date",
            "minor",
            "nir_holder_person_id",
            "household_id",
            "birth_dep",
            "labs",
            "elements",
            "in_leak",
        ],
        rows,
    )


def _write_incident(path: Path, pop: population.Population) -> None:
    facts = {
        "title": "Fuite de données de laboratoires (incident synthétique)",
        "controller_sector": "health",
        "controllers": [
            {"name": lab.name, "dpo_email": f"dpo.{lab.slug}@example.org"} for lab in pop.labs
        ],
        "processor": "Éditeur de logiciel de laboratoire (synthétique)",
        "occurred_at": "2021-02-12T00:00:00+01:00",
        "aware_at": "2021-02-23T09:00:00+01:00",
        "breach_types": ["confidentiality"],
        "cause": "exfiltration",
        "malicious": True,
        "data_categories": ["identity", "contact", "national_id", "health", "genetic", "minors"],
        "persons": None,
        "encryption_state": "none",
        "backup_available": True,
        "exfiltration_confirmed": True,
        "published": True,
        "recipients_trusted": False,
        "data_recovered": False,
    }
    path.write_text(
        "# Synthetic incident written by `vigie synth` (no real person).\n"
        + yaml.safe_dump(facts, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
