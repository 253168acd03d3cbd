"""The content of the filing drafts: each field with the article or form it answers."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from vigie import french
from vigie.notify.letters import write_private
from vigie.notify.variants import DEFAULT_MEASURES, french_date
from vigie.notify.wording import GENERAL_ADVICE
from vigie.spreadsheet import csv_bytes
from vigie.vocabulary import ELEMENT_LABELS_FR

CATEGORY_FR = {
    "identity": "identité (nom, prénoms, date de naissance, sexe)",
    "contact": "coordonnées (adresse, téléphone, courriel)",
    "national_id": "numéro d'identification national (NIR)",
    "financial": "données financières",
    "credentials": "identifiants de connexion",
    "health": "données de santé (art. 9 RGPD)",
    "genetic": "données génétiques (art. 9 RGPD)",
    "minors": "personnes mineures",
    "location": "localisation",
    "behavioural": "données comportementales",
    "special_other": "autres catégories particulières",
}
# Recital 85 harms, keyed by the category that makes each likely.
CONSEQUENCES = {
    "contact": "hameçonnage et escroqueries ciblées (appels, SMS, courriels, courriers)",
    "national_id": "usurpation d'identité, fraude aux prestations sociales",
    "financial": "fraude et perte financière",
    "credentials": "prise de contrôle de comptes",
    "health": "atteinte à la confidentialité de données couvertes par le secret médical, "
    "discrimination, chantage, atteinte à la réputation",
    "genetic": "révélation d'informations génétiques concernant aussi les apparentés",
    "minors": "atteinte visant des personnes vulnérables (mineurs)",
}
CAUSE_FR = {
    "exfiltration": "exfiltration de données (copie non autorisée)",
    "ransomware": "rançongiciel",
    "human_error": "erreur humaine",
    "lost_device": "perte ou vol d'un appareil",
    "mispostal": "envoi à un mauvais destinataire",
    "social_engineering": "ingénierie sociale",
    "other": "autre",
}


BREACH_TYPES_FR = {
    "confidentiality": "atteinte à la confidentialité",
    "integrity": "atteinte à l'intégrité",
    "availability": "atteinte à la disponibilité",
}
LEVELS_FR = {"low": "faible", "medium": "moyenne", "high": "élevée", "very_high": "très élevée"}


def _severity_fr(severity: dict[str, Any]) -> str | None:
    """`très élevée (4,5)`: the ENISA level (la gravité, feminine) and its score."""
    level, score = severity.get("level"), severity.get("score")
    if level is None:
        return None
    shown = f"{score:.2f}".rstrip("0").rstrip(".").replace(".", ",") if score is not None else ""
    return f"{LEVELS_FR.get(level, level)} ({shown})" if shown else LEVELS_FR.get(level, level)


# Why a person got no letter, as a noun phrase (singular, plural) to count with.
NOT_SENT_FR = {
    "deceased": ("personne décédée", "personnes décédées"),
    "no_address": ("personne sans adresse utilisable", "personnes sans adresse utilisable"),
    "bad_postcode": ("personne au code postal invalide", "personnes au code postal invalide"),
    "address_too_long": ("adresse trop longue pour la norme postale",
                         "adresses trop longues pour la norme postale"),
    "address_too_many_lines": ("adresse de plus de six lignes", "adresses de plus de six lignes"),
    "no_exposure": ("personne sans donnée exposée", "personnes sans donnée exposée"),
}  # fmt: skip


def _number(value: Any) -> str:
    """500 000 (a narrow no-break space between thousands, as French prints them)."""
    return french.number(value) if isinstance(value, int) else str(value)


def _count(value: Any, singular: str, plural: str | None = None) -> str:
    """`1 personne`, `500 000 personnes`; a value not yet known stays as it is."""
    if not isinstance(value, int):
        return "à compléter" if value is None else f"{value} {plural or singular + 's'}"
    return french.count(value, singular, plural)


def _not_sent_fr(not_sent: dict[str, int]) -> str:
    parts = [_count(n, *NOT_SENT_FR.get(r, (r, r))) for r, n in not_sent.items() if n]
    return ", ".join(parts) or "aucun"


def _date_fr(value: Any) -> str:
    """`12 février 2021` for an ISO date or date-time of incident.yaml; else as given."""
    try:
        return french_date(datetime.fromisoformat(str(value)).date())
    except ValueError:
        return str(value) if value else "…"


def printable(value: Any) -> Any:
    """A filing's values as the PDF prints them: counts in French (`500 000`); the JSON
    keeps the numbers themselves."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return french.number(value)
    if isinstance(value, dict):
        return {k: printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable(v) for v in value]
    return value


