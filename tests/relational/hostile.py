"""Two tables of a LIS that have nothing to do with its patients, numbered as they are.

`stocks` (reagent lots): `NUM_LOT` a dense unique run 100001..130000, which contains every
IPP of the 20,000-person synth (100001..~120100); `ID_REACTIF` numbers 1..25 and `QUANTITE`
1..28, inside the labs' `ID_LABO` 1..28 and the results' `ID_RESULTAT` 1..N.
`automates` (analysers): `ID` 1..28 (the labs' own numbering, mutually included with
`ID_LABO`), `NUM_SERIE` 28 distinct numbers drawn from the IPP range.
No column of either references anything, and nothing references them: a relation found
to or from them is spurious.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

LOTS = 30_000


def write(out: Path, seed: int) -> list[Path]:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    stocks = out / "stocks.csv"
    lots = 100_001 + rng.permutation(LOTS)
    _write(
        stocks,
        ["NUM_LOT", "ID_REACTIF", "QUANTITE"],
        zip(lots, rng.integers(1, 26, LOTS), rng.integers(1, 29, LOTS), strict=True),
    )
    automates = out / "automates.csv"
    serials = rng.choice(np.arange(100_001, 120_001), size=28, replace=False)
    _write(automates, ["ID", "NUM_SERIE"], zip(range(1, 29), serials, strict=True))
    return [stocks, automates]


def _write(path: Path, header: list[str], rows: object) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)  # type: ignore[arg-type]
