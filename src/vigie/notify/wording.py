"""Everyday French for the letters: what each exposed element is, what it may lead to,
and what the person should do about it (DOMAIN.md §7; CNIL and cybermalveillance advice).

Phrases carry possessive slots with the gender and number of their noun (`{sa} date de
naissance`, `{son} nom`, `{ses} prénoms`: see french.py), so one table serves the person
("votre", "vos") and a minor's legal representatives ("sa", "son", "ses") and agrees.
"""

from __future__ import annotations

from collections.abc import Iterable

from vigie.french import voice
from vigie.vocabulary import ELEMENTS

ELEMENT_PHRASES: dict[str, str] = {
    "identity.last_name": "{son} nom",
    "identity.first_name": "{ses} prénoms",
    "identity.birth_name": "{son} nom de naissance",
    "identity.birth_date": "{sa} date de naissance",
    "identity.sex": "{son} sexe",
    "identity.birth_place": "{son} lieu de naissance",
    "national_id.nir": "{son} numéro de sécurité sociale",
    "national_id.ins": "{son} identifiant national de santé (INS)",
    "national_id.other": "un numéro d'identification officiel",
    "contact.address": "{sa} adresse (numéro et rue)",
    "contact.postcode": "{son} code postal",
    "contact.city": "{sa} commune",
    "contact.phone": "{son} numéro de téléphone",
    "contact.email": "{sa} adresse électronique",
    "financial.iban": "{ses} coordonnées bancaires (IBAN)",
    "insurance.number": "{son} numéro de mutuelle ou d'assurance",
    "provider.prescriber": "le nom du médecin qui a prescrit {ses} analyses",
    "care.exam": "la date de {ses} prélèvements au laboratoire",
    "health.blood_group": "{son} groupe sanguin",
    "health.hiv": "des informations sur un dépistage ou un suivi du VIH",
    "health.pregnancy": "des informations sur un suivi de grossesse",
    "health.sexual": "des informations de santé sexuelle (dépistage d'infections "
    "sexuellement transmissibles ou contraception)",
    "health.cancer": "des informations sur un cancer ou son dépistage",
    "health.genetic": "des résultats d'analyses génétiques",
    "health.treatment": "des informations sur {ses} traitements",
    "health.diagnosis": "des informations sur {son} état de santé",
    "health.result": "des résultats d'analyses médicales",
    "health.other": "d'autres informations de santé",
    "credentials.password": "un mot de passe",
    "text.free": "des notes écrites par le laboratoire",
}

# Advice keyed by a rule; a rule applies when any of its element prefixes is exposed.
# Order is the order in the letter: the most pressing first.
ADVICE: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "phishing",
        ("contact.", "identity."),
        "Attendez-vous à des courriels, SMS, appels ou courriers qui reprennent {ses} "
        "informations pour paraître crédibles. N'ouvrez pas les pièces jointes, ne cliquez "
        "pas sur les liens, ne répondez pas : joignez l'organisme en tapant vous-même son "
        "adresse officielle ou en rappelant son numéro officiel.",
    ),
    (
        "nir",
        ("national_id.", "insurance."),
        "Méfiez-vous des messages et appels qui se disent de l'Assurance Maladie ou d'une "
        "mutuelle, surtout au sujet de remboursements ou d'une « mise à jour » de carte "
        "Vitale : son renouvellement est gratuit, et l'Assurance Maladie ne demande jamais "
        "vos coordonnées bancaires par message ou par téléphone.",
    ),
    (
        "health",
        ("health.", "care."),
        "Si quelqu'un menace de révéler des informations de santé ou réclame de l'argent, "
        "ne payez pas et ne répondez pas : gardez les messages et portez plainte auprès de "
        "la police ou de la gendarmerie.",
    ),
    (
        "bank",
        ("financial.",),
        "Surveillez vos relevés de compte ; à la moindre opération inconnue, faites "
        "opposition aussitôt auprès de votre banque.",
    ),
    (
        "password",
        ("credentials.",),
        "Changez ce mot de passe sur tous les sites où vous l'utilisez et activez la double "
        "authentification quand elle est proposée.",
    ),
    (
        "identity_theft",
        ("national_id.", "identity.birth_date"),
        "En cas d'usurpation d'identité, portez plainte et demandez à la CNIL une "
        "vérification du fichier des comptes bancaires (FICOBA).",
    ),
)

