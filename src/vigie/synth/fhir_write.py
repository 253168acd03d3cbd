"""Write the FHIR shape: one NDJSON file per resource type, and its ground truth.

Rows are assembled from their columns (a FHIR path and a value each) into JSON objects,
written one per line as a Bulk Data export does. The truth comes from the same columns:
`leak_rows.csv` in the relational shape's format (each resource's person, elements, and
the Patient row that gives it its person, or `orphan`), `columns.csv` (each stored
column's element; for a column whose element depends on the row, the most frequent one),
and `keys.csv` (each type's `id`, each reference's resolved-id column as a foreign key).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from vigie.synth import relational, truth
from vigie.synth.fhir import FOLDER, Col, Resources
from vigie.synth.population import Population

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def resolved(path: str, target: str) -> str:
    """The column the reader adds beside a reference (vigie.ingest.readers.fhir_flatten)."""
    return f"{path}.resolve().ofType({target}).id"


def _tokens(path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _TOKEN.findall(path)]


def _set(obj: dict[str, Any], tokens: list[str | int], value: Any) -> None:
    here: Any = obj
    for token, after in pairwise(tokens):
        if isinstance(token, int):
            while len(here) <= token:
                here.append([] if isinstance(after, int) else {})
            here = here[token]
        else:
            here = here.setdefault(token, [] if isinstance(after, int) else {})
    last = tokens[-1]
    if isinstance(last, int):
        while len(here) <= last:
            here.append(None)
        here[last] = value
    else:
        here[last] = value


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def write_ndjson(path: Path, table: Resources) -> None:
    columns = [(_tokens(c.path), c.values.tolist(), c.number) for c in table.columns]
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for i in range(len(table)):
            obj: dict[str, Any] = {}
            for tokens, values, number in columns:
                value = values[i]
                if value is not None:
                    _set(obj, tokens, _number(value) if number else value)
            handle.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")


def _present(col: Col) -> np.ndarray:
    return np.array([v is not None and v != "" for v in col.values.tolist()], dtype=bool)


def _majority(col: Col, present: np.ndarray) -> str:
    if isinstance(col.element, str):
        return col.element
    counts = Counter(col.element[present].tolist())
    return max(sorted(counts), key=lambda e: counts[e]) if counts else ""


def _masks(table: Resources) -> np.ndarray:
    mask = truth.masks_from_strings(table.extra)
    for col in table.columns:
        present = _present(col)
        if isinstance(col.element, str):
            if col.element and col.element != "text.free":
                mask[present] |= truth.BIT[col.element]
        else:
            for element in set(col.element[present].tolist()) - {""}:
                mask[present & (col.element == element)] |= truth.BIT[element]
    return mask


def _truth_columns(table: Resources) -> list[tuple[str, str]]:
    """(stored column, element) of the columns holding at least one value."""
    out = []
    kept = {c.path for c in table.columns if _present(c).any()}
    for col in table.columns:
        if col.path in kept:
            out.append((col.path, _majority(col, _present(col))))
    for path, target in table.references:
        if f"{path}.reference" in kept:
            out.append((resolved(path, target), ""))
    return out


def write(out: Path, tables: list[Resources], pop: Population) -> dict[str, int]:
    """Write leak/fhir/*.ndjson and truth/; return the rows of each leak file."""
    folder = out / "leak" / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rows = {}
    for table in tables:
        write_ndjson(folder / f"{table.type}.ndjson", table)
        rows[f"{FOLDER}/{table.type}.ndjson"] = len(table)
    _write_truth(out / "truth", tables, pop)
    return rows


def _write_truth(out: Path, tables: list[Resources], pop: Population) -> None:
    tw = truth.TruthWriter(out, relational.TRUTH_EXTRA)
    keys = []
    for table in tables:
        file = f"{FOLDER}/{table.type}.ndjson"
        columns = _truth_columns(table)
        stored = {c for c, _ in columns}
        keys.append([file, table.type, "id", "", "", "", "primary", True])
        for path, target in table.references:
            if resolved(path, target) in stored:
                ref_file = f"{FOLDER}/{target}.ndjson"
                keys.append([file, table.type, resolved(path, target), ref_file, target, "id",
                             "foreign", True])  # fmt: skip
        if (table.person < 0).all():  # about no person (the labs): columns only
            tw.columns += [[file, table.type, c, e] for c, e in columns]
            continue
        n = len(table)
        parent = np.where(table.parent_row > 0, table.parent_row.astype(str), "")
        status = table.nir_status if table.nir_status is not None else np.full(n, "", object)
        tw.table(
            file,
            table.type,
            columns,
            pop.person_id[table.person],
            _masks(table),
            table.extra,
            status,
            (
                np.full(n, "" if table.type == "Patient" else "Patient", dtype=object),
                parent,
                table.orphan,
            ),
        )
    tw.close()
    truth.write_csv(
        out / "keys.csv",
        ["file", "table", "column", "ref_file", "ref_table", "ref_column", "kind", "declared"],
        keys,
    )


def person_masks(tables: list[Resources]) -> tuple[np.ndarray, np.ndarray]:
    """(person, mask) of every leak row about a person, for persons.csv."""
    about = [t for t in tables if (t.person >= 0).all()]
    return (
        np.concatenate([t.person for t in about]),
        np.concatenate([_masks(t) for t in about]),
    )


FHIR_README = """
## The FHIR shape (`--shape fhir`)
The same people and exams as the relational shape, exported by a FHIR R4 server's Bulk
Data API: `leak/fhir/<Type>.ndjson`, one resource per line, one file per type.

- `Patient`: one per row of the relational `patients` table (same duplicates, same purged
  rows): `identifier[0]` the IPP, `identifier[1]` the NIR (system urn:oid:1.2.250.1.213.1.4.8,
  type `INS-NIR` for a qualified identity -> `national_id.ins`, type `NH` for a number
  typed at the desk -> `national_id.nir`), names (`name[1]` the birth name), telecom
  (`telecom[0]` the phone, or the e-mail when there is no phone), sex, birth date, address.
- `ServiceRequest` and `DiagnosticReport`: one each per kept request (prescriber, note;
  dates, `result[k]` -> Observation).
- `Observation`: one per result (LOINC code, label, value) and one per patient's blood
  group (LOINC 882-1, `valueCodeableConcept.text` -> `health.blood_group`).
- `Condition`: one per patient record and HIV or cancer note (ICD-10 code ->
  `health.diagnosis`, label -> the element it names).
- `Organization`: the 28 labs (no personal data, no rows in leak_rows.csv).

Every resource but the Patient names its patient (`subject`): leak_rows.csv's
`parent_table` is `Patient` and `parent_row` that Patient's row; `orphan` is True when
the patient was purged (the resource points to a Patient in no file). A result whose
request was deleted still reaches its person through its own `subject`.
columns.csv lists the stored columns (FHIR paths, and the `X.resolve().ofType(T).id`
columns ingest adds beside references); keys.csv each type's `id` and each reference as a
declared foreign key (`declared` True: the FHIR reader declares them).
"""
