"""What a FHIR value is, told by its siblings: an identifier's system, a telecom's system,
an Observation's code. Each rule is a SQL expression giving every row its own element.

Identifier systems (`identifier[k].system` beside `identifier[k].value`; DOMAIN.md §1):
- INS: `urn:oid:1.2.250.1.213.1.4.8` (INS-NIR), `...4.9` (INS-NIA), `...4.10` (test),
  `...4.11` (demo), `...4.2` (INS-C, the obsolete computed INS) -> `national_id.ins`;
- NIR: FR Core's NSS slice carries the NIR for billing under the same OID `...4.8`
  with the identifier type `NH` (v2-0203, national health plan) -> `national_id.nir`;
- RPPS: `urn:oid:1.2.250.1.71.4.2.1` (idNatPS: `8` + RPPS, `0` + ADELI) and the ANS URI
  `https://rpps.esante.gouv.fr` -> `provider.prescriber` (the RPPS recognizer's element);
- anything else (an IPP under a lab's own system, a FINESS) -> no element.
Systems compare without case and trailing `/`.

Telecom: `phone`, `sms`, `fax`, `pager` -> `contact.phone`; `email` -> `contact.email`.

Observation values: `health.result`, except under a blood-group LOINC code (882-1 ABO and
Rh group, 883-9 ABO group, 10331-7 Rh type) -> `health.blood_group`.
"""

from __future__ import annotations

import re

from vigie.workspace.store import quote_ident

INS_NIR = "urn:oid:1.2.250.1.213.1.4.8"
INS = (INS_NIR, "urn:oid:1.2.250.1.213.1.4.9", "urn:oid:1.2.250.1.213.1.4.10",
       "urn:oid:1.2.250.1.213.1.4.11", "urn:oid:1.2.250.1.213.1.4.2")  # fmt: skip
NIR_TYPE = "NH"
RPPS = ("urn:oid:1.2.250.1.71.4.2.1", "https://rpps.esante.gouv.fr", "http://rpps.esante.gouv.fr")
PHONE = ("phone", "sms", "fax", "pager")
EMAIL = ("email",)
BLOOD_GROUP_LOINC = ("882-1", "883-9", "10331-7")


def _list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _text(column: str | None) -> str:
    if column is None:
        return "NULL::VARCHAR"
    return f"lower(rtrim(trim(CAST({quote_ident(column)} AS VARCHAR)), '/'))"


def _any(columns: list[str], values: tuple[str, ...]) -> str:
    """SQL: one of the columns holds one of the values (upper case compared)."""
    if not columns:
        return "false"
    wanted = _list(tuple(v.upper() for v in values))
    return "(" + " OR ".join(f"upper(trim({quote_ident(c)})) IN ({wanted})" for c in columns) + ")"


def _siblings(columns: list[str], prefix: str, tail: str) -> list[str]:
    """Columns `prefix` + `tail` where `[k]` in tail matches any index."""
    pattern = re.escape(prefix) + re.escape(tail).replace(r"\[k\]", r"\[\d+\]")
    return [c for c in columns if re.fullmatch(pattern, c)]


def identifier_element(value_column: str, columns: list[str]) -> str:
    """SQL giving the element of `P.value` by its sibling `P.system` (and `P.type`)."""
    prefix = value_column.removesuffix(".value")
    system = f"{prefix}.system"
    sys = _text(system if system in columns else None)
    nh = _any(_siblings(columns, prefix, ".type.coding[k].code"), (NIR_TYPE,))
    return (
        f"CASE WHEN {sys} = '{INS_NIR}' AND {nh} THEN 'national_id.nir' "
        f"WHEN {sys} IN ({_list(INS)}) THEN 'national_id.ins' "
        f"WHEN {sys} IN ({_list(RPPS)}) THEN 'provider.prescriber' END"
    )


def telecom_element(value_column: str, columns: list[str]) -> str:
    """SQL giving the element of `telecom[k].value` by its sibling `telecom[k].system`."""
    system = value_column.removesuffix(".value") + ".system"
    sys = _text(system if system in columns else None)
    return (
        f"CASE WHEN {sys} IN ({_list(PHONE)}) THEN 'contact.phone' "
        f"WHEN {sys} IN ({_list(EMAIL)}) THEN 'contact.email' END"
    )


def observation_value_element(columns: list[str]) -> str:
    """SQL giving the element of an Observation's `value[x]`: a result, or a blood group."""
    codes = _siblings(columns, "code", ".coding[k].code")
    blood = _any(codes, BLOOD_GROUP_LOINC)
    return f"CASE WHEN {blood} THEN 'health.blood_group' ELSE 'health.result' END"
