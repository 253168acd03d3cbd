"""French words of the console pages (element and tier names come from the report's)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from vigie.report import labels as report_labels
from vigie.report.html import when_fr
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
    "revue": "file de revue, paire",
    "export personnes": "téléchargement des personnes",
    "export non envoyés": "téléchargement des personnes sans courrier",
    "export mineurs": "téléchargement des mineurs à examiner",
    "non envoyés": "liste des personnes sans courrier",
    "appel": "centre d'appels",
    "appels": "suivi des appels",
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

# The dashboard.
STAGES = {
    "ingest": "Lecture de la fuite (ingest)",
    "registry add": "Registres des responsables (registry add)",
    "scan": "Analyse des colonnes (scan)",
    "review": "Décisions de revue (review)",
    "link": "Rapprochement des personnes (link)",
    "assess": "Évaluation et délais (assess)",
    "report": "Rapport (report)",
    "notify": "Courriers et dépôts (notify)",
    "notify status": "États de La Poste (notify status)",
    "notify resend": "Renvoi des courriers revenus (notify resend)",
    "portal build": "Portail de vérification (portal build)",
    "portal requests import": "Demandes du portail (portal requests import)",
}
PORTAL_OUTCOMES = {
    "concerned": "concernée : courrier renvoyé à l'adresse connue",
    "not_concerned": "non concernée : réponse envoyée par le laboratoire",
    "by_hand": "à traiter à la main par l'équipe",
}
CATEGORIES_FR = report_labels.CATEGORIES_FR
_PARIS = ZoneInfo("Europe/Paris")


def when(stamp: datetime | None) -> str:
    """A moment in Paris time: `24/02/2021 à 09:00 (UTC+01:00)`."""
    return when_fr(stamp.astimezone(_PARIS) if stamp is not None else None)


def share(part: int, whole: int) -> str:
    """`12,5 %`: the part of a whole, in French."""
    return f"{number_fr(round(100 * part / whole, 1)) if whole else '0'} %"


def bar(part: int, largest: int) -> str:
    """A bar's width out of 100, the largest bar full (an SVG attribute: no inline style)."""
    return f"{100 * part / largest:.1f}" if largest else "0"
