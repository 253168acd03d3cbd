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
PAGES = {
    "personne": "fiche de la personne",
    "personnes": "liste des personnes",
    "revue": "paire de la file de revue",
    "export personnes": "téléchargement des personnes",
    "export non envoyés": "téléchargement des personnes sans courrier",
    "export mineurs": "téléchargement des mineurs à examiner",
    "non envoyés": "liste des personnes sans courrier",
}


def label(table: dict[str, str], key: str | None) -> str:
    """The French label of `key`, or the key itself when none is known."""
    if key is None:
        return "—"
    return table.get(key, key)


# The lead's review queue: vigie.link.review's field roles and marks.
REVIEW_FIELDS = {
    "last_name": "Nom",
    "birth_name": "Nom de naissance",
    "first_names": "Prénoms",
    "birth_date": "Date de naissance",
    "sex": "Sexe",
    "nir": "NIR",
    "other_id": "Autre identifiant",
    "address": "Adresse",
    "postcode": "Code postal",
    "city": "Commune",
    "phone": "Téléphone",
    "email": "Adresse électronique",
}
MARKS = {"=": "identiques", "≠": "différents", "?": "un seul côté renseigné"}
DECISIONS = {"accept": "acceptée (même personne)", "reject": "rejetée (deux personnes)"}

# The audit log's verbs (an unknown verb is shown as it is).
VERBS = {
    "view": "consultation",
    "review": "décision de revue",
    "console login": "connexion à la console",
    "console logout": "déconnexion",
    "console activation": "activation d'un compte",
    "console lockout": "verrouillage d'un compte",
    "users add": "compte créé",
    "users disable": "compte désactivé",
    "users enable": "compte réactivé",
    "users reset": "compte réinitialisé",
    "init": "création de l'espace de travail",
    "ingest": "lecture de la fuite",
    "registry add": "ajout d'un registre",
    "scan": "analyse des colonnes",
    "link": "rapprochement des personnes",
    "assess": "évaluation",
    "notify": "émission des courriers",
    "notify status": "états des courriers (La Poste)",
    "notify resend": "renvoi des courriers revenus",
    "report": "rapport",
    "portal build": "construction du portail",
    "portal requests import": "demandes du portail",
    "export": "export d'une table",
    "purge": "purge",
}
