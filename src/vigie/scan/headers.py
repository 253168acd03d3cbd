"""Header normalisation and hint lookup.

Headers are folded (accents, case), camelCase split (NomNaissance -> NOM_NAISSANCE) and
non-alphanumerics turned into `_`. A header matches a hint exactly, or after dropping a
trailing number (TEL2, ADRESSE_1), a table-like prefix (PAT_NOM, PATIENT_PRENOM) or the
underscores (DATENAISS).
"""

from __future__ import annotations

import re
from functools import cache

from vigie.scan.recognizers.analytes import analyte_of
from vigie.scan.recognizers.dates import EXAM_HINTS
from vigie.scan.recognizers.registry import all_recognizers
from vigie.scan.recognizers.text_norm import fold

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_PREFIXES = ("PATIENT_", "PAT_", "PATIENTS_", "PERSONNE_", "CLIENT_", "ASSURE_", "P_")
FREE_TEXT_HINTS = frozenset(
    {
        "COMMENTAIRE",
        "COMMENTAIRES",
        "COMMENT",
        "COMMENTS",
        "OBSERVATION",
        "OBSERVATIONS",
        "OBS",
        "NOTE",
        "NOTES",
        "REMARQUE",
        "REMARQUES",
        "TEXTE",
        "TEXT",
        "DESCRIPTION",
        "MEMO",
        "RENSEIGNEMENTS",
        "RENSEIGNEMENTS_CLINIQUES",
        "INFO",
        "INFOS",
        "CONCLUSION",
        "COMPTE_RENDU",
    }
)
# The label of a lab test in a results table ("Sérologie VIH 1/2", "TSH"): free text read
# with the health lexicon however short it is (a label alone can expose HIV or pregnancy).
LABEL_HINTS = frozenset(
    {
        "LIBELLE",
        "LIBELLE_ANALYSE",
        "LIBELLE_EXAMEN",
        "LIBELLE_TEST",
        "LIBELLE_RESULTAT",
        "INTITULE",
        "INTITULE_ANALYSE",
        "NOM_ANALYSE",
        "NOM_EXAMEN",
        "ANALYTE",
        "TEST_NAME",
    }
)
NOT_PERSONAL_DATE_HINTS = frozenset(
    {
        "DATE_MAJ",
        "DATE_CREATION",
        "DATE_MODIF",
        "DATE_MODIFICATION",
        "CREATED_AT",
        "UPDATED_AT",
        "TIMESTAMP",
        "DATE_IMPORT",
        "DATE_EXPORT",
        "DT_MAJ",
        "DT_CREATION",
    }
)


def normalise(header: str) -> str:
    """`Date de naissance` -> DATE_DE_NAISSANCE; `NomNaissance` -> NOM_NAISSANCE."""
    text = fold(_CAMEL.sub("_", header.strip()))
    return re.sub(r"[^A-Z0-9]+", "_", text).strip("_")


def variants(header: str) -> set[str]:
    """The forms of a header compared with the hint lists."""
    base = normalise(header)
    forms = {base, re.sub(r"_?\d+$", "", base)}
    for prefix in _PREFIXES:
        if base.startswith(prefix):
            forms.add(base[len(prefix) :])
    forms |= {f.replace("_", "") for f in list(forms)}
    return {f for f in forms if f}


@cache
def _hint_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for rec in all_recognizers():
        for hint in rec.header_hints:
            for form in (hint, hint.replace("_", "")):
                index.setdefault(form, set()).add(rec.name)
    return {k: frozenset(v) for k, v in index.items()}


def hinted_recognizers(header: str) -> frozenset[str]:
    """Names of the recognizers whose header hints match this header."""
    index = _hint_index()
    found: set[str] = set()
    for form in variants(header):
        found |= index.get(form, frozenset())
    if analyte_of(normalise(header)) is not None:  # names and units: see analytes.py
        found.add("analyte")
    return frozenset(found)


def _matches(header: str, hints: frozenset[str] | tuple[str, ...]) -> bool:
    keys = {h.replace("_", "") for h in hints} | set(hints)
    return bool(variants(header) & keys)


def is_exam_date(header: str) -> bool:
    """DATE_PRELEV, date_examen...: the date of an exam, not a birth."""
    return _matches(header, EXAM_HINTS)


def is_free_text(header: str) -> bool:
    """COMMENTAIRE, OBSERVATIONS, notes... and the label of a lab test."""
    return _matches(header, FREE_TEXT_HINTS) or is_label(header)


def is_label(header: str) -> bool:
    """LIBELLE, LIBELLE_ANALYSE, INTITULE...: a lab test's label, short free text."""
    return _matches(header, LABEL_HINTS)


def is_non_personal_date(header: str) -> bool:
    """Record timestamps (DATE_MAJ, created_at...)."""
    return _matches(header, NOT_PERSONAL_DATE_HINTS)
