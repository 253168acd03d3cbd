"""What an agent reads out, per situation of a call: plain French, checked by Grammalecte
(tests/console/test_scripts_grammar.py) like every other text vigie writes for people.

A lookup has one main situation (the letter is genuine, the caller was found, nothing was
found, the code is unknown) and the caller's own ones (a minor, health data, a returned
letter, no letter...). The texts never hold a value of the person: what is particular to
them (which data leaked, the tier's wording, the advice) comes from the same tables as
their letter (notify.wording) and is shown beside the script.

Minors (notify/minors.py): a lookup by identity may be a parent's call, so the script
for any minor says the same thing, whatever the minor's letter was; only the code of a
minor's own letter, read out, gives the script that speaks to the minor alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vigie.french import typographic
from vigie.notify.variants import french_date, of_name

NO_ADDRESS = ("no_address", "bad_postcode", "address_too_long", "address_too_many_lines")


@dataclass(frozen=True)
class Script:
    situation: str
    title: str
    paragraphs: tuple[str, ...]
    warning: bool = False


_WHAT_WE_CAN_SAY = (
    "Je peux vous dire quelles catégories de données sont en cause et ce que nous vous "
    "conseillons de faire. Je ne peux pas vous lire les données elles-mêmes."
)
_NEW_ADDRESS_OFFER = (
    "Si vous le souhaitez, j'enregistre votre adresse actuelle : un nouveau courrier vous y "
    "sera envoyé, avec un nouveau code de vérification."
)

# situation -> (title, paragraphs, shown as a warning). Slots: {letter}, {date}, {of_issuer}.
SCRIPTS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "genuine": (
        "Courrier authentique",
        (
            "Le courrier {letter} est authentique : il a été émis le {date} au nom {of_issuer}.",
            _WHAT_WE_CAN_SAY,
        ),
        False,
    ),
    "found": (
        "Dossier retrouvé",
        (
            "J'ai retrouvé votre dossier : des données vous concernant figurent dans le "
            "fichier en cause.",
            _WHAT_WE_CAN_SAY,
        ),
        False,
    ),
    "not_found": (
        "Aucun dossier trouvé",
        (
            "Je ne trouve aucun dossier à partir de ces informations. Cela ne permet pas de "
            "savoir si des données vous concernant figurent dans le fichier : une faute de "
            "frappe ou un déménagement suffisent à ne rien trouver.",
            "Si vous avez reçu un courrier, le plus simple est de me lire le code de "
            "vérification qui y est imprimé.",
            "Vous pouvez aussi faire la demande par écrit au délégué à la protection des "
            "données du laboratoire, ou sur la page « Suis-je concerné ? » du site de "
            "vérification. La réponse vous sera envoyée par courrier, à l'adresse que le "
            "laboratoire connaît.",
        ),
        False,
    ),
    "unknown_code": (
        "Code inconnu : risque d'escroquerie",
        (
            "Ce code ne correspond à aucun de nos courriers. Relisons-le ensemble, caractère "
            "par caractère : les tirets et les majuscules n'ont pas d'importance.",
            "S'il ne correspond toujours pas, ce courrier ne vient pas de nous : il s'agit "
            "probablement d'une tentative d'escroquerie. Ne répondez pas, n'appelez aucun "
            "numéro qui y figure et ne communiquez ni vos coordonnées bancaires ni vos mots "
            "de passe.",
            "Vous pouvez signaler un SMS frauduleux en le transférant au 33700, et un courriel "
            "sur le site signal-spam.fr. Si vous avez déjà donné des informations ou payé, "
            "portez plainte auprès de la police ou de la gendarmerie.",
        ),
        True,
    ),
    "not_in_leak": (
        "Aucune donnée exposée",
        (
            "Votre dossier est connu, mais aucune donnée personnelle vous concernant ne "
            "figure parmi les données exposées : c'est pourquoi vous n'avez pas reçu de "
            "courrier.",
        ),
        False,
    ),
    "minor": (
        "Personne mineure",
        (
            "Ce dossier concerne une personne mineure. Les informations qui la concernent "
            "sont communiquées par courrier ; je ne peux pas en donner le détail par "
            "téléphone.",
            "Certaines informations de santé d'une personne mineure ne sont pas "
            "communiquées à ses parents, comme la loi le prévoit : je n'y ai pas accès et "
            "je ne peux rien en dire.",
        ),
        True,
    ),
    "minor_own": (
        "Courrier adressé à une personne mineure",
        (
            "Ce courrier a été adressé personnellement à la personne dont le nom figure "
            "sur l'enveloppe. Je ne peux en parler qu'avec elle.",
            "Si vous n'êtes pas cette personne, je ne peux rien vous dire de son contenu : "
            "elle peut nous appeler elle-même, avec le code de son courrier.",
        ),
        True,
    ),
    "health": (
        "Données de santé",
        (
            "Des informations de santé font partie des données exposées. Je ne peux pas "
            "les détailler par téléphone : le courrier les énumère.",
        ),
        False,
    ),
    "returned": (
        "Courrier revenu",
        (
            "Le courrier qui vous était destiné nous est revenu : il n'a pas pu être "
            "distribué à l'adresse que nous connaissions.",
            _NEW_ADDRESS_OFFER,
        ),
        False,
    ),
    "no_address": (
        "Pas de courrier faute d'adresse",
        (
            "Nous n'avions pas d'adresse postale utilisable pour vous écrire : c'est "
            "pourquoi vous n'avez pas reçu de courrier.",
            _NEW_ADDRESS_OFFER,
        ),
        False,
    ),
    "deceased": (
        "Personne décédée",
        (
            "D'après nos informations, cette personne est décédée : aucun courrier ne lui "
            "a été adressé. Ses proches peuvent écrire au délégué à la protection des "
            "données du laboratoire.",
        ),
        False,
    ),
    "pending_address": (
        "Nouvelle adresse déjà enregistrée",
        (
            "Une nouvelle adresse a déjà été enregistrée : le prochain courrier y sera "
            "envoyé, avec un nouveau code de vérification.",
        ),
        False,
    ),
}

# What the agent reads out when recording a call's outcome.
OUTCOME_SCRIPTS: dict[str, str] = {
    "new_address": "J'enregistre votre nouvelle adresse. Un nouveau courrier vous y sera "
    "envoyé, avec un nouveau code ; le code de l'ancien courrier reste valable.",
    "opposition": "Je note votre opposition au traitement de vos données personnelles "
    "(article 21 du RGPD). Le laboratoire vous répondra par courrier, dans un délai d'un "
    "mois.",
    "complaint": "Je transmets votre réclamation au laboratoire, qui vous répondra par "
    "courrier. Vous pouvez aussi adresser une réclamation à la CNIL, sur le site "
    "www.cnil.fr.",
    "access": "Je transmets votre demande d'accès à vos données (article 15 du RGPD) au "
    "laboratoire. Il vous répondra par courrier, à l'adresse qu'il connaît, dans un délai "
    "d'un mois.",
}


def situations(lookup: Any) -> list[str]:
    """The situations of a lookup (calls.Lookup), the main one first."""
    if lookup.outcome not in ("genuine", "found"):
        return [lookup.outcome] if lookup.outcome in SCRIPTS else []
    found = [lookup.outcome]
    caller = lookup.caller
    if caller is None:
        return found
    if not caller.elements and not caller.letters:
        found.append("not_in_leak")
    if caller.minor:
        found.append("minor_own" if caller.variant == "minor_own" else "minor")
    if caller.health:
        found.append("health")
    if "deceased" in caller.not_sent:
        found.append("deceased")
    elif caller.pending_address:
        found.append("pending_address")
    elif caller.returned:
        found.append("returned")
    elif any(reason in NO_ADDRESS for reason in caller.not_sent):
        found.append("no_address")
    return found


def scripts_for(lookup: Any) -> list[Script]:
    """The scripts of a lookup's situations, with its letter's reference, date and issuer
    filled in, in French print typography (’, no-break spaces)."""
    values = {
        "letter": lookup.letter_id or "",
        "date": french_date(lookup.issued_on) if lookup.issued_on else "",
        "of_issuer": of_name(lookup.issuer) if lookup.issuer else "",
    }
    out = []
    for situation in lookup.situations:
        title, paragraphs, warning = SCRIPTS[situation]
        texts = tuple(typographic(p.format(**values)) for p in paragraphs)
        out.append(Script(situation, typographic(title), texts, warning))
    return out


def outcome_script(kind: str) -> str:
    return typographic(OUTCOME_SCRIPTS[kind])
