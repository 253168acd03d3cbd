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
