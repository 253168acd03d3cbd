"""Report a serious information-system security incident to the health authorities
(CSP L.1111-8-2; décret 2016-1214, then décret 2022-715, now D.1111-16-2 to -4).

Before the 2022 decree the report went to the ARS; since, to the ANS (CERT Santé), on the
national portal either way. It is separate from, and in addition to, the CNIL notification.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from vigie.assess.case import Case
from vigie.assess.trace import Trace

# Décret 2016-1214 in force 1 Oct 2017 (DOMAIN.md §4).
FIRST_DECREE_IN_FORCE = date(2017, 10, 1)
# Décret 2022-715 of 27 Apr 2022: assumed in force the next day (date unconfirmed).
SECOND_DECREE_IN_FORCE = date(2022, 4, 28)
HEALTH_CATEGORIES = frozenset({"health", "genetic"})
PORTAL = "signalement.social-sante.gouv.fr"
WHEN = "sans délai"
CSP = "CSP L.1111-8-2"


def authority_for(day: date) -> tuple[str, str]:
    """The addressee of the report and the text that names it, for an incident on `day`."""
    if day >= SECOND_DECREE_IN_FORCE:
        return "ANS (CERT Santé)", f"{CSP}; CSP D.1111-16-2 à D.1111-16-4 (décret 2022-715)"
    return "ARS", f"{CSP}; décret 2016-1214; arrêté du 30 octobre 2017"


def _incident_day(case: Case, now: datetime, trace: Trace) -> date:
    stamp = case.occurred_at or case.aware_at
    if stamp is None:
        trace.assume(
            "date de l'incident inconnue : les règles de signalement en santé en vigueur "
            "aujourd'hui sont appliquées"
        )
        stamp = now
    return stamp.date()


def _triggers(case: Case) -> list[str]:
    health_data = bool(case.categories & HEALTH_CATEGORIES)
    attack = case.malicious or case.published or case.cause == "ransomware"
    found = []
    if "availability" in case.breach_types:
        found.append(
            "le fonctionnement normal du système d'information a été affecté (disponibilité)"
        )
    if health_data and not case.unintelligible and attack:
        if case.confidentiality:
            found.append("la confidentialité de données de santé a été atteinte")
        if "integrity" in case.breach_types:
            found.append("l'intégrité de données de santé a été atteinte")
    return found


def decide(case: Case, now: datetime, trace: Trace) -> dict[str, Any]:
    day = _incident_day(case, now, trace)
    authority, cites = authority_for(day)
    result: dict[str, Any] = {
        "required": False,
        "authority": None,
        "when": None,
        "deadline": None,
        "portal": None,
        "reasons": [],
    }
    if case.sector != "health":
        why = "le responsable de traitement n'est pas une structure du secteur de la santé"
        result["reasons"] = [trace.fire("health.not_sector", why, CSP)]
        return result
    if day < FIRST_DECREE_IN_FORCE:
        why = (
            "l'incident est antérieur à l'obligation de signalement (en vigueur depuis le "
            f"{FIRST_DECREE_IN_FORCE:%d/%m/%Y})"
        )
        result["reasons"] = [trace.fire("health.before_decree", why, "décret 2016-1214")]
        return result
    triggers = _triggers(case)
    if not triggers:
        why = (
            "pas d'incident grave ou significatif du système d'information : aucune attaque, "
            "et données de santé non atteintes ou illisibles (lecture de vigie ; signaler en "
            "cas de doute)"
        )
        result["reasons"] = [trace.fire("health.not_serious", why, cites)]
        return result
    trace.assume(
        "le responsable de traitement est supposé être une structure soumise au "
        "signalement en santé (établissement de santé, laboratoire de biologie médicale, "
        "centre de radiothérapie ; médico-social depuis 2022)"
    )
    reasons = [trace.fire("health.serious", t, cites) for t in triggers]
    reasons.append(
        trace.fire(
            f"health.authority.{'ans' if authority.startswith('ANS') else 'ars'}",
            f"signaler sans délai à l'{authority} sur {PORTAL} ; ce signalement s'ajoute à la "
            "notification à la CNIL",
            cites,
        )
    )
    if authority.startswith("ANS"):
        reasons.append(
            trace.fire(
                "health.resolution",
                "informer l'ANS lorsque l'incident est résolu",
                "décret 2022-715",
            )
        )
    result.update(required=True, authority=authority, when=WHEN, portal=PORTAL, reasons=reasons)
    return result
