"""The patient's own number (IPP): the key of a table of persons, a pseudonymous identifier.

A lab system numbers each patient it registers (IPP, identifiant permanent du patient).
Alone the number tells an outsider nothing, but with the system's data it names the
person: it is personal data, a pseudonymous identifier (GDPR art. 4(5)). Scan reports it
as `national_id.other` (recognizer `patient_number`) only where it is the patient's number:

- in a leak table of persons: at least two identifying columns (names, birth date, NIR);
- the column is that table's key: a value in every row, no value twice (or declared
  PRIMARY KEY / UNIQUE by the dump);
- and another table references it (scan_keys: `demandes.IPP -> patients.IPP`), or its
  name says so: `IPP`, `NIP`, `NUM_PATIENT`, `patient_id`, `patient_number`.

Every other id column stays unclassified: a request or result number, a lab number, a row
number in a table of exams, the IPP repeated in the requests (the patients row exposes it).
A column a person set (`vigie scan --set`) is left as they set it, and so is a FHIR
column decided by its path. Link never compares
it: each system numbers its own patients, and two systems' 100001 are two people.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb

from vigie.scan import fhir_paths
from vigie.scan.key_names import words
from vigie.scan.keys import declared_keys
from vigie.scan.masking import mask_id
from vigie.scan.profile import ColumnProfile
from vigie.scan.relation import Relation
from vigie.workspace.store import quote_ident

RECOGNIZER = "patient_number"
ELEMENT = "national_id.other"
IDENTIFYING = frozenset(
    {
        "identity.last_name",
        "identity.birth_name",
        "identity.first_name",
        "identity.birth_date",
        "national_id.nir",
        "national_id.ins",
    }
)
PATIENT_WORDS = frozenset({"IPP", "NIP", "PATIENT", "PAT"})
_ALSO = frozenset({"NUMBER", "PERMANENT"})  # patient_number, numero permanent du patient


def named_as_patient_number(column: str) -> bool:
    """`IPP`, `NUM_PATIENT`, `patient_id`: the name alone says it numbers patients."""
    found = words(column)
    return bool(found & PATIENT_WORDS) and found <= PATIENT_WORDS | _ALSO


def person_tables(profiles: list[ColumnProfile]) -> set[str]:
    """Tables with at least two identifying columns (as link reads them)."""
    seen: dict[str, set[str]] = {}
    for p in profiles:
        if p.element in IDENTIFYING:
            seen.setdefault(p.table, set()).add(p.element)
    return {t for t, found in seen.items() if len(found) >= 2}


def mark(
    con: duckdb.DuckDBPyConnection,
    profiles: list[tuple[ColumnProfile, str]],
    relations: list[Relation],
) -> list[tuple[ColumnProfile, str]]:
    """The leak profiles (profile, source) with each patient's number reported (rules above)."""
    people = person_tables([p for p, _ in profiles])
    referenced = {(r.ref_table, r.ref_column) for r in relations}
    declared = declared_keys(con, people).unique
    out = []
    for profile, source in profiles:
        at = (profile.table, profile.column)
        if (
            profile.table in people
            and profile.element is None
            and source != "override"
            # a FHIR resource's `id` is the server's; its IPP is an identifier[k].value
            and profile.recognizer != fhir_paths.RECOGNIZER
            and (at in referenced or named_as_patient_number(profile.column))
        ):
            example = _key_example(con, *at, declared=at in declared)
            if example is not None:
                profile = _as_patient_number(profile, example, at in referenced)
        out.append((profile, source))
    return out


def _key_example(
    con: duckdb.DuckDBPyConnection, table: str, column: str, *, declared: bool
) -> str | None:
    """A masked value when the column is its table's key (declared, or unique and full)."""
    v = f"nullif(trim(CAST({quote_ident(column)} AS VARCHAR)), '')"
    rows, present, distinct, first = con.execute(
        f"SELECT count(*), count({v}), count(DISTINCT {v}), min({v}) FROM {quote_ident(table)}"
    ).fetchall()[0]
    if not present or not (declared or rows == present == distinct):
        return None
    return mask_id(str(first))


def _as_patient_number(profile: ColumnProfile, example: str, referenced: bool) -> ColumnProfile:
    why = "other tables reference it" if referenced else "its name says so"
    return replace(
        profile,
        element=ELEMENT,
        recognizer=RECOGNIZER,
        confidence=0.9,
        evidence=(
            f"the patient's number (IPP): the key of a table of persons, {why}; "
            "a pseudonymous identifier"
        ),
        valid=profile.non_empty,
        invalid=0,
        example=example,
    )
