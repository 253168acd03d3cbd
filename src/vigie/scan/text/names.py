"""Person names in notes: cue rules ("Mme X", "Dr X", "sa fille Marie", "née X") and
spaCy's French NER, filtered against the lexicon so drugs and lab jargon are not people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from vigie.scan.text.fold import fold
from vigie.scan.text.lexicon import load_lexicon
from vigie.scan.text.span import Span

_DOCTOR = r"(?:dr|docteur|pr|professeur)"
_CIVIL = r"(?:m|mr|mme|mmes|madame|monsieur|mlle|melle|mademoiselle)"
_KIN = (
    r"(?:sa|son|ses|leur|la|le)[\s-]+(?:fille|fils|mere|pere|epoux|epouse|mari|femme|"
    r"conjointe?|compagne|compagnon|soe?ur|frere|tante|oncle|grand[\s-]mere|grand[\s-]pere|"
    r"petite?[\s-]fille|petit[\s-]fils|niece|neveu|belle[\s-]fille|voisine?|aidante?|"
    r"tuteur|tutrice|ami|amie)"
)
# Who speaks for the patient: "tutelle : X", "personne de confiance : X".
_GUARDIAN = (
    r"(?:tutelle|curatelle|tuteur|tutrice|curateur|curatrice|mandataire|"
    r"personne\s+de\s+confiance)"
)
CUE = re.compile(
    rf"(?<!\w)(?:(?P<doctor>{_DOCTOR})|(?P<civil>{_CIVIL})|(?P<kin>{_KIN}|{_GUARDIAN})|"
    r"(?P<birth>nee|ne)|(?P<usage>epouse|ep|veuve|vve))\b\.?[\s,:]*"
)
# A name word as written: capitalised or upper case, hyphens and apostrophes inside.
NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ]*(?:['’-][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_PARTICLE = re.compile(r"(?:de|du|des|d'|le|la|van|von)\s+")
# A surname's leading particle as written in upper or title case: "Le Goff", "LE GALL".
_LEAD = re.compile(r"(?:Le|La|De|Du|Des|Van|Von|LE|LA|DE|DU|DES|VAN)\s+(?=[A-ZÀ-Þ])")


# "Biolab SA": a company, whatever the model says.
_COMPANY = re.compile(r"\s(?:SA|SAS|SARL|EURL|SCP|SELARL|SELAS|GIE)\b")


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("vigie.scan.text").joinpath("data", name).read_text("utf-8")
    words = {w for line in text.splitlines() if not line.startswith("#") for w in line.split()}
    # "œ" folds to one letter ("sœur" -> "sour"): list that spelling too.
    return frozenset(words | {w.replace("oe", "o") for w in words})


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Common French first names, folded."""
    return _word_list("first_names.txt")


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Words that are never taken for names: jargon, function words, the lexicon."""
    return _word_list("not_names.txt") | load_lexicon().words


def is_name_word(word: str) -> bool:
    """Whether a capitalised word may be part of a person's name."""
    key = fold(word).strip("'’-")
    return len(key) > 1 and key not in not_names() and not any(c.isdigit() for c in key)


def name_run(text: str, pos: int, limit: int = 3) -> list[tuple[int, int]]:
    """The name words starting at ``pos`` (at most ``limit``), as (start, end) pairs."""
    words: list[tuple[int, int]] = []
    while len(words) < limit:
        # "Michel LE GOFFET": a capitalised particle opens a surname anywhere in the run.
        lead = _LEAD.match(text, pos)
        particle = lead or (_PARTICLE.match(text, pos) if words else None)
        start = particle.end() if particle else pos
        m = NAME_WORD.match(text, start)
        # After "LE"/"De" the next capitalised word is the surname's core, even when it
        # is also a function word ("LE DU", "De La").
        if not m or not (is_name_word(m.group()) or (lead and m.group().isalpha())):
            break
        words.append((pos if lead else m.start(), m.end()))
        gap = re.match(r"[ \t]+", text[m.end() :])
        if not gap:
            break
        pos = m.end() + gap.end()
    return words


