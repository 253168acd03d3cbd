"""FHIR R4 JSON: a Bundle, a single resource (or an array of them), or NDJSON bulk-export
files; a table per resource type.

Told from plain JSON by content (`fhir_format`): the first object's `resourceType` is a
FHIR resource type. Each resource type gets its own table (`SourceTable.name` = the type,
`Patient`), its rows the resources of that type in file order, its columns their fields
flattened to FHIR paths (fhir_flatten.py: `name[0].family`, `code.coding[0].display`,
`valueQuantity.value`, `subject.reference`...), ordered so that the items of one array sit
together (`name[0].family`, `name[1].family`, then `name[0].given[0]`...).

Keys declared for the loader's `_keys` catalog, as SQL dumps declare theirs:
- `id` is the table's primary key (FHIR's logical id of the resource);
- each `P.resolve().ofType(T).id` column (the id a Reference at `P` points to) is a
  foreign key to table `T`'s `id`: `Observation.subject.resolve().ofType(Patient).id ->
  Patient.id`. When `T` is in another file (bulk exports write a file per type) the key is
  stored unresolved with `ref_source = T`; scan resolves it to the table of type `T`.

A Bundle's entries become rows of their resources' types (the Bundle itself is no row;
entries of a Bundle nested in an entry are read too, MAX_BUNDLE_DEPTH deep); `urn:uuid:`
references resolve through the entries' `fullUrl`. NDJSON lines that are not a FHIR
resource go to quarantine, counted in the table of the file's first type, with their
line number. A Bundle is read three times (fullUrls, columns, rows), NDJSON twice;
neither pass holds the file in memory.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.readers.base import BadRow, DeclaredKey, ProgressCallback, RowItem, SourceTable
from vigie.ingest.readers.fhir_flatten import DECODER, TooWide, entry_target, flatten
from vigie.ingest.readers.fhir_types import RESOURCE_TYPES, is_type_name
from vigie.ingest.readers.jsonfile import JsonStream

MAX_COLUMNS = 16_384  # the loader's limit, checked here to name the line that crosses it
MAX_TYPES = 256  # resource types in one file (R5 has about 160)
MAX_BUNDLE_DEPTH = 4
BUFFER_ROWS = 5_000  # rows held per type before they go to the loader
BUFFER_CELLS = 400_000
_LEADING_TYPE = re.compile(r'\s*\[?\s*\{\s*"resourceType"\s*:\s*"([A-Za-z]{1,64})"')
_RESOLVED = re.compile(r"(.+)\.resolve\(\)\.ofType\(([A-Za-z]+)\)\.id")
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class _Item:
    """One resource of the file, or one line that is not a resource (NDJSON)."""

    place: str  # "line 12", "entry 3", "entry 3, entry 1", "the resource"
    resource: Mapping[str, Any] | None
    full_url: object = None
    bad: str = ""  # why the line is not a resource
    raw: str = ""


# --- detection -----------------------------------------------------------------------


def fhir_format(text: str, suffix: str) -> str | None:
    """`fhir_ndjson`, `fhir_json` or None, from the start of a JSON or JSON-lines file."""
    first, _, rest = text.partition("\n")
    lines = suffix in {".ndjson", ".jsonl"} or (
        first.strip().startswith("{") and rest.lstrip().startswith("{") and _object(first)
    )
    if lines:
        return "fhir_ndjson" if _known(first) else None
    return "fhir_json" if _known(text) else None


def _object(text: str) -> dict[str, Any] | None:
    """The JSON object the text holds (or the first of the array it holds), or None."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, dict) else None


def _known(text: str) -> bool:
    """The text starts a JSON object whose resourceType is a FHIR type (first key, as
    servers write it, or anywhere when the whole object is in the text)."""
    match = _LEADING_TYPE.match(text)
    if match is not None:
        return match[1] in RESOURCE_TYPES
    whole = _object(text)
    return whole is not None and whole.get("resourceType") in RESOURCE_TYPES


# --- readers -------------------------------------------------------------------------


