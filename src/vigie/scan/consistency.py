"""Cross-column checks on row-aligned samples: the NIR against birth date and sex."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from vigie.scan.recognizers.nir_consistency import nir_consistency

if TYPE_CHECKING:
    from vigie.scan.profile import ColumnProfile

MAX_ROWS = 2000  # rows compared (the share is what matters)


def _column(profiles: list[ColumnProfile], element: str) -> str | None:
    return next((p.column for p in profiles if p.element == element), None)


def nir_consistency_share(
    nirs: Sequence[str | None],
    births: Sequence[str | None] | None,
    sexes: Sequence[str | None] | None,
) -> tuple[int, int]:
    """(rows compared, rows consistent) over the first MAX_ROWS rows with a NIR."""
    compared = consistent = 0
    for i, nir in enumerate(nirs):
        if compared >= MAX_ROWS:
            break
        if not nir:
            continue
        outcome = nir_consistency(nir, births[i] if births else None, sexes[i] if sexes else None)
        if outcome is None or outcome.detail == "nothing to compare":
            continue
        compared += 1
        consistent += outcome.valid
    return compared, consistent


def add_nir_consistency(
    profiles: list[ColumnProfile], columns: Mapping[str, Sequence[str | None]]
) -> list[ColumnProfile]:
    """Append to each NIR column's evidence how often it agrees with the same row."""
    if len({len(v) for v in columns.values()}) != 1:
        return profiles  # samples are not row-aligned
    birth = _column(profiles, "identity.birth_date")
    sex = _column(profiles, "identity.sex")
    if birth is None and sex is None:
        return profiles
    out = []
    for p in profiles:
        if p.element == "national_id.nir":
            compared, ok = nir_consistency_share(
                columns[p.column],
                columns[birth] if birth else None,
                columns[sex] if sex else None,
            )
            if compared:
                with_what = " and ".join(c for c in (birth, sex) if c)
                p = replace(
                    p,
                    evidence=f"{p.evidence}; {100 * ok / compared:.1f} % of "
                    f"{compared:,} rows consistent with {with_what}",
                )
        out.append(p)
    return out
