"""French words of the console pages (element and tier names come from the report's)."""

from __future__ import annotations

from vigie.report.labels import ELEMENTS_FR, TIERS_FR, departement_fr, number_fr

__all__ = ["ELEMENTS_FR", "TIERS_FR", "departement_fr", "number_fr"]

ROLES = {
    "lead": "responsable de l'incident",
    "controller": "responsable de traitement",
    "agent": "centre d'appels",
}
LETTER_STATUS = {
    "unknown": "émis, pas encore de nouvelles de La Poste",
    "sent": "posté",
    "delivered": "distribué",
    "returned": "revenu (n'habite pas à l'adresse indiquée)",
}
NOT_SENT = {
    "deceased": "personne décédée",
    "no_address": "pas d'adresse postale",
    "bad_postcode": "code postal invalide",
    "address_too_long": "adresse trop longue pour l'enveloppe",
    "address_too_many_lines": "adresse sur trop de lignes",
    "no_exposure": "aucune donnée exposée",
    "no_newer_address": "revenu, pas d'adresse plus récente",
}
ISSUE_KINDS = {
    "initial": "envoi initial",
    "reissue": "nouvelle émission",
    "resend": "renvoi",
    "answer": "réponse à une demande",
}
PAGES = {"personne": "fiche de la personne", "personnes": "liste des personnes"}


def label(table: dict[str, str], key: str | None) -> str:
    """The French label of `key`, or the key itself when none is known."""
    if key is None:
        return "—"
    return table.get(key, key)