def read_fhir_ndjson(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """NDJSON (Bulk Data export): one resource per line, usually one type per file."""
    columns = _plan(path, _ndjson_items(path, None), {})
    yield from _emit(path, columns, _ndjson_items(path, on_bytes), {})


def read_fhir_json(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """A JSON document holding a Bundle (its entries' resources) or a single resource."""
    urls: dict[str, tuple[str, str]] = {}
    for item in _document_items(path, None):
        if item.resource is not None and isinstance(item.full_url, str):
            target = entry_target(item.full_url, item.resource)
            if target is not None:
                urls[item.full_url] = target
    columns = _plan(path, _document_items(path, None), urls)
    yield from _emit(path, columns, _document_items(path, on_bytes), urls)


def _flat(path: Path, item: _Item, urls: Mapping[str, tuple[str, str]]) -> dict[str, str | None]:
    assert item.resource is not None
    try:
        return flatten(item.resource, urls)
    except TooWide as exc:
        fault = f"{exc}: not a FHIR resource vigie reads"
        raise InputError(fault, path=path, where=item.place) from None
    except RecursionError:
        fault = "JSON nested deeper than vigie reads"
        raise InputError(fault, path=path, where=item.place) from None


def _plan(
    path: Path, items: Iterable[_Item], urls: Mapping[str, tuple[str, str]]
) -> dict[str, list[str]]:
    """Each resource type's columns, in display order (first pass)."""
    seen: dict[str, dict[str, None]] = {}
    for item in items:
        if item.resource is None:
            continue
        rtype = str(item.resource["resourceType"])
        columns = seen.get(rtype)
        if columns is None:
            if len(seen) >= MAX_TYPES:
                raise InputError(
                    f"more than {MAX_TYPES} resource types in one file", path=path, where=item.place
                )
            columns = seen[rtype] = {}
        before = len(columns)
        columns.update(dict.fromkeys(_flat(path, item, urls)))
        if len(columns) > MAX_COLUMNS > before:
            raise InputError(
                f"{rtype} resources with more than {MAX_COLUMNS:,} distinct fields: not a "
                "table vigie stores",
                path=path,
                where=item.place,
            )
    if not seen:
        raise InputError("no FHIR resource in the file", path=path)
    return {rtype: _ordered(columns) for rtype, columns in seen.items()}


def _ordered(columns: dict[str, None]) -> list[str]:
    """Columns by the first appearance of their path without indices, then by indices."""
    rank: dict[str, int] = {}
    keys = {}
    for column in columns:
        pattern = _INDEX.sub("[]", column)
        rank.setdefault(pattern, len(rank))
        keys[column] = (rank[pattern], tuple(int(i) for i in _INDEX.findall(column)))
    return sorted(columns, key=keys.__getitem__)


def declared_keys(columns: list[str]) -> list[DeclaredKey]:
    """`id` as primary key; each resolved-reference column as a foreign key to its type."""
    keys = [DeclaredKey("primary", ("id",))] if "id" in columns else []
    for column in columns:
        match = _RESOLVED.fullmatch(column)
        if match is not None:
            keys.append(DeclaredKey("foreign", (column,), match[2], "", ("id",)))
    return keys


def _emit(
    path: Path,
    columns: dict[str, list[str]],
    items: Iterable[_Item],
    urls: Mapping[str, tuple[str, str]],
) -> Iterator[SourceTable]:
    """Rows per type, handed to the loader in buffers (a type's numbers continue)."""
    keys = {rtype: declared_keys(cols) for rtype, cols in columns.items()}
    first = next(iter(columns))  # lines that are no resource are counted in this table
    numbers: dict[str, int] = defaultdict(int)
    buffers: dict[str, list[RowItem]] = defaultdict(list)
    for item in items:
        rtype = first if item.resource is None else str(item.resource["resourceType"])
        if rtype not in columns:
            continue  # the file changed between the passes
        numbers[rtype] += 1
        number = numbers[rtype]
        buffer = buffers[rtype]
        if item.resource is None:
            buffer.append(BadRow(number, f"{item.place}: {item.bad}", item.raw))
        else:
            flat = _flat(path, item, urls)
            buffer.append((number, tuple(flat.get(c) for c in columns[rtype])))
        if len(buffer) >= BUFFER_ROWS or len(buffer) * len(columns[rtype]) >= BUFFER_CELLS:
            yield SourceTable(rtype, columns[rtype], buffer, keys[rtype])
            buffers[rtype] = []
    for rtype in columns:
        if buffers[rtype] or not numbers[rtype]:
            yield SourceTable(rtype, columns[rtype], buffers[rtype], keys[rtype])


# --- items ---------------------------------------------------------------------------


def _resources(resource: Any, place: str, full_url: object, depth: int) -> Iterator[_Item]:
    """The resource, or the resources of a Bundle's entries."""
    if resource.get("resourceType") == "Bundle" and depth < MAX_BUNDLE_DEPTH:
        entries = resource.get("entry")
        for i, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
            yield from _entry(entry, f"{place}, entry {i}" if place else f"entry {i}", depth + 1)
        return
    yield _Item(place or "the resource", resource, full_url)


def _entry(entry: Any, place: str, depth: int) -> Iterator[_Item]:
    if not isinstance(entry, dict):
        raise InputError("a Bundle entry that is not a JSON object", where=place)
    resource = entry.get("resource")
    if resource is None:
        return  # a response or a deletion: no resource to store
    if not isinstance(resource, dict) or not is_type_name(resource.get("resourceType")):
        raise InputError("a Bundle entry whose resource has no resourceType", where=place)
    yield from _resources(resource, place, entry.get("fullUrl"), depth)


def _ndjson_items(path: Path, on_bytes: ProgressCallback | None) -> Iterator[_Item]:
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if on_bytes is not None:
                on_bytes(len(line))
            if not line.strip():
                continue
            place = f"line {number}"
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raw = line.decode("utf-8", "backslashreplace").rstrip("\r\n")
                yield _Item(place, None, bad="bytes that are not valid utf-8", raw=raw)
                continue
            raw = text.rstrip("\r\n")
            try:
                value = DECODER.decode(text)
            except json.JSONDecodeError as exc:
                yield _Item(place, None, bad=f"not valid JSON ({exc.msg})", raw=raw)
                continue
            except RecursionError:
                yield _Item(place, None, bad="JSON nested deeper than vigie reads", raw=raw)
                continue
            if not isinstance(value, dict) or not is_type_name(value.get("resourceType")):
                yield _Item(place, None, bad="not a FHIR resource (no resourceType)", raw=raw)
                continue
            try:
                yield from _resources(value, place, None, 0)
            except InputError as exc:
                raise InputError(str(exc), path=path) from None


def _document_items(path: Path, on_bytes: ProgressCallback | None) -> Iterator[_Item]:
    stream = JsonStream(path, on_bytes, DECODER)
    try:
        yield from _top_level(stream, path)
    except InputError as exc:
        if exc.path is not None:
            raise
        raise InputError(str(exc), path=path) from None
    finally:
        stream.close()


def _top_level(stream: JsonStream, path: Path) -> Iterator[_Item]:
    """A Bundle's entries streamed one by one when `resourceType` comes before `entry`
    (as servers write it); otherwise the object read whole. A JSON array of resources
    (not a FHIR form, but a common way to save several) is read item by item."""
    if stream.peek() == "[":
        for i, item in enumerate(stream.elements(), start=1):
            if not isinstance(item, dict) or not is_type_name(item.get("resourceType")):
                raise InputError("an array item that is not a FHIR resource", where=f"item {i}")
            yield from _resources(item, f"item {i}", None, 0)
        return
    if stream.peek() != "{":
        stream.fail("a FHIR JSON document is one JSON object")
    stream.expect("{")
    head: dict[str, Any] = {}
    streamed = False
    while stream.peek() != "}":
        key = stream.value()
        if not isinstance(key, str):
            stream.fail("expected a field name")
        stream.expect(":")
        if key == "entry" and head.get("resourceType") == "Bundle" and stream.peek() == "[":
            streamed = True
            for i, entry in enumerate(stream.elements(), start=1):
                yield from _entry(entry, f"entry {i}", 1)
        else:
            head[key] = stream.value()
        if stream.peek() == ",":
            stream.expect(",")
    stream.expect("}")
    if not is_type_name(head.get("resourceType")):
        raise InputError("a JSON object with no FHIR resourceType", path=path)
    if not streamed:
        yield from _resources(head, "", None, 0)
