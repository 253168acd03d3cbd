"""One FHIR resource as a row: nested fields flattened to columns named by their FHIR path.

`{"name": [{"family": "X", "given": ["A", "B"]}]}` gives the columns `name[0].family`,
`name[0].given[0]` and `name[0].given[1]`. Values are stored as text, exactly as the
JSON holds them (numbers keep their digits, `true`/`false`, null stays NULL).

A Reference (an object with a `reference` string) that names a resource by type and id
(`Patient/123`, `https://host/fhir/Patient/123/_history/2`, or in a Bundle a `urn:uuid:`
that some entry's `fullUrl` holds) gets one more column beside it, holding the id alone:
`subject.resolve().ofType(Patient).id` = `123` (FHIRPath: the id of the resource the
reference resolves to, when it is a Patient). That column is what a declared foreign key
to the Patient table's `id` can join on; the reference itself stays as written.

Bounds (a real resource is far inside them; a hostile one cannot blow the table up):
- MAX_DEPTH path segments: a deeper object or array is kept whole, as JSON text, in the
  column of its path (as the plain JSON reader keeps nested values);
- MAX_ITEMS items of an array get columns; the rest are kept, as one JSON array text, in
  `path.skip(MAX_ITEMS)` (FHIRPath for "the items after the first MAX_ITEMS");
- MAX_FIELDS columns for one resource and MAX_PATH characters for a path: past those
  the file is refused (TooWide), naming the line or entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from vigie.ingest.readers.fhir_types import is_type_name

MAX_DEPTH = 16
MAX_ITEMS = 100
MAX_FIELDS = 10_000
MAX_PATH = 300
DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal)  # digits kept, no int limit

MAX_REFERENCE = 2_048  # characters: a longer "reference" names nothing vigie follows
_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


class TooWide(Exception):
    """The resource goes past MAX_FIELDS or MAX_PATH (the message says which)."""


def resolved_column(path: str, type_name: str) -> str:
    """The column holding the id a Reference at `path` points to, for a `type_name` target."""
    return f"{path}.resolve().ofType({type_name}).id"


def value_text(value: Any) -> str | None:
    """A JSON scalar as stored text (objects and arrays: their JSON text)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def parse_reference(text: str, urls: Mapping[str, tuple[str, str]]) -> tuple[str, str] | None:
    """(type, id) a reference names, or None (a contained `#id`, a search, a urn not in
    the Bundle). `urls`: a Bundle's fullUrl -> (type, id)."""
    if len(text) > MAX_REFERENCE:
        return None
    if text.startswith("urn:"):
        return urls.get(text)
    if "?" in text or text.startswith("#"):
        return None
    # Type/id, after a base URL or not, before /_history/version or not (FHIR R4 3.1.0.4.2)
    parts = text.split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) < 2 or not is_type_name(parts[-2]) or not _ID.fullmatch(parts[-1]):
        return None
    return parts[-2], parts[-1]


def entry_target(full_url: object, resource: Mapping[str, Any]) -> tuple[str, str] | None:
    """(type, id) a Bundle entry's fullUrl stands for, when the resource has a usable id."""
    rtype, rid = resource.get("resourceType"), resource.get("id")
    if not isinstance(full_url, str) or not is_type_name(rtype):
        return None
    if isinstance(rid, str) and _ID.fullmatch(rid):
        return str(rtype), rid
    return None


def flatten(
    resource: Mapping[str, Any], urls: Mapping[str, tuple[str, str]] | None = None
) -> dict[str, str | None]:
    """The resource's columns (path -> text), in the order they appear."""
    out: dict[str, str | None] = {}
    _object(resource, "", 0, out, urls or {})
    return out


def _put(out: dict[str, str | None], path: str, value: str | None) -> None:
    if len(path) > MAX_PATH:
        raise TooWide(f"a field path of {len(path):,} characters (over {MAX_PATH})")
    out[path] = value
    if len(out) > MAX_FIELDS:
        raise TooWide(f"more than {MAX_FIELDS:,} fields in one resource")


def _walk(
    value: Any, path: str, depth: int, out: dict[str, str | None], urls: Mapping[str, Any]
) -> None:
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            _put(out, path, value_text(value))
        else:
            _object(value, path, depth, out, urls)
    elif isinstance(value, list):
        if depth >= MAX_DEPTH:
            _put(out, path, value_text(value))
            return
        for i, item in enumerate(value[:MAX_ITEMS]):
            _walk(item, f"{path}[{i}]", depth + 1, out, urls)
        if len(value) > MAX_ITEMS:
            _put(out, f"{path}.skip({MAX_ITEMS})", value_text(value[MAX_ITEMS:]))
    else:
        _put(out, path, value_text(value))


def _object(
    obj: Mapping[str, Any], path: str, depth: int, out: dict[str, str | None], urls: Mapping
) -> None:
    for key, item in obj.items():
        _walk(item, f"{path}.{key}" if path else str(key), depth + 1, out, urls)
    reference = obj.get("reference")
    if path and isinstance(reference, str):
        target = parse_reference(reference, urls)
        if target is not None:
            _put(out, resolved_column(path, target[0]), target[1])
