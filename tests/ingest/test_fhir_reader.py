"""FHIR R4 JSON: Bundles, single resources and NDJSON bulk files, a table per resource type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.ingest.conftest import collect, noop
from vigie.errors import InputError
from vigie.ingest import ingest_files
from vigie.ingest.formats import detect
from vigie.ingest.readers import fhir_flatten
from vigie.ingest.readers.base import BadRow, DeclaredKey
from vigie.ingest.readers.fhir_flatten import flatten, parse_reference
from vigie.workspace import Workspace

PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": "X"}],
    "name": [{"family": "Durand", "given": ["Léa", "Anne"]}],
    "birthDate": "1985-05-12",
}
OBSERVATION = {
    "resourceType": "Observation",
    "id": "o1",
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "718-7", "display": "Hb"}]},
    "subject": {"reference": "Patient/p1"},
    "valueQuantity": {"value": 12.50, "unit": "g/dL"},
}
TO_PATIENT = "subject.resolve().ofType(Patient).id"


def _ndjson(path: Path, resources: list[Any], extra: str = "") -> Path:
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in resources) + "\n" + extra
    path.write_text(text.replace("12.5,", "12.50,"), encoding="utf-8")
    return path


def test_ndjson_bulk_file_is_one_table_of_its_type(tmp_path: Path) -> None:
    path = _ndjson(tmp_path / "Patient.ndjson", [PATIENT, {**PATIENT, "id": "p2"}], "{oops\n")
    detected = detect(path)
    assert detected.format == "fhir_ndjson"
    [(name, columns, rows)] = collect(detected.read(path, noop))
    assert name == "Patient"
    assert columns == [
        "resourceType", "id", "identifier[0].system", "identifier[0].value", "name[0].family",
        "name[0].given[0]", "name[0].given[1]", "birthDate",
    ]  # fmt: skip
    assert rows[0] == (1, ("Patient", "p1", PATIENT["identifier"][0]["system"], "X", "Durand",
                           "Léa", "Anne", "1985-05-12"))  # fmt: skip
    assert rows[1][1][1] == "p2"
    assert isinstance(rows[2], BadRow) and rows[2].number == 3
    assert rows[2].reason.startswith("line 3: not valid JSON")


def test_references_get_the_id_they_point_to_and_a_declared_key(tmp_path: Path) -> None:
    path = _ndjson(tmp_path / "Observation.ndjson", [OBSERVATION])
    [table] = list(detect(path).read(path, noop))
    rows = list(table.rows)
    assert table.columns == [
        "resourceType", "id", "status", "code.coding[0].system", "code.coding[0].code",
        "code.coding[0].display", "subject.reference", TO_PATIENT, "valueQuantity.value",
        "valueQuantity.unit",
    ]  # fmt: skip
    values = dict(zip(table.columns, rows[0][1], strict=True))  # type: ignore[index]
    assert (values["subject.reference"], values[TO_PATIENT]) == ("Patient/p1", "p1")
    assert values["valueQuantity.value"] == "12.50"  # the digits as written
    assert table.keys == [
        DeclaredKey("primary", ("id",)),
        DeclaredKey("foreign", (TO_PATIENT,), "Patient", "", ("id",)),
    ]


@pytest.mark.parametrize(
    ("reference", "target"),
    [
        ("Patient/123", ("Patient", "123")),
        ("https://fhir.example.org/r4/Patient/a-1.b", ("Patient", "a-1.b")),
        ("Patient/123/_history/4", ("Patient", "123")),
        ("urn:uuid:9f1c", ("Patient", "u1")),  # a Bundle entry's fullUrl
        ("urn:uuid:unknown", None),
        ("#contained-1", None),
        ("Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|1", None),
        ("patient/123", None),  # types start with a capital
        ("Patient/" + "9" * 65, None),  # ids are at most 64 characters
        ("Patient", None),
    ],
)
def test_parse_reference(reference: str, target: tuple[str, str] | None) -> None:
    assert parse_reference(reference, {"urn:uuid:9f1c": ("Patient", "u1")}) == target


def test_bundle_gives_a_table_per_type_and_resolves_urn_references(
    tmp_path: Path, workspace: Workspace
) -> None:
    observation = {**OBSERVATION, "subject": {"reference": "urn:uuid:aaa"}}
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:bbb", "resource": observation, "request": {"method": "POST"}},
            {"fullUrl": "urn:uuid:aaa", "resource": PATIENT},  # after its reference
            {"response": {"status": "201"}},  # no resource: nothing to store
        ],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(bundle, indent=2), encoding="utf-8")
    assert detect(path).format == "fhir_json"
    tables = {t[0]: t for t in collect(detect(path).read(path, noop))}
    assert set(tables) == {"Observation", "Patient"}
    obs = tables["Observation"]
    assert obs[2][0][1][obs[1].index(TO_PATIENT)] == "p1"
    report = ingest_files(workspace, [path]).as_dict()["files"][0]
    keys = {t["name"]: t["keys"] for t in report["tables"]}
    assert {"kind": "foreign", "columns": [TO_PATIENT], "ref_table": "export__patient",
            "ref_columns": ["id"]} in keys["export__observation"]  # fmt: skip


def test_single_resource_and_resource_type_after_the_entries(tmp_path: Path) -> None:
    one = tmp_path / "patient.json"
    one.write_text(json.dumps(PATIENT), encoding="utf-8")
    assert [t[0] for t in collect(detect(one).read(one, noop))] == ["Patient"]
    late = tmp_path / "late.json"
    late.write_text(
        json.dumps({"entry": [{"resource": PATIENT}], "resourceType": "Bundle"}), encoding="utf-8"
    )
    [(name, _, rows)] = collect(detect(late).read(late, noop))
    assert (name, len(rows)) == ("Patient", 1)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("rows.json", [{"resourceType": "Colis", "id": 1}], "json"),  # not a FHIR type
        ("rows.jsonl", {"resourceType": "colis", "id": 1}, "jsonl"),
        ("rows.jsonl", {"id": 1, "resourceType": "Patient"}, "fhir_ndjson"),
        ("rows.txt", {"resourceType": "Patient", "id": 1}, "fhir_json"),
        ("lines.txt", [PATIENT, PATIENT], "fhir_ndjson"),
        ("array.json", [PATIENT, OBSERVATION], "fhir_json"),  # an array of resources
    ],
)
def test_detected_by_content(tmp_path: Path, name: str, content: Any, kind: str) -> None:
    path = tmp_path / name
    if name.startswith("lines"):
        path.write_text("\n".join(json.dumps(r) for r in content) + "\n", encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    assert detect(path).format == kind


def test_long_arrays_and_deep_objects_are_kept_as_json_text() -> None:
    deep: dict[str, Any] = {"v": 1}
    for _ in range(fhir_flatten.MAX_DEPTH + 2):
        deep = {"x": deep}
    flat = flatten({"resourceType": "Group", "member": list(range(105)), "extension": deep})
    assert flat["member[99]"] == "99"
    assert "member[100]" not in flat
    assert json.loads(flat["member.skip(100)"] or "") == [100, 101, 102, 103, 104]
    kept = [k for k in flat if k.startswith("extension")]
    assert len(kept) == 1 and kept[0].count(".") == fhir_flatten.MAX_DEPTH - 1
    assert json.loads(flat[kept[0]] or "") == {"x": {"x": {"x": {"v": 1}}}}  # 16 + 3 levels


def test_a_resource_too_wide_is_refused_naming_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fhir_flatten, "MAX_FIELDS", 50)
    wide = {"resourceType": "Patient", "extension": [{"url": str(i)} for i in range(60)]}
    path = _ndjson(tmp_path / "wide.ndjson", [PATIENT, wide])
    with pytest.raises(InputError, match=r"wide.ndjson: line 2: more than 50 fields"):
        collect(detect(path).read(path, noop))


def test_a_bundle_entry_without_resource_type_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    entries = [{"resource": PATIENT}, {"resource": {"id": "x"}}]
    path.write_text(json.dumps({"resourceType": "Bundle", "entry": entries}), encoding="utf-8")
    with pytest.raises(InputError, match=r"b.json: entry 2: a Bundle entry whose resource"):
        collect(detect(path).read(path, noop))


def test_malformed_bundle_names_the_character(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"resourceType": "Bundle", "entry": [{"resource": {"resourceT', "utf-8")
    with pytest.raises(InputError, match=r"cut.json: character \d+: malformed JSON"):
        collect(detect(path).read(path, noop))


def test_lines_that_are_no_resource_go_to_quarantine(tmp_path: Path, workspace: Workspace) -> None:
    path = _ndjson(tmp_path / "Patient.ndjson", [PATIENT], '{"id": 2}\n[1]\n')
    report = ingest_files(workspace, [path]).as_dict()["files"][0]
    assert (report["rows_stored"], report["rows_quarantined"]) == (1, 2)
    with workspace.connect() as con:
        reasons = con.execute("SELECT _row, reason FROM _quarantine ORDER BY 1").fetchall()
    assert reasons == [
        (2, "line 2: not a FHIR resource (no resourceType)"),
        (3, "line 3: not a FHIR resource (no resourceType)"),
    ]


def test_hostile_nesting_is_quarantined_in_ndjson_and_refused_in_a_bundle(
    tmp_path: Path,
) -> None:
    deep = '{"resourceType": "Patient", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    lines = tmp_path / "Patient.ndjson"
    lines.write_text(json.dumps(PATIENT) + "\n" + deep + "\n", encoding="utf-8")
    [(_, _, rows)] = collect(detect(lines).read(lines, noop))
    assert rows[1] == BadRow(2, "line 2: JSON nested deeper than vigie reads", deep)
    bundle = tmp_path / "deep.json"
    bundle.write_text('{"resourceType": "Bundle", "entry": [{"resource": ' + deep + "}]}")
    with pytest.raises(InputError, match=r"deep.json: character \d+: JSON nested deeper"):
        collect(detect(bundle).read(bundle, noop))


def test_too_many_types_in_one_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigie.ingest.readers import fhir

    monkeypatch.setattr(fhir, "MAX_TYPES", 2)
    kinds = [{"resourceType": t, "id": "1"} for t in ("Patient", "Observation", "Condition")]
    path = _ndjson(tmp_path / "mixed.ndjson", kinds)
    with pytest.raises(InputError, match=r"mixed.ndjson: line 3: more than 2 resource types"):
        collect(detect(path).read(path, noop))


def test_a_json_array_of_resources_is_read_item_by_item(tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    path.write_text(json.dumps([PATIENT, OBSERVATION, {**PATIENT, "id": "p2"}]), "utf-8")
    tables = {t[0]: t for t in collect(detect(path).read(path, noop))}
    assert len(tables["Patient"][2]) == 2 and len(tables["Observation"][2]) == 1
    path.write_text(json.dumps([PATIENT, {"id": 3}]), "utf-8")
    with pytest.raises(InputError, match=r"saved.json: item 2: an array item that is not"):
        collect(detect(path).read(path, noop))
