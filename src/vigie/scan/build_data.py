"""Maintainer script: regenerate the reference lists in scan/data/ (not used at run time).

    python -m vigie.scan.build_data COMMUNES_JSON

- communes.csv.gz: every French commune (current, delegated, associated, municipal
  arrondissements) from the npm package @etalab/decoupage-administratif 6.0.0
  (`npm pack @etalab/decoupage-administratif@6.0.0`, file data/communes.json; data from
  INSEE's COG and La Poste's base officielle des codes postaux, Licence Ouverte 2.0):
  insee code, name, département, postcodes (";"-joined).
- first_names.txt.gz: first names of Faker's person providers (MIT) for the locales
  France's population draws on, upper-cased without accents, one per line.
"""

from __future__ import annotations

import csv
import gzip
import importlib
import io
import json
import sys
from pathlib import Path

from vigie.scan.recognizers.text_norm import fold

DATA = Path(__file__).parent / "data"
LOCALES = [
    "fr_FR",
    "fr_BE",
    "fr_CH",
    "fr_CA",
    "fr_DZ",
    "fr_QC",
    "it_IT",
    "es_ES",
    "pt_PT",
    "pt_BR",
    "de_DE",
    "nl_NL",
    "en_GB",
    "en_US",
    "en_AU",
    "pl_PL",
    "ro_RO",
    "tr_TR",
    "ar_AA",
]


def build_communes(source: Path) -> None:
    """Write communes.csv.gz from decoupage-administratif's communes.json."""
    rows = json.loads(source.read_text(encoding="utf-8"))
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["insee", "name", "departement", "postcodes"])
    for row in sorted(rows, key=lambda r: (r["code"], r["nom"])):
        out.writerow(
            [
                row["code"],
                row["nom"],
                row.get("departement", ""),
                ";".join(row.get("codesPostaux", [])),
            ]
        )
    (DATA / "communes.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode(), mtime=0))


def build_first_names() -> None:
    """Write first_names.txt.gz from Faker's person providers."""
    names: set[str] = set()
    for locale in LOCALES:
        try:
            mod = importlib.import_module(f"faker.providers.person.{locale}")
        except ImportError:
            continue
        prov = mod.Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            pool = getattr(prov, attr, ())
            for name in pool.keys() if isinstance(pool, dict) else pool:
                folded = fold(name)
                if folded.replace(" ", "").replace("-", "").isalpha():
                    names.add(folded)
    text = "\n".join(sorted(names)) + "\n"
    (DATA / "first_names.txt.gz").write_bytes(gzip.compress(text.encode(), mtime=0))


if __name__ == "__main__":
    build_communes(Path(sys.argv[1]))
    build_first_names()
