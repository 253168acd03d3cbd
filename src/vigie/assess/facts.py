"""The incident facts, validated: every field checked together, every problem reported at once.

The field list is declared once (name, kind, choices) and drives validation and the docs.
Missing facts are not errors (they become None and are decided conservatively later);
wrong types, unknown fields and unknown enum values are.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from vigie.errors import ConfigError

SECTORS = ("health", "finance", "public", "other")
BREACH_TYPES = ("confidentiality", "integrity", "availability")
CAUSES = (
    "ransomware",
    "exfiltration",
    "human_error",
    "lost_device",
    "mispostal",
    "social_engineering",
    "other",
)
CATEGORIES = (
    "identity",
    "contact",
    "national_id",
    "financial",
    "credentials",
    "health",
    "genetic",
    "minors",
    "location",
    "behavioural",
    "special_other",
)
ENCRYPTION = ("none", "encrypted_key_safe", "encrypted_key_compromised", "hashed_salted")
# A naive timestamp is read in the time zone of a French controller (said in assumptions).
LOCAL_ZONE = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Controller:
    name: str
    dpo_email: str | None = None


@dataclass(frozen=True)
class Facts:
    """The facts as stated; None means "not stated" (decided conservatively later)."""

    title: str | None = None
    controller_sector: str | None = None
    controllers: tuple[Controller, ...] = ()
    processor: str | None = None
    occurred_at: datetime | None = None
    aware_at: datetime | None = None
    breach_types: tuple[str, ...] | None = None
    cause: str | None = None
    malicious: bool | None = None
    data_categories: tuple[str, ...] | None = None
    persons: int | None = None
    encryption_state: str | None = None
    backup_available: bool | None = None
    exfiltration_confirmed: bool | None = None  # None: unknown
    published: bool | None = None
    recipients_trusted: bool | None = None
    data_recovered: bool | None = None
    # vigie additions to the DESIGN.md schema (see docs/assessment.md)
    key_compromised: bool | None = None
    minors: int | None = None
    persons_reachable: bool | None = None
    sa_notified_at: datetime | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)


# field -> (kind, choices); kinds: text, enum, enums, bool, tristate, count, time, controllers
SCHEMA: dict[str, tuple[str, tuple[str, ...]]] = {
    "title": ("text", ()),
    "controller_sector": ("enum", SECTORS),
    "controllers": ("controllers", ()),
    "processor": ("text", ()),
    "occurred_at": ("time", ()),
    "aware_at": ("time", ()),
    "breach_types": ("enums", BREACH_TYPES),
    "cause": ("enum", CAUSES),
    "malicious": ("bool", ()),
    "data_categories": ("enums", CATEGORIES),
    "persons": ("count", ()),
    "encryption_state": ("enum", ENCRYPTION),
    "backup_available": ("bool", ()),
    "exfiltration_confirmed": ("tristate", ()),
    "published": ("bool", ()),
    "recipients_trusted": ("bool", ()),
    "data_recovered": ("bool", ()),
    "key_compromised": ("bool", ()),
    "minors": ("count", ()),
    "persons_reachable": ("bool", ()),
    "sa_notified_at": ("time", ()),
}


class _Invalid(Exception):
    """One field's fault, collected by parse_facts."""


def parse_facts(raw: dict[str, Any], source: object = "facts") -> Facts:
    """Validate a facts mapping; all problems are reported together in one ConfigError."""
    problems: list[str] = []
    notes: list[str] = []
    values: dict[str, Any] = {}
    for name in raw:
        if name not in SCHEMA:
            near = difflib.get_close_matches(str(name), SCHEMA, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            problems.append(f"field '{name}': unknown field{hint}")
    for name, (kind, choices) in SCHEMA.items():
        value = raw.get(name)
        if value is None:
            continue
        try:
            values[name] = _convert(name, kind, choices, value, notes)
        except _Invalid as exc:
            problems.append(f"field '{name}': {exc}")
    if problems:
        count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
        raise ConfigError(f"{source}: {count} in the incident facts: " + "; ".join(problems))
    if values.get("data_categories") == ():
        values["data_categories"] = None  # `[]` in the template means "not known yet"
    if values.get("breach_types") == ():
        values["breach_types"] = None
    return Facts(**values, notes=tuple(notes))


def facts_to_dict(facts: Facts) -> dict[str, Any]:
    """The facts as a JSON-ready mapping (times in ISO 8601 with their offsets)."""
    out: dict[str, Any] = {}
    for f in fields(facts):
        if f.name == "notes":
            continue
        value = getattr(facts, f.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif f.name == "controllers":
            value = [{"name": c.name, "dpo_email": c.dpo_email} for c in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def _convert(name: str, kind: str, choices: tuple[str, ...], value: Any, notes: list[str]) -> Any:
    if kind == "text":
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise _Invalid("expected text")
        return str(value)
    if kind == "enum":
        return _choice(value, choices)
    if kind == "enums":
        items = value if isinstance(value, list) else [value]
        return tuple(dict.fromkeys(_choice(v, choices) for v in items))
    if kind == "bool":
        if not isinstance(value, bool):
            raise _Invalid("expected true or false")
        return value
    if kind == "tristate":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() == "unknown":
            return None
        raise _Invalid("expected true, false or unknown")
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _Invalid("expected a whole number >= 0")
        return value
    if kind == "time":
        return _timestamp(name, value, notes)
    if kind == "controllers":
        return _controllers(value)
    raise AssertionError(kind)


def _choice(value: Any, choices: tuple[str, ...]) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in choices:
        shown = str(value)[:40]
        raise _Invalid(f"unknown value '{shown}' (expected one of: {', '.join(choices)})")
    return text


def _timestamp(name: str, value: Any, notes: list[str]) -> datetime:
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, date):
        stamp = datetime.combine(value, time.min)
        notes.append(
            f"{name} est une date sans heure : 00:00 retenu (l'heure la plus tôt, pour ne "
            "pas surestimer l'échéance)"
        )
    elif isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value.strip())
        except ValueError:
            raise _Invalid("expected a date-time like 2021-02-23T09:00:00+01:00") from None
    else:
        raise _Invalid("expected a date-time like 2021-02-23T09:00:00+01:00")
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=LOCAL_ZONE)
        notes.append(f"{name} n'a pas de décalage UTC : lu à l'heure de Paris (Europe/Paris)")
    return stamp


def _controllers(value: Any) -> tuple[Controller, ...]:
    if not isinstance(value, list):
        raise _Invalid("expected a list of {name, dpo_email}")
    out = []
    for i, item in enumerate(value, 1):
        if isinstance(item, str):
            out.append(Controller(name=item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise _Invalid(f"item {i}: expected a mapping with a 'name'")
        unknown = set(item) - {"name", "dpo_email"}
        if unknown:
            raise _Invalid(f"item {i}: unknown key '{sorted(unknown)[0]}'")
        email = item.get("dpo_email")
        out.append(Controller(name=item["name"], dpo_email=str(email) if email else None))
    return tuple(out)
