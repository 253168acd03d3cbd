"""Reference lists shipped in vigie/scan/data (communes, first names), loaded once, lazily.

Sources: see vigie/scan/build_data.py and docs/recognizers.md.
"""

from __future__ import annotations

import csv
import gzip
import io
from functools import cache
from importlib import resources

from vigie.scan.recognizers.text_norm import key


def _read(name: str) -> str:
    data = resources.files("vigie.scan").joinpath("data", name).read_bytes()
    return gzip.decompress(data).decode("utf-8")


@cache
def _communes() -> tuple[tuple[str, str], ...]:
    """(name, postcodes) of every commune row, parsed once."""
    rows = csv.DictReader(io.StringIO(_read("communes.csv.gz")))
    return tuple((row["name"], row["postcodes"]) for row in rows)


@cache
def commune_keys() -> frozenset[str]:
    """Comparison keys (text_norm.key) of every French commune name, with and without article."""
    names: set[str] = set()
    for name, _ in _communes():
        k = key(name)
        names.add(k)
        for article in ("LE ", "LA ", "LES ", "L "):
            if k.startswith(article):
                names.add(k[len(article) :])
    return frozenset(names)


@cache
def postcodes() -> frozenset[str]:
    """Every postcode of La Poste's base (through decoupage-administratif)."""
    codes: set[str] = set()
    for _, joined in _communes():
        codes.update(c for c in joined.split(";") if c)
    return frozenset(codes)


@cache
def first_name_keys() -> frozenset[str]:
    """Comparison keys of the first-name list."""
    return frozenset(key(n) for n in _read("first_names.txt.gz").split("\n") if n)