def word_element(word: str, default: str = "identity.last_name") -> str:
    """First name when the word is a known first name, else ``default``."""
    key = fold(word).lower()
    parts = key.split("-")
    if key in first_names() or all(p in first_names() for p in parts):
        return "identity.first_name"
    return default


def cue_names(text: str, folded: str) -> list[Span]:
    """Names announced by a title, a kinship word or "née"/"épouse"."""
    spans: list[Span] = []
    for cue in CUE.finditer(folded):
        words = name_run(text, cue.end())
        kind = cue.lastgroup or "civil"
        by_case = _by_case([text[s:e] for s, e in words], surname_first=kind == "civil")
        for i, (start, end) in enumerate(words):
            if kind == "doctor":
                element = "provider.prescriber"
            elif kind == "birth":
                element = "identity.birth_name"
            elif kind == "usage":
                element = "identity.last_name"
            else:
                element = by_case[i]
            detail = f"a name after a {kind} cue"
            spans.append(Span(start, end, element, f"name.cue.{kind}", detail=detail))
    return spans


def _by_case(words: list[str], surname_first: bool) -> list[str]:
    """First or last name for each word of a run.

    French writes the surname in capitals ("Claire PAUL", "PAUL Claire"): when the run
    mixes capitals and title case, case decides; otherwise the first-name list does.
    When every word of a longer run is a known first name ("SOPHIE VINCENT"), order
    decides: after a title the surname comes first ("Madame Bernard Chantal"), after a
    kinship word last ("sa sœur Sophie Vincent").
    """
    upper = [w.isupper() for w in words]
    if any(upper) and not all(upper):
        return ["identity.last_name" if u else "identity.first_name" for u in upper]
    elements = [word_element(w) for w in words]
    if len(words) > 1 and all(e == "identity.first_name" for e in elements):
        elements[0 if surname_first else -1] = "identity.last_name"
    return elements


def known_first_names(text: str) -> list[Span]:
    """Capitalised known first names inside a sentence ("message laissé à Hélène")."""
    spans: list[Span] = []
    for m in NAME_WORD.finditer(text):
        word = m.group()
        if word.isupper() or m.start() == 0 or text[: m.start()].rstrip()[-1:] in ".!?:\n":
            continue
        if word_element(word) == "identity.first_name" and is_name_word(word):
            detail = "a known first name written with a capital inside a sentence"
            spans.append(
                Span(m.start(), m.end(), "identity.first_name", "name.first_list", detail=detail)
            )
    return spans


def needs_ner(text: str, covered: Iterable[tuple[int, int]]) -> bool:
    """Whether a note has a capitalised word that no rule explains: only those go to NER."""
    taken = list(covered)
    for m in NAME_WORD.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if is_name_word(m.group()):
            return True
    return False


def ner_names(text: str, entities: Iterable[tuple[int, int, str]]) -> list[Span]:
    """Person names from NER entities (start, end, label), minus jargon and drugs.

    In a note typed all in capitals the model reads a title-cased copy, where every word
    looks like a name ("Aucun Antécédent Particulier"): there an entity counts only when
    it holds a known first name.
    """
    spans: list[Span] = []
    capitals = text.isupper()
    for start, end, label in entities:
        if label != "PER" or _COMPANY.search(text[start : end + 7]):
            continue
        if capitals and not any(
            word_element(m.group()) == "identity.first_name"
            for m in NAME_WORD.finditer(text, start, end)
        ):
            continue
        for m in NAME_WORD.finditer(text, start, end):
            if is_name_word(m.group()):
                element = word_element(m.group())
                detail = "a person name found by the French NER model"
                spans.append(Span(m.start(), m.end(), element, "name.ner", detail=detail))
    return spans