GENERAL_ADVICE = (
    "Aucun organisme sérieux ne vous demandera un mot de passe ou vos coordonnées bancaires "
    "par courriel, SMS ou téléphone ; en cas de doute, raccrochez et rappelez le numéro "
    "officiel. N'utilisez pas les sites qui prétendent vérifier si vous êtes dans le fichier."
)

# Each consequence is one noun phrase without a conjunction of its own, so that the
# sentence joining them reads "A, B et C" (never "A ou B ou C").
CONSEQUENCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("phishing", ("contact.",), "des tentatives d'escroquerie ciblées (hameçonnage)"),
    ("identity", ("national_id.", "insurance."), "une usurpation d'identité"),
    ("benefits", ("national_id.", "insurance."), "une fraude aux prestations sociales"),
    ("privacy", ("health.", "care."), "une atteinte à la vie privée"),
    ("blackmail", ("health.", "care."), "une tentative de chantage"),
    ("money", ("financial.",), "des opérations frauduleuses sur un compte bancaire"),
    ("account", ("credentials.",), "la prise de contrôle d'un compte en ligne"),
)

TIER_SENTENCES: dict[str, str] = {
    "very_high": (
        "Parmi ces informations figurent des données parmi les plus sensibles ; nous vous "
        "invitons à lire attentivement les conseils de la page suivante."
    ),
    "high": "Ces informations permettent de vous identifier et touchent à votre santé.",
    "medium": "Ces informations permettent de vous contacter directement.",
    "low": "Ces informations sont surtout des informations d'identité.",
}
# To a minor's legal representatives: it is the child who is identified.
TIER_SENTENCES_MINOR: dict[str, str] = {
    **TIER_SENTENCES,
    "high": "Ces informations permettent d'identifier votre enfant et touchent à sa santé.",
    "medium": "Ces informations permettent de contacter directement votre enfant ou votre famille.",
    "low": "Ces informations sont surtout des informations sur l'identité de votre enfant.",
}


def tier_sentence(tier: str, *, minor: bool = False) -> str:
    return (TIER_SENTENCES_MINOR if minor else TIER_SENTENCES).get(tier, "")


CAUSES: dict[str, str] = {
    "exfiltration": "ont été copiées sans autorisation",
    "ransomware": "ont été chiffrées et copiées lors d'une attaque informatique",
    "human_error": "ont été rendues accessibles par erreur",
    "lost_device": "se trouvaient sur un appareil perdu ou volé",
    "mispostal": "ont été envoyées par erreur à un mauvais destinataire",
    "social_engineering": "ont été obtenues par une personne qui s'est fait passer pour un tiers",
    "other": "ont été exposées",
}


def _voice(text: str, minor: bool) -> str:
    return voice(text, third_person=minor)


# What a parents' letter says instead of items a minor may keep from them (minors.py).
WITHHELD_PHRASE = {"health.withheld": "des informations de santé"}


def element_phrase(element: str, *, minor: bool = False) -> str:
    """The everyday French for one element; unknown elements are a programming error."""
    return _voice({**ELEMENT_PHRASES, **WITHHELD_PHRASE}[element], minor)


def element_phrases(elements: Iterable[str], *, minor: bool = False) -> list[str]:
    """The phrases for a person's exposure, in vocabulary order (stable across letters)."""
    order = {e: i for i, e in enumerate(ELEMENTS)}
    present = sorted(set(elements), key=lambda e: order.get(e, len(order)))
    return [element_phrase(e, minor=minor) for e in present]


def _applies(prefixes: tuple[str, ...], elements: set[str]) -> bool:
    return any(e.startswith(p) if p.endswith(".") else e == p for p in prefixes for e in elements)


def advice_for(elements: Iterable[str], *, minor: bool = False) -> list[str]:
    """Advice specific to what leaked, most pressing first, then the general advice."""
    present = set(elements)
    found = [_voice(text, minor) for _, prefixes, text in ADVICE if _applies(prefixes, present)]
    return [*found, GENERAL_ADVICE]


def consequences_for(elements: Iterable[str]) -> list[str]:
    present = set(elements)
    return [text for _, prefixes, text in CONSEQUENCES if _applies(prefixes, present)]


def phrase_to_element(*, minor: bool = False) -> dict[str, str]:
    """Reverse map, for checking a rendered letter against its exposure set."""
    return {element_phrase(e, minor=minor): e for e in (*ELEMENT_PHRASES, *WITHHELD_PHRASE)}
