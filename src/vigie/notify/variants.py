"""The letter variants as data: adult or minor (to the legal representatives), and the
risk tier's wording (from person_risk). `letter_fields` turns one person into the fields
the Typst template reads; the fixed text lives in the template and in `IncidentText`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from vigie import french
from vigie.french import enumerate_fr
from vigie.notify import wording

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MAJORITY = 18
CNIL_COMPLAINT = (
    "Vous pouvez aussi adresser une réclamation à la CNIL (www.cnil.fr/plaintes, ou 3 place "
    "de Fontenoy, TSA 80715, 75334 Paris Cedex 07). La CNIL ne peut pas vous dire si vous "
    "figurez dans le fichier : adressez-vous à nous."
)
DEFAULT_MEASURES = (
    "Dès que nous avons été informés, nous avons fait couper l'accès au logiciel en cause, "
    "demandé le retrait des données publiées, notifié l'incident à la CNIL et aux autorités "
    "sanitaires, et porté plainte. Nous analysons le fichier pour informer chaque personne "
    "concernée de ce qui la concerne, et nous renforçons la sécurité de nos systèmes."
)


def french_date(day: date) -> str:
    """`1er mars 2021`, `12 février 2021`."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class IncidentText:
    """What every letter of the incident says the same way."""

    occurred: date | None
    aware: date | None
    cause: str
    processor: str | None
    published: bool
    letter_date: date
    verify_url: str | None
    measures: str = DEFAULT_MEASURES


def is_minor(birth_date: date | None, on: date) -> bool:
    if birth_date is None:
        return False
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return age < MAJORITY


def variant_name(minor: bool) -> str:
    return "minor" if minor else "adult"


PART_WIDTHS_MM = {"verification": 140}
BODY_WIDTH_MM = 172


def of_name(name: str) -> str:
    """`du Laboratoire X`, `de Biolam`: the French contraction before an organisation."""
    return f"du {name}" if name.startswith("Laboratoire ") else french.of(name)


def _happened(inc: IncidentText, sender: str, minor: bool) -> str:
    when = f"Le {french_date(inc.occurred)}, d" if inc.occurred else "D"
    cause = wording.CAUSES.get(inc.cause, wording.CAUSES["other"])
    via = f" depuis le logiciel de notre prestataire ({inc.processor})" if inc.processor else ""
    text = f"{when}es données de patients {of_name(sender)} {cause}{via}."
    if inc.published:
        text += " Elles ont ensuite été diffusées sur internet."
    if inc.aware:
        text += f" Nous en avons été informés le {french_date(inc.aware)}."
    who = (
        "concernant votre enfant, dont vous êtes le représentant légal,"
        if minor
        else "vous concernant"
    )
    return text + f" Nous vous écrivons parce que des informations {who} y figurent."


def _consequences(elements: set[str], minor: bool) -> str:
    items = wording.consequences_for(elements)
    target = "contre son intérêt" if minor else "contre vous"
    if not items:
        return f"Ces informations pourraient être utilisées {target}, même si le risque est faible."
    risks = "le risque principal est" if len(items) == 1 else "les risques principaux sont"
    return f"Ces informations pourraient être utilisées {target} : {risks} {enumerate_fr(items)}."


def _verify_how(inc: IncidentText, dpo: str) -> str:
    return f"sur {inc.verify_url}" if inc.verify_url else f"auprès de notre délégué ({dpo})"


def _salutation(sex: str, minor: bool) -> str:
    if minor:
        return "Madame, Monsieur"
    return {"F": "Madame", "M": "Monsieur"}.get(sex, "Madame, Monsieur")


@dataclass(frozen=True)
class LetterText:
    """One letter: its personal fields (placed live) and its parts (shared, typeset once)."""

    live: dict[str, Any]
    parts: dict[str, dict[str, Any]]


def letter_text(
    person: dict[str, Any],
    *,
    address: tuple[str, ...],
    minor: bool,
    tier: str,
    elements: list[str],
    sender: str,
    dpo: str,
    inc: IncidentText,
    with_parts: bool = True,
) -> LetterText:
    """The fields of one letter (no id, code or QR yet: see issue.py); `with_parts=False`
    skips the shared parts when the caller already has them for this kind of letter."""
    present = set(elements)
    child = address[1] if minor else ""
    subject = f"concernant {child}" if minor else "vous concernant"
    which = "concernant votre enfant" if minor else "vous concernant"
    live = {
        "variant": variant_name(minor),
        "address": list(address),
        "date": f"Le {french_date(inc.letter_date)}",
        "subject": f"Violation de données personnelles {subject}",
        "salutation": _salutation((person.get("sex") or "").upper(), minor),
    }
    if not with_parts:
        return LetterText(live, {})
    signature = f"La direction du {sender}" if sender.startswith("Laboratoire") else sender
    parts: dict[str, dict[str, Any]] = {
        "sender": {"name": sender, "dpo": dpo},
        "happened": {"text": _happened(inc, sender, minor)},
        "exposure": {
            "which": f"D'après notre analyse du fichier, les informations suivantes {which} "
            "ont été exposées :",
            "elements": wording.element_phrases(present, minor=minor),
            "tier_sentence": wording.tier_sentence(tier, minor=minor),
            "consequences": _consequences(present, minor),
        },
        "advice": {"measures": inc.measures, "advice": wording.advice_for(present, minor=minor)},
        "verification": {"how": _verify_how(inc, dpo)},
        "rights": {
            "text": "Pour toute question, écrivez à notre délégué à la protection des données : "
            f"{dpo}. {CNIL_COMPLAINT}",
            "signature": signature,
        },
    }
    return LetterText(live, parts)
