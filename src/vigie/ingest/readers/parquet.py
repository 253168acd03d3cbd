"""Parquet reader (pyarrow), in record batches; every value becomes text, NULL stays None."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigie.errors import InputError
from vigie.ingest.readers.base import ProgressCallback, RowItem, SourceTable

BATCH_ROWS = 50_000


def read_parquet(path: Path, on_bytes: ProgressCallback) -> Iterator[SourceTable]:
    """Yield the file's one table; rows stream batch by batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        fault = f"cannot read the Parquet file ({type(exc).__name__})"
        raise InputError(fault, path=path) from None
    columns = list(parquet.schema_arrow.names)
    yield SourceTable(path.stem, columns, _rows(parquet, path, on_bytes))


def _rows(parquet: Any, path: Path, on_bytes: ProgressCallback) -> Iterator[RowItem]:
    import pyarrow as pa

    try:
        yield from _batches(parquet, path, on_bytes)
    except (pa.ArrowException, OSError) as exc:
        # Pages are decoded lazily: a damaged page shows only when its batch is read.
        fault = f"cannot read the Parquet data ({type(exc).__name__})"
        raise InputError(fault, path=path, where="a row group") from None
    finally:
        parquet.close()


def _batches(parquet: Any, path: Path, on_bytes: ProgressCallback) -> Iterator[RowItem]:
    size = path.stat().st_size
    groups = max(parquet.metadata.num_row_groups, 1)
    number = 0
    done_groups = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        texts = []
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            try:
                texts.append(column_text(column))
            except UnicodeDecodeError:
                # Arrow trusts a string page's bytes; a damaged or forged file breaks that.
                row = number + _first_bad_text(column) + 1
                where = f"row {row:,}, column {name!r}"
                raise InputError("text that is not valid UTF-8", path=path, where=where) from None
        for values in zip(*texts, strict=True):
            number += 1
            yield number, values
        # Progress by row group share: batches do not say how many bytes they used.
        now_groups = min(groups, done_groups + 1)
        on_bytes(size * now_groups // groups - size * done_groups // groups)
        done_groups = now_groups


def _first_bad_text(column: Any) -> int:
    """Index of the first value of a string column whose bytes are not UTF-8."""
    import pyarrow as pa

    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    for index, value in enumerate(column.cast(pa.large_binary()).to_pylist()):
        if value is not None:
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return index
    return 0


def column_text(column: Any) -> list[str | None]:
    """One Arrow column as text: dates ISO, nested values as JSON, NULL as None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.dictionary_decode()
        kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return list(column.to_pylist())
    if pa.types.is_temporal(kind) and not pa.types.is_date(kind):
        return [_temporal(v) for v in column.to_pylist()]
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return [_binary(v) for v in column.to_pylist()]
    if pa.types.is_nested(kind):
        return [
            None if v is None else json.dumps(v, ensure_ascii=False, default=str)
            for v in column.to_pylist()
        ]
    try:
        return list(pc.cast(column, pa.string()).to_pylist())
    except pa.ArrowNotImplementedError:
        return [None if v is None else str(v) for v in column.to_pylist()]


def _temporal(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def _binary(value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "\\x" + value.hex()
