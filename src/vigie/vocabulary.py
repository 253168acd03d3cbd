"""The vocabulary of exposed elements and their categories (DESIGN.md)."""

from __future__ import annotations

ELEMENTS: tuple[str, ...] = (
    "identity.last_name",
    "identity.first_name",
    "identity.birth_name",
    "identity.birth_date",
    "identity.sex",
    "identity.birth_place",
    "national_id.nir",
    "national_id.ins",
    "national_id.other",
    "contact.address",
    "contact.postcode",
    "contact.city",
    "contact.phone",
    "contact.email",
    "financial.iban",
    "insurance.number",
    "provider.prescriber",
    "care.exam",
    "health.blood_group",
    "health.hiv",
    "health.pregnancy",
    "health.sexual",  # sexual and reproductive health: STI screening, contraception
    "health.cancer",
    "health.genetic",
    "health.treatment",
    "health.diagnosis",
    "health.result",
    "health.other",
    "credentials.password",
    "text.free",
)


# Each element's name for professionals (the report, the filings); the letters' everyday
# French for the person is notify/wording.py.
ELEMENT_LABELS_FR: dict[str, str] = {
    "identity.last_name": "Nom d'usage",
    "identity.first_name": "Prénoms",
    "identity.birth_name": "Nom de naissance",
    "identity.birth_date": "Date de naissance",
    "identity.sex": "Sexe",
    "identity.birth_place": "Lieu de naissance",
    "national_id.nir": "NIR (n° de sécurité sociale)",
    "national_id.ins": "INS (identifiant national de santé)",
    "national_id.other": "Autre numéro national",
    "contact.address": "Adresse postale",
    "contact.postcode": "Code postal",
    "contact.city": "Commune",
    "contact.phone": "Téléphone",
    "contact.email": "Adresse électronique",
    "financial.iban": "IBAN",
    "insurance.number": "N° d'assurance / mutuelle",
    "provider.prescriber": "Médecin prescripteur",
    "care.exam": "Examen au laboratoire (fait et date)",
    "health.blood_group": "Groupe sanguin",
    "health.hiv": "Statut VIH",
    "health.pregnancy": "Grossesse",
    "health.sexual": "Santé sexuelle (IST, contraception)",
    "health.cancer": "Cancer",
    "health.genetic": "Données génétiques",
    "health.treatment": "Traitements",
    "health.diagnosis": "Diagnostics",
    "health.result": "Résultats d'analyses",
    "health.other": "Autres données de santé",
    "credentials.password": "Mots de passe",
    "text.free": "Texte libre (commentaires)",
}


def category(element: str) -> str:
    """The assessment category of an element (DESIGN.md, "Element -> category")."""
    if element == "health.genetic":
        return "genetic"
    prefix = element.split(".", 1)[0]
    return {
        "identity": "identity",
        "contact": "contact",
        "national_id": "national_id",
        "financial": "financial",
        "insurance": "financial",
        "health": "health",
        "care": "health",
        "credentials": "credentials",
        "provider": "identity",
        "text": "other",
    }.get(prefix, "other")


def is_element(name: str) -> bool:
    return name in ELEMENTS
