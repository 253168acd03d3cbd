"""Scan: recognize and classify the personal and health data of a leak.

Library API (the `vigie scan` verb and the store integration build on it):
`profile_column`, `profile_table` -> `ColumnProfile`; the recognizer registry
(`all_recognizers`, `get`), `Recognition`, `nir_consistency`, `parse_date`.
"""

from vigie.scan.profile import ColumnProfile, profile_column, profile_table
from vigie.scan.recognizers import (
    Recognition,
    Recognizer,
    all_recognizers,
    get,
    nir_consistency,
    parse_date,
)

__all__ = [
    "ColumnProfile",
    "Recognition",
    "Recognizer",
    "all_recognizers",
    "get",
    "nir_consistency",
    "parse_date",
    "profile_column",
    "profile_table",
]
