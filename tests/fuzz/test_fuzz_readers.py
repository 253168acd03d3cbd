"""Every reader, fed mutations of valid seeds: a table or a one-line InputError, nothing else."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import TALLIES
from tests.fuzz.harness import Tally, Worker, budget_seconds, mutate, plans, record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHORT_BUDGET = 6.0  # seconds per reader in `make test`; 15 readers make 90 s
ROWS = [
    ["nir", "nom", "naissance"],
    ["185057800608436", "Lefèvre", "1985-05-12"],
    ["0123", "", "x"],
]


def _xlsx(path: Path) -> bytes:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Patients")
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return path.read_bytes()


def _parquet(path: Path) -> bytes:
    pq.write_table(pa.table({h: [r[i] for r in ROWS[1:]] for i, h in enumerate(ROWS[0])}), path)
    return path.read_bytes()


def fhir_seeds(reader: str) -> list[tuple[str, bytes]]:
    """A Bundle with a urn reference, a Patient and an Observation in NDJSON."""
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": ROWS[1][0]}],
        "name": [{"family": ROWS[1][1], "given": ["Léa"]}],
        "birthDate": ROWS[1][2],
        "telecom": [{"system": "phone", "value": "0612345678"}],
    }
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "code": {"coding": [{"system": "http://loinc.org", "code": "718-7", "display": "Hb"}]},
        "subject": {"reference": "urn:uuid:1" if reader == "fhir_json" else "Patient/p1"},
        "valueQuantity": {"value": 12.5, "unit": "g/dL"},
        "component": [{"valueString": "x"}] * 3,
    }
    if reader == "fhir_ndjson":
        lines = [json.dumps(patient, ensure_ascii=False), json.dumps(observation)]
        return [(".ndjson", "\n".join(lines).encode())]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:1", "resource": patient},
            {"fullUrl": "urn:uuid:2", "resource": observation},
        ],
    }
    return [(".json", json.dumps(bundle, ensure_ascii=False, indent=1).encode())]


def seeds(reader: str, tmp: Path) -> list[tuple[str, bytes]]:
    """Valid files of one format, with the suffix ingest would see."""
    dumps = FIXTURES / "dumps"
    if reader in ("csv", "tsv"):
        sep = "," if reader == "csv" else "\t"
        text = "\n".join(sep.join(f'"{v}"' if sep in v else v for v in r) for r in ROWS)
        return [(f".{reader}", text.encode()), (f".{reader}", (b'a;"b\nc";d\n1;"2""";3\n'))]
    if reader == "json":
        return [
            (".json", json.dumps([dict(zip(ROWS[0], r, strict=True)) for r in ROWS[1:]]).encode())
        ]
    if reader == "jsonl":
        lines = [json.dumps({"id": i, "p": {"nom": r[1]}}) for i, r in enumerate(ROWS)]
        return [(".jsonl", "\n".join(lines).encode())]
    if reader in ("fhir_json", "fhir_ndjson"):
        return fhir_seeds(reader)
    if reader == "xlsx":
        return [(".xlsx", _xlsx(tmp / "seed.xlsx"))]
    if reader == "parquet":
        return [(".parquet", _parquet(tmp / "seed.parquet"))]
    fixed = {
        "xls": [FIXTURES / "sheets" / "texte_exact.xls"],
        "ods": [FIXTURES / "sheets" / "texte_exact.ods"],
        "mysql_dump": sorted(dumps.glob("mysql_*.sql"))[:3],
        "pg_dump": [dumps / "pg_copy.sql", dumps / "pg_inserts.sql"],
        "pdf": [FIXTURES / "documents" / "compte_rendu.pdf"],
        "docx": [FIXTURES / "documents" / "courrier.docx"],
        "eml": [FIXTURES / "documents" / "message.eml"],
    }[reader]
    return [(p.suffix, p.read_bytes()) for p in fixed]


READERS = ["csv", "tsv", "xlsx", "xls", "ods", "json", "jsonl", "fhir_json", "fhir_ndjson"]
READERS += ["parquet"]
READERS += ["mysql_dump", "pg_dump", "pdf", "docx", "eml"]


class _Spent(Exception):
    """The reader's time budget is used up (ends the Hypothesis run, not a finding)."""


@pytest.mark.fuzz
@pytest.mark.parametrize("reader", READERS)
def test_reader_survives_mutated_seeds(reader: str, tmp_path: Path, worker: Worker) -> None:
    valid = seeds(reader, tmp_path)
    tally = Tally(reader)
    TALLIES.append(tally)
    end = time.monotonic() + budget_seconds(SHORT_BUDGET)
    findings_dir = Path(os.environ.get("VIGIE_FUZZ_FINDINGS", tmp_path / "findings"))

    @settings(
        max_examples=10**7,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize="VIGIE_FUZZ_SECONDS" not in os.environ,  # make test: the same inputs
    )
    @given(st.sampled_from(valid), plans)
    def one(seed: tuple[str, bytes], plan: list[tuple[str, float, int]]) -> None:
        if time.monotonic() > end:
            raise _Spent
        data = mutate(seed[1], plan)
        path = tmp_path / f"input{seed[0]}"
        path.write_bytes(data)
        record(tally, worker.run(path), data, findings_dir)

    with pytest.raises(_Spent):
        one()
    assert tally.executions > 0
    assert not tally.findings, f"{reader}: {tally.findings}"
