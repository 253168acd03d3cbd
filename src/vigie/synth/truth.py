"""Ground truth: which rows expose what of whom, and how registries link to persons."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from vigie.vocabulary import ELEMENTS as VOCABULARY

# `text.free` is a kind of column, not an exposure: the truth never lists it.
ELEMENTS = tuple(e for e in VOCABULARY if e != "text.free")
BIT = {e: np.int64(1) << np.int64(i) for i, e in enumerate(ELEMENTS)}


def nonempty(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "M":
        return ~np.isnat(values)
    if values.dtype.kind in "iuf":
        return np.ones(len(values), dtype=bool)
    return np.array([v is not None and v != "" for v in values.tolist()], dtype=bool)


def masks_from_strings(joined: np.ndarray) -> np.ndarray:
    """'a|b' strings -> element bitmasks."""
    cache: dict[str, np.int64] = {"": np.int64(0)}
    out = np.zeros(len(joined), dtype=np.int64)
    for i, s in enumerate(joined.tolist()):
        if s not in cache:
            m = np.int64(0)
            for e in s.split("|"):
                m |= BIT[e]
            cache[s] = m
        out[i] = cache[s]
    return out


def row_masks(elements: list[str], arrays: list[np.ndarray], note_mask: np.ndarray) -> np.ndarray:
    mask = note_mask.copy()
    for element, values in zip(elements, arrays, strict=True):
        if element and element != "text.free":
            mask[nonempty(values)] |= BIT[element]
    return mask


def to_strings(masks: np.ndarray) -> list[str]:
    cache: dict[int, str] = {}
    out = []
    for m in masks.tolist():
        if m not in cache:
            cache[m] = "|".join(sorted(e for e in ELEMENTS if m & int(BIT[e])))
        out.append(cache[m])
    return out


class TruthWriter:
    """Accumulates truth while files are written, then writes truth/."""

    def __init__(self, out: Path, extra: tuple[str, ...] = ()) -> None:
        """`extra`: more leak_rows.csv columns after the flat shape's seven (the relational
        shape's parent_table, parent_row, orphan)."""
        self.dir = out
        self.dir.mkdir(parents=True, exist_ok=True)
        self.rows_f = (self.dir / "leak_rows.csv").open("w", encoding="utf-8", newline="")
        self.rows = csv.writer(self.rows_f, lineterminator="\n")
        flat = ["file", "table", "row", "person_id", "elements", "note_elements", "nir_status"]
        self.rows.writerow([*flat, *extra])
        self.columns: list[list[str]] = []

    def table(
        self,
        file: str,
        table: str,
        columns: list[tuple[str, str]],
        person_ids: np.ndarray,
        masks: np.ndarray,
        note_elements: np.ndarray,
        nir_status: np.ndarray,
        extra: tuple[np.ndarray, ...] = (),
    ) -> None:
        self.columns += [[file, table, name, element] for name, element in columns]
        self.rows.writerows(
            zip(
                [file] * len(masks),
                [table] * len(masks),
                range(1, len(masks) + 1),
                person_ids.tolist(),
                to_strings(masks),
                note_elements.tolist(),
                nir_status.tolist(),
                *(values.tolist() for values in extra),
                strict=True,
            )
        )

    def close(self) -> None:
        self.rows_f.close()
        with (self.dir / "columns.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["file", "table", "column", "element"])
            w.writerows(self.columns)


def write_csv(path: Path, header: list[str], rows: object) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)  # type: ignore[arg-type]
