"""FHIR columns classified by their path; identifiers, telecoms and values by their siblings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vigie.ingest import ingest_files
from vigie.scan.fhir_paths import BY_CODE, BY_IDENTIFIER, BY_TELECOM, rule_for
from vigie.scan.fhir_systems import INS_NIR
from vigie.scan.stage import run_scan
from vigie.workspace import Workspace


@pytest.mark.parametrize(
    ("rtype", "column", "element"),
    [
        ("Patient", "name[0].family", "identity.last_name"),
        ("Patient", "name[1].given[2]", "identity.first_name"),
        ("Patient", "name[0].given.skip(100)", "identity.first_name"),
        ("Patient", "name[0].use", None),
        ("Patient", "birthDate", "identity.birth_date"),
        ("Patient", "gender", "identity.sex"),
        ("Patient", "address[0].line[1]", "contact.address"),
        ("Patient", "address[0].postalCode", "contact.postcode"),
        ("Patient", "address[0].country", None),
        ("Patient", "telecom[1].value", BY_TELECOM),
        ("Patient", "identifier[0].value", BY_IDENTIFIER),
        ("Patient", "identifier[0].system", None),
        ("Patient", "meta.lastUpdated", None),
        ("Patient", "contact[0].name.family", None),  # a relative's, not the patient's
        ("Practitioner", "name[0].family", "provider.prescriber"),
        ("Practitioner", "birthDate", None),
        ("Practitioner", "identifier[0].value", BY_IDENTIFIER),  # an RPPS by its system
        ("Organization", "name", None),
        ("Organization", "address[0].city", None),
        ("Observation", "code.coding[0].display", "text.free"),
        ("Observation", "code.coding[0].code", None),
        ("Observation", "valueQuantity.value", BY_CODE),
        ("Observation", "valueQuantity.unit", None),
        ("Observation", "valueString", BY_CODE),
        ("Observation", "component[2].valueQuantity.value", "health.result"),
        ("Observation", "effectiveDateTime", "care.exam"),
        ("Observation", "referenceRange[0].low.value", None),
        ("Observation", "subject.reference", None),
        ("Observation", "subject.resolve().ofType(Patient).id", None),
        ("Observation", "subject.display", "identity.last_name"),
        ("Observation", "subject.identifier.value", BY_IDENTIFIER),
        ("Observation", "note[0].text", "text.free"),
        ("DiagnosticReport", "conclusion", "text.free"),
        ("DiagnosticReport", "effectiveDateTime", "care.exam"),
        ("DiagnosticReport", "result[7].reference", None),
        ("Condition", "code.coding[0].code", "health.diagnosis"),
        ("Condition", "code.text", "text.free"),
        ("Condition", "onsetDateTime", None),  # a date spanning decades is no birth date here
        ("ServiceRequest", "requester.display", "provider.prescriber"),
        ("ServiceRequest", "occurrenceDateTime", "care.exam"),
        ("ServiceRequest", "authoredOn", None),
        ("MedicationRequest", "medicationCodeableConcept.text", "health.treatment"),
        ("MedicationRequest", "dosageInstruction[0].text", "health.treatment"),
        ("Encounter", "period.start", "care.exam"),
        ("AllergyIntolerance", "code.coding[0].display", "text.free"),
    ],
)
def test_rule_by_path(rtype: str, column: str, element: str | None) -> None:
    rule = rule_for(rtype, column)
    assert rule is not None and rule.element == element


@pytest.mark.parametrize("column", ["extension[0].valueString", "photo[0].data", "foo"])
def test_paths_no_rule_covers_go_to_the_usual_profiler(column: str) -> None:
    assert rule_for("Patient", column) is None


def _write(path: Path, resources: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in resources) + "\n", encoding="utf-8")
    return path


NIR = "185057800608436"


def _patient(i: int, system: str, nh: bool = False, phone: bool = True) -> dict[str, Any]:
    ident: dict[str, Any] = {"system": system, "value": NIR}
    if nh:
        ident["type"] = {"coding": [{"code": "NH"}]}
    telecom = [{"system": "phone", "value": "0612345678"}] if phone else []
    telecom.append({"system": "email", "value": f"p{i}@example.org"})
    return {
        "resourceType": "Patient",
        "id": f"p{i}",
        "identifier": [{"system": "https://lab.example.org/ipp", "value": str(1000 + i)}, ident],
        "name": [{"family": "Martin", "given": ["Jeanne"]}],
        "telecom": telecom,
    }


def test_each_row_exposes_what_its_sibling_system_says(
    tmp_path: Path, workspace: Workspace
) -> None:
    patients = [_patient(i, INS_NIR) for i in range(6)]  # INS-NIR
    patients += [_patient(6, INS_NIR, nh=True)]  # the NIR under FR Core's NSS slice
    patients += [_patient(7, "urn:oid:1.2.250.1.213.1.4.9", phone=False)]  # INS-NIA
    patients += [_patient(8, "https://example.org/other")]  # unknown: nothing
    blood = {"system": "http://loinc.org", "code": "882-1", "display": "Groupe sanguin"}
    hb = {"system": "http://loinc.org", "code": "718-7", "display": "Hémoglobine"}
    observations = [
        {"resourceType": "Observation", "id": "o1", "code": {"coding": [blood]},
         "subject": {"reference": "Patient/p1"}, "valueString": "A+"},
        {"resourceType": "Observation", "id": "o2", "code": {"coding": [hb]},
         "subject": {"reference": "Patient/p1"}, "valueString": "12.5"},
    ]  # fmt: skip
    files = [_write(tmp_path / "Patient.ndjson", patients)]
    ingest_files(workspace, [*files, _write(tmp_path / "Obs.ndjson", observations)])
    report = run_scan(workspace)
    columns = {(c["table"], c["column"]): c for c in report.columns}
    assert columns[("patient", "identifier[1].value")]["element"] == "national_id.ins"
    assert columns[("patient", "identifier[0].value")]["element"] is None  # an IPP
    assert columns[("patient", "telecom[0].value")]["element"] == "contact.phone"
    assert columns[("patient", "telecom[1].value")]["element"] == "contact.email"
    assert (
        "by identifier system of each row"
        in columns[("patient", "identifier[1].value")]["evidence"]
    )
    with workspace.connect() as con:
        got = con.execute(
            "SELECT table_name, _row, list_sort(list(element)) FROM scan_exposure "
            "WHERE element IN ('national_id.ins', 'national_id.nir', 'contact.phone', "
            "'contact.email', 'health.blood_group', 'health.result') GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    rows = {(t, r): set(e) for t, r, e in got}
    assert rows[("patient", 1)] == {"national_id.ins", "contact.phone", "contact.email"}
    assert rows[("patient", 7)] == {"national_id.nir", "contact.phone", "contact.email"}
    assert rows[("patient", 8)] == {"national_id.ins", "contact.email"}  # email in telecom[0]
    assert rows[("patient", 9)] == {"contact.phone", "contact.email"}
    assert rows[("obs", 1)] == {"health.blood_group"}
    assert rows[("obs", 2)] == {"health.result"}


def test_a_persons_setting_wins_over_the_sibling_rule(tmp_path: Path, workspace: Workspace) -> None:
    ingest_files(workspace, [_write(tmp_path / "Patient.ndjson", [_patient(1, INS_NIR)])])
    run_scan(workspace, settings={"patient.identifier[1].value": "national_id.other"})
    with workspace.connect() as con:
        got = con.execute(
            "SELECT element FROM scan_exposure WHERE element LIKE 'national_id.%'"
        ).fetchall()
    assert got == [("national_id.other",)]
