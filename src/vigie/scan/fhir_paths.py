"""FHIR tables: a column's element told by its FHIR path, not guessed from its values.

A table ingested from FHIR (`_files.format` fhir_json or fhir_ndjson; its `source_table`
is the resource type) has columns named by FHIR paths. RULES maps a path, indices
dropped (`name[1].given[0]` -> `name.given`), to an element, for the resource's type or
any type; the first rule that matches wins (shell patterns: `value*` is `valueQuantity.
value`, `valueString`...). Three rules give each row its own element, from a sibling
column (fhir_systems.py): `identifier[k].value` by its system, `telecom[k].value` by its
system, an Observation's `value[x]` by its code. Such a column's element in
`scan_columns` is the one most of its rows get; `scan_exposure` has each row's own.

Columns no rule covers (extensions, types vigie has no rule for) go to the usual profiler,
as do identifier values whose systems are all unknown (a NIR checksum still tells).
In a person's resource (Patient, Person, RelatedPerson) with several `name[k].family`
columns, the fullest is the last name and the others birth names, as elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

import duckdb

from vigie.scan import fhir_systems
from vigie.scan.masking import mask_text
from vigie.scan.profile import ColumnProfile
from vigie.scan.recognizers.registry import all_recognizers
from vigie.scan.sampling import present
from vigie.workspace.store import quote_ident

FORMATS = ("fhir_json", "fhir_ndjson")
RECOGNIZER = "fhir_path"  # a column whose element its FHIR path decided
PERSONS = frozenset({"Patient", "Person", "RelatedPerson"})
NOT_ABOUT_A_PERSON = frozenset(
    {"Organization", "Location", "HealthcareService", "Endpoint", "Device", "Medication",
     "Substance", "CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition",
     "CapabilityStatement", "OperationOutcome", "SearchParameter", "ObservationDefinition"}
)  # fmt: skip
MEDICATION = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense"}
)
BY_IDENTIFIER, BY_TELECOM, BY_CODE = "by identifier system", "by telecom system", "by code"
_INDEX = re.compile(r"\[\d+\]")
_SKIP = re.compile(r"\.skip\(\d+\)$")


@dataclass(frozen=True)
class Rule:
    types: frozenset[str] | None  # None: any resource type
    pattern: str  # shell pattern over the path without indices
    element: str | None  # or BY_* for a per-row rule; None: not personal


def _r(types: frozenset[str] | set[str] | str | None, *pairs: tuple[str, str | None]) -> list:
    scope = frozenset({types}) if isinstance(types, str) else types
    return [Rule(None if scope is None else frozenset(scope), p, e) for p, e in pairs]


_LABEL = ("code.coding.display", "text.free"), ("code.text", "text.free"), ("code.*", None)
RULES: tuple[Rule, ...] = (
    *_r(NOT_ABOUT_A_PERSON, ("*", None)),
    *_r(PERSONS,
        ("name.family", "identity.last_name"), ("name.given", "identity.first_name"),
        ("name.text", "identity.last_name"), ("name.*", None),
        ("birthDate", "identity.birth_date"), ("gender", "identity.sex"),
        ("address.line", "contact.address"), ("address.text", "contact.address"),
        ("address.postalCode", "contact.postcode"), ("address.city", "contact.city"),
        ("address.*", None), ("telecom.value", BY_TELECOM), ("telecom.*", None),
        ("generalPractitioner.display", "provider.prescriber"),
        ("contact.*", None)),  # a contact person's (a relative's), not the patient's
    *_r("Practitioner",
        ("name.family", "provider.prescriber"), ("name.given", "provider.prescriber"),
        ("name.text", "provider.prescriber"), ("name.*", None), ("telecom.*", None),
        ("address.*", None), ("birthDate", None), ("gender", None)),
    *_r("Observation", *_LABEL,
        ("component.code.coding.display", "text.free"), ("component.code.text", "text.free"),
        ("component.code.*", None), ("value*.unit", None), ("value*.system", None),
        ("valueQuantity.code", None), ("value*", BY_CODE), ("component.value*.unit", None),
        ("component.value*.system", None), ("component.valueQuantity.code", None),
        ("component.value*", "health.result"), ("interpretation.coding.system", None),
        ("interpretation.*", "health.result"), ("effective*", "care.exam"),
        ("issued", "care.exam"), ("referenceRange.*", None)),
    *_r("DiagnosticReport", *_LABEL,
        ("conclusion", "text.free"), ("conclusionCode.text", "text.free"),
        ("conclusionCode.coding.display", "text.free"), ("effective*", "care.exam"),
        ("issued", "care.exam"), ("presentedForm.data", "health.result"),
        ("presentedForm.*", None)),
    *_r("Condition", ("code.coding.display", "text.free"), ("code.text", "text.free"),
        ("code.coding.code", "health.diagnosis"), ("stage.summary.text", "text.free"),
        ("stage.summary.coding.display", "text.free")),
    *_r("ServiceRequest", *_LABEL,
        ("requester.display", "provider.prescriber"), ("occurrence*", "care.exam"),
        ("reasonCode.text", "text.free"), ("reasonCode.coding.display", "text.free")),
    *_r(MEDICATION,
        ("medicationCodeableConcept.coding.system", None),
        ("medicationCodeableConcept.*", "health.treatment"),
        ("medicationReference.display", "health.treatment"),
        ("dosageInstruction.text", "health.treatment"), ("dosage.text", "health.treatment"),
        ("requester.display", "provider.prescriber"), ("reasonCode.text", "text.free"),
        ("reasonCode.coding.display", "text.free")),
    *_r({"Encounter"}, ("period.*", "care.exam"), ("reasonCode.text", "text.free"),
        ("reasonCode.coding.display", "text.free"), ("type.text", "text.free"),
        ("type.coding.display", "text.free")),
    *_r({"Procedure"}, *_LABEL, ("performed*", "care.exam")),
    *_r({"Specimen"}, ("collection.collected*", "care.exam")),
    *_r(None,
        ("id", None), ("resourceType", None), ("meta.*", None), ("implicitRules", None),
        ("language", None), ("text.status", None), ("text.div", "text.free"),
        ("*.resolve()*", None), ("*reference", None),
        ("subject.display", "identity.last_name"), ("patient.display", "identity.last_name"),
        ("*identifier.value", BY_IDENTIFIER), ("*identifier.*", None), ("note.text", "text.free"),
        ("requester.display", "provider.prescriber"), ("code.coding.display", "text.free"),
        ("code.text", "text.free"), ("status", None), ("intent", None), ("priority", None),
        ("category.*", None), ("*.system", None), ("*.use", None), ("*.version", None),
        ("*.url", None), ("*.display", None), ("*.code", None),
        # dates of records, onsets, periods: no element of their own outside the rules
        # above (a birth date is a person's resource's; an exam date an Observation's...)
        ("*Date", None), ("*DateTime", None), ("*Instant", None), ("date", None),
        ("authoredOn", None), ("*.start", None), ("*.end", None)),
)  # fmt: skip


def skeleton(column: str) -> str:
    """The path without indices nor a `.skip(N)` tail: `name[1].given[0]` -> `name.given`."""
    return _INDEX.sub("", _SKIP.sub("", column))


def rule_for(resource_type: str, column: str) -> Rule | None:
    """The first rule matching the column of a resource of that type, or None."""
    path = skeleton(column)
    for rule in RULES:
        if (rule.types is None or resource_type in rule.types) and fnmatchcase(path, rule.pattern):
            return rule
    return None


def fhir_tables(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Store table -> resource type, for the tables ingested from FHIR files."""
    formats = ", ".join(f"'{f}'" for f in FORMATS)
    rows = con.execute(
        "SELECT t.name, t.source_table FROM _tables t JOIN _files f ON f.digest = t.digest "
        f"AND f.kind = t.kind WHERE f.format IN ({formats})"
    ).fetchall()
    return {r[0]: r[1] for r in rows}


