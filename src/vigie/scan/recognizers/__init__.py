"""Recognizers: one small module per kind of value, registered in registry.py."""

from vigie.scan.recognizers.base import Recognition, Recognizer
from vigie.scan.recognizers.dates import parse_date
from vigie.scan.recognizers.nir_consistency import nir_consistency
from vigie.scan.recognizers.registry import all_recognizers, get

__all__ = ["Recognition", "Recognizer", "all_recognizers", "get", "nir_consistency", "parse_date"]