def _f(label: str, value: Any, cite: str = "") -> dict[str, Any]:
    return {
        "label": label,
        "cite": cite,
        "value": value if value not in (None, "") else "à compléter",
    }


def _controllers(facts: dict[str, Any]) -> list[str]:
    return [
        f"{c.get('name')} — DPO : {c.get('dpo_email') or 'à compléter'}"
        for c in facts.get("controllers") or []
        if isinstance(c, dict)
    ]


def _categories(figures: dict[str, Any], facts: dict[str, Any]) -> list[str]:
    found = figures["assessment"].get("data_categories") or facts.get("data_categories") or []
    return [CATEGORY_FR.get(c, c) for c in found]


def cnil_notification(
    facts: dict[str, Any], figures: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The CNIL notification draft: Art. 33(3)(a)-(d) and the usual form headings."""
    a = figures["assessment"]
    sa = a.get("notify_sa", {})
    ds = a.get("notify_ds", {})
    initial = not facts.get("sa_notified_at")
    cats = a.get("data_categories") or facts.get("data_categories") or []
    consequences = [CONSEQUENCES[c] for c in cats if c in CONSEQUENCES]
    elements = [
        f"{ELEMENT_LABELS_FR.get(e, e)} : {_count(n, 'personne')}"
        for e, n in figures["elements"].items()
    ]
    sections = [
        {"heading": "Notification", "fields": [
            _f("Type", "initiale" if initial else "complémentaire", "RGPD art. 33(4) ; CNIL"),
            _f("Date du projet", now.date().isoformat()),
            _f("Responsables de traitement et DPO", _controllers(facts), "art. 33(3)(b)"),
            _f("Sous-traitant", facts.get("processor"), "art. 33(2)"),
        ]},
        {"heading": "Chronologie", "fields": [
            _f("Début de la violation", facts.get("occurred_at"), "formulaire CNIL"),
            _f("Prise de connaissance", facts.get("aware_at"), "art. 33(1)"),
            _f("Échéance du délai de 72 heures", sa.get("deadline"), "art. 33(1)"),
            _f("Motifs du retard", sa.get("late_notification_must_add") or "sans objet",
               "art. 33(1)"),
        ]},
        {"heading": "Nature de la violation", "fields": [
            _f("Nature", ", ".join(BREACH_TYPES_FR.get(t, t) for t in facts.get("breach_types")
                                   or []), "art. 33(3)(a)"),
            _f("Origine", CAUSE_FR.get(str(facts.get("cause")), facts.get("cause"))),
            _f("Acte malveillant", "oui" if facts.get("malicious") else "non"),
            _f("Données publiées", "oui" if facts.get("published") else "non"),
            _f("Circonstances", facts.get("title")),
        ]},
        {"heading": "Données et personnes", "fields": [
            _f("Catégories de données", _categories(figures, facts), "art. 33(3)(a)"),
            _f("Éléments exposés (personnes)", elements, "vigie scan, link"),
            _f("Nombre approximatif de personnes", figures["persons"], "art. 33(3)(a)"),
            _f("dont mineurs", a.get("facts", {}).get("minors")),
            _f("Nombre approximatif d'enregistrements", figures["records"], "art. 33(3)(a)"),
            _f("Personnes par responsable", [f"{c} : {_count(n, 'personne')}" for c, n in
                                              figures["per_controller"].items()]),
        ]},
        {"heading": "Conséquences et gravité", "fields": [
            _f("Conséquences probables", consequences, "art. 33(3)(c) ; considérant 85"),
            _f("Gravité (ENISA)", _severity_fr(a.get("severity") or {}), "ENISA 2013"),
            _f("Risque élevé pour les personnes", "oui" if ds.get("required") else "non",
               "art. 34(1)"),
        ]},
        {"heading": "Mesures", "fields": [
            _f("Mesures prises ou envisagées", DEFAULT_MEASURES + " (à adapter)", "art. 33(3)(d)"),
            _f("Information des personnes", f"courrier individuel à "
               f"{_count(figures['letters'], 'personne')} ; non envoyés : "
               f"{_not_sent_fr(figures['not_sent'])}", "art. 34"),
            _f("Transfrontalier", "à confirmer (personnes résidant en France)", "art. 56"),
        ]},
    ]  # fmt: skip
    return {
        "title": "Notification de violation de données à la CNIL",
        "subtitle": "Projet à relire avant dépôt sur le téléservice de la CNIL — "
        + str(facts.get("title", "")),
        "sections": sections,
    }


def health_report(facts: dict[str, Any], figures: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The health-sector incident report draft (CSP L.1111-8-2, D.1111-16-2 to -4)."""
    hr = figures["assessment"].get("health_report", {})
    found = figures["assessment"].get("data_categories") or facts.get("data_categories") or []
    health = "oui" if "health" in found else "à préciser"
    sections = [
        {"heading": "Signalement", "fields": [
            _f("Obligatoire", "oui" if hr.get("required") else "à apprécier", "CSP L.1111-8-2"),
            _f("Destinataire", hr.get("authority") or "ARS / ANS (CERT Santé)", "D.1111-16-3"),
            _f("Portail", hr.get("portal") or "signalement.social-sante.gouv.fr"),
            _f("Délai", hr.get("when") or "sans délai"),
            _f("Structures déclarantes", _controllers(facts)),
            _f("Date du projet", now.date().isoformat()),
        ]},
        {"heading": "Incident", "fields": [
            _f("Date de l'incident", facts.get("occurred_at")),
            _f("Date de détection", facts.get("aware_at")),
            _f("Origine", CAUSE_FR.get(str(facts.get("cause")), facts.get("cause"))),
            _f("Périmètre", f"{_count(figures['persons'], 'patient')}, "
               f"{_count(len(figures['per_controller']), 'structure')}"),
            _f("Impact sur la confidentialité des données de santé", health),
            _f("Impact sur la sécurité des soins et le fonctionnement", None),
            _f("Suites données", DEFAULT_MEASURES + " (à adapter)"),
        ]},
    ]  # fmt: skip
    return {
        "title": "Signalement d'incident de sécurité des systèmes d'information (santé)",
        "subtitle": "Projet — à déposer sur signalement.social-sante.gouv.fr ; distinct de la "
        "notification à la CNIL",
        "sections": sections,
    }


def public_communication(facts: dict[str, Any], figures: dict[str, Any]) -> str:
    """A public notice (Art. 34(3)(c)), also for persons no letter can reach."""
    cats = "\n".join(f"- {c}" for c in _categories(figures, facts))
    unreachable = sum(n for r, n in figures["not_sent"].items() if r != "deceased")
    several = len(figures["per_controller"]) > 1
    labs = "des laboratoires suivants" if several else "du laboratoire suivant"
    which = "l'un de ces laboratoires" if several else "ce laboratoire"
    persons = figures["persons"] or 0
    concerned = "sont concernées" if persons > 1 else "est concernée"
    return (
        f"# Communication publique — {facts.get('title', 'violation de données')}\n\n"
        "*Projet généré par vigie, à relire et adapter avant publication.*\n\n"
        f"Le {_date_fr(facts.get('occurred_at'))}, des données de patients {labs} ont été "
        "copiées sans autorisation puis diffusées :\n\n"
        + "\n".join(f"- {c}" for c in figures["per_controller"])
        + f"\n\nEnviron {_count(persons, 'personne')} {concerned}. "
        "Les données en cause :\n\n"
        f"{cats}\n\nChaque personne dont nous connaissons l'adresse reçoit un courrier "
        "personnel portant un code de vérification. "
        f"Nous n'avons pas d'adresse utilisable pour {_count(unreachable, 'personne')} : si "
        "vous avez été "
        f"prélevé dans {which}, contactez son délégué à la protection des "
        f"données.\n\n## Nos conseils\n\n{GENERAL_ADVICE}\n\nMéfiez-vous des appels et messages "
        "qui se disent de l'Assurance Maladie, d'une mutuelle ou d'un laboratoire. Un courrier "
        "dont le code ne se vérifie pas ne vient pas de nous.\n\n## Contacts\n\n"
        + "\n".join(f"- {c}" for c in _controllers(facts))
        + "\n\nVous pouvez adresser une réclamation à la CNIL (www.cnil.fr/plaintes).\n"
    )


def write_csv(path: Path, header: list[str], rows: list[tuple[Any, ...]]) -> None:
    """A package CSV for people to open: no cell runs as a spreadsheet formula."""
    write_private(path, csv_bytes(header, rows))


def controller_counts(controller: str, persons: int, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Counts of one controller's package (rows from filings._CONTROLLER_PERSONS)."""
    notice = Counter(str(r[6]) for r in rows)
    tiers = Counter(str(r[7]) for r in rows)
    elements: Counter[str] = Counter()
    for r in rows:
        elements.update(e for e in str(r[8] or "").split("|") if e)
    return {
        "controller": controller,
        "persons": persons,
        "notice": dict(sorted(notice.items())),
        "tiers": dict(sorted(tiers.items())),
        "elements": dict(elements.most_common()),
    }
