"""Postal address blocks to the French norm NF Z10-011 (DOMAIN.md §6).

At most 6 lines of at most 38 characters, from the person to the town; lines 4-6 in
capitals without accents or punctuation; the last line is `POSTCODE TOWN`. An address
that cannot be made to fit is reported (`AddressProblem`), never cut.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_LINES = 6
MAX_CHARS = 38
STREET_LABEL_MAX = 32  # abbreviate the street type only past this (La Poste)

# La Poste's usual abbreviations, used only when the street label is too long.
ABBREVIATIONS = {
    "ALLEE": "ALL",
    "AVENUE": "AV",
    "BOULEVARD": "BD",
    "CHEMIN": "CHE",
    "FAUBOURG": "FG",
    "IMPASSE": "IMP",
    "LIEU DIT": "LD",
    "PLACE": "PL",
    "QUAI": "QUAI",
    "RESIDENCE": "RES",
    "ROUTE": "RTE",
    "SQUARE": "SQ",
    "GENERAL": "GAL",
    "MARECHAL": "MAL",
    "PRESIDENT": "PDT",
    "SAINT": "ST",
    "SAINTE": "STE",
    "DOCTEUR": "DR",
    "PROFESSEUR": "PR",
}
_DELIVERY = re.compile(r"^(appt|appartement|apt|porte|logement|log|etage|esc|escalier|bal|chez)\b")
_BUILDING = re.compile(
    r"^(bat|batiment|residence|res|immeuble|imm|entree|tour|ehpad|foyer|cite|hameau)\b"
)
_SPECIAL = re.compile(r"^(bp|cs|tsa|lieu dit|lieudit|ld|poste restante)\b")
_NUMBER = re.compile(r"^(\d+)\s*(bis|ter|quater|[a-d])?\b\s*(.*)$", re.IGNORECASE)
_SUFFIX = {"bis": "B", "ter": "T", "quater": "Q"}


@dataclass(frozen=True)
class AddressProblem:
    """Why an address cannot be printed to the norm (no personal value in `reason`)."""

    code: str  # no_address | line_too_long | too_many_lines | bad_postcode
    reason: str


@dataclass(frozen=True)
class Recipient:
    sex: str | None
    first_names: str | None
    surname: str | None
    address: str | None
    postcode: str | None
    city: str | None
    minor: bool = False


@lru_cache(maxsize=65536)
def plain_upper(text: str) -> str:
    """Capitals without accents or punctuation, single spaces (lines 4-6 of the norm);
    kept for the next call (towns and street names repeat across 500,000 letters)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = ascii_only.replace("Œ", "OE").replace("œ", "oe").replace("Æ", "AE")
    cleaned = re.sub(r"[^0-9A-Za-z]+", " ", ascii_only.replace("æ", "ae"))
    return " ".join(cleaned.upper().split())


def _squash(text: str) -> str:
    return " ".join(text.split())


def name_line(r: Recipient) -> str | None:
    """Line 1: civility, usual (first) first name, NAME; the initial when too long."""
    surname = _squash(r.surname or "").upper()
    first = _squash(r.first_names or "").split(" ")[0] if r.first_names else ""
    civility = "" if r.minor else {"M": "M.", "F": "Mme"}.get((r.sex or "").upper(), "")
    for given in (first, f"{first[:1]}." if first else ""):
        line = _squash(" ".join(p for p in (civility, given, surname) if p))
        if len(line) <= MAX_CHARS:
            return line
    return None


def street_line(part: str) -> str:
    """Line 4: number (5 bis -> 5 B, 4 a 8 -> 4), type and name, abbreviated if long."""
    text = plain_upper(part)
    text = re.sub(r"^(\d+)\s*(?:A|AU|ET)\s+\d+\b", r"\1", text)  # 4 a 8 -> 4 (after cleaning)
    text = re.sub(r"^(\d+)\s+(\d+)\b", r"\1", text) if re.match(r"^\d+\s+\d+\s", text) else text
    match = _NUMBER.match(text)
    if match:
        number, suffix, label = match.groups()
        suffix = _SUFFIX.get((suffix or "").lower(), (suffix or "").upper())
        head = f"{number} {suffix}".strip()
    else:
        head, label = "", text
    if len(label) > STREET_LABEL_MAX:
        label = " ".join(ABBREVIATIONS.get(w, w) for w in label.split())
    return _squash(f"{head} {label}")


def _classify(parts: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    delivery: list[str] = []
    building: list[str] = []
    street: list[str] = []
    special: list[str] = []
    for part in parts:
        key = plain_upper(part).lower()
        if _DELIVERY.match(key):
            delivery.append(_squash(part))
        elif _BUILDING.match(key):
            building.append(_squash(part))
        elif _SPECIAL.match(key):
            special.append(plain_upper(part))
        elif re.match(r"^\d", key) or not street:
            street.append(street_line(part))
        else:
            building.append(_squash(part))
    return delivery, building, street, special


MINOR_HEAD = "Aux représentants légaux de l'enfant"


def format_address(r: Recipient) -> tuple[str, ...] | AddressProblem:
    """The lines of the block, or the reason it cannot be made to fit the norm."""
    if not (r.address and r.address.strip() and r.postcode and r.city):
        return AddressProblem("no_address", "no street, postcode or town")
    postcode = re.sub(r"\s", "", r.postcode)
    if not re.fullmatch(r"\d{5}", postcode):
        return AddressProblem("bad_postcode", "postcode is not 5 digits")
    name = name_line(r)
    if name is None:
        return AddressProblem("line_too_long", "line 1 (name) over 38 characters")
    delivery, building, street, special = _classify([p for p in r.address.split(",") if p.strip()])
    # "de l'enfant" then the name: no elision to get wrong ("de Aaron") across two lines
    head = [MINOR_HEAD, name] if r.minor else [name]
    lines = [*head, *delivery, *building, *street, *special, f"{postcode} {plain_upper(r.city)}"]
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_CHARS:
            return AddressProblem("line_too_long", f"line {number} over {MAX_CHARS} characters")
    if len(lines) > MAX_LINES:
        return AddressProblem("too_many_lines", f"{len(lines)} lines, the norm allows 6")
    return tuple(lines)