@dataclass
class FhirProfiles:
    profiles: list[ColumnProfile]  # the columns a rule decided
    by_row: dict[str, str]  # column -> SQL giving each row's element (per-row rules)
    rest: list[str]  # columns left to the usual profiler


def profile_fhir_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    resource_type: str,
    totals: Mapping[str, int],
    sample: Mapping[str, Sequence[str | None]],
) -> FhirProfiles:
    """Classify the table's columns by their FHIR paths (module docstring)."""
    columns = list(sample)
    out = FhirProfiles([], {}, [])
    for column in columns:
        rule = rule_for(resource_type, column)
        if rule is None:
            out.rest.append(column)
        elif rule.element in (BY_IDENTIFIER, BY_TELECOM, BY_CODE):
            sql = _per_row_sql(rule.element, column, columns)
            element, evidence = _majority(con, table, column, sql, rule.element)
            if element is None and rule.element == BY_IDENTIFIER:
                out.rest.append(column)  # no known system: the values may still tell
                continue
            out.by_row[column] = sql
            out.profiles.append(_profile(table, column, element, evidence, totals, sample))
        else:
            why = f"by its FHIR path {resource_type}.{skeleton(column)}"
            out.profiles.append(_profile(table, column, rule.element, why, totals, sample))
    if resource_type in PERSONS:
        out.profiles = _birth_names(out.profiles)
    return out


def _per_row_sql(kind: str, column: str, columns: list[str]) -> str:
    if kind == BY_IDENTIFIER:
        return fhir_systems.identifier_element(column, columns)
    if kind == BY_TELECOM:
        return fhir_systems.telecom_element(column, columns)
    return fhir_systems.observation_value_element(columns)


def _majority(
    con: duckdb.DuckDBPyConnection, table: str, column: str, sql: str, kind: str
) -> tuple[str | None, str]:
    rows = con.execute(
        f"SELECT element, count(*) AS n FROM (SELECT {sql} AS element FROM "
        f"{quote_ident(table)} WHERE {present(column)}) GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    counts = ", ".join(f"{n:,} {e or 'not personal'}" for e, n in rows)
    known = [e for e, _ in rows if e is not None]
    return (known[0] if known else None), f"{kind} of each row: {counts}"


def _birth_names(profiles: list[ColumnProfile]) -> list[ColumnProfile]:
    family = [p for p in profiles if p.element == "identity.last_name" and "family" in p.column]
    if len(family) < 2:
        return profiles
    keep = max(family, key=lambda p: p.non_empty)  # the first of the fullest
    why = "a second family name (birth name)"
    return [
        replace(p, element="identity.birth_name", evidence=f"{p.evidence}; {why}")
        if p in family and p is not keep
        else p
        for p in profiles
    ]


def _masker(element: str | None) -> Callable[[str], str] | None:
    if element == "text.free":
        return mask_text
    for recognizer in all_recognizers():
        if recognizer.element == element:
            return recognizer.mask
    return None


def _profile(
    table: str,
    column: str,
    element: str | None,
    evidence: str,
    totals: Mapping[str, int],
    sample: Mapping[str, Sequence[str | None]],
) -> ColumnProfile:
    values = [v for v in sample[column] if v is not None and str(v).strip()]
    mask = _masker(element)
    example = mask(str(values[0])) if values and mask is not None else None
    return ColumnProfile(
        table, column, element, RECOGNIZER, 1.0, evidence, totals.get(column, len(values)),
        0, 0, len(values), example,
    )  # fmt: skip
