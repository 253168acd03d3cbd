"""Notify the supervisory authority (GDPR Art. 33), its deadline and the lateness rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from vigie.assess.case import Case
from vigie.assess.severity import Severity, num_fr
from vigie.assess.trace import Trace
from vigie.french import number

DEADLINE_HOURS = 72  # Art. 33(1): "where feasible, not later than 72 hours"
PERSONS_FLAG = 100  # ENISA 2013: number of persons weighed outside the score, flagged above
ART33_1 = "RGPD art. 33(1)"
EDPB_RISK = "EDPB, lignes directrices 9/2022, section IV (évaluation du risque)"
# Severity levels as the French reasons name them.
LEVELS_FR = {"low": "faible", "medium": "moyenne", "high": "élevée", "very_high": "très élevée"}
MUST_CONTAIN = [
    "la nature de la violation, les catégories et le nombre approximatif de personnes "
    "concernées et d'enregistrements concernés (art. 33(3)(a))",
    "le nom et les coordonnées du DPO ou d'un autre point de contact (art. 33(3)(b))",
    "les conséquences probables (art. 33(3)(c))",
    "les mesures prises ou proposées, y compris pour en atténuer les effets (art. 33(3)(d))",
]


def unlikely_risk(case: Case, severity: Severity, trace: Trace) -> list[str]:
    """The reasons, if any, why the breach is unlikely to result in a risk (no notification)."""
    reasons = []
    only_availability = case.breach_types == frozenset({"availability"})
    if case.unintelligible and (case.backup or "availability" not in case.breach_types):
        reasons.append(
            trace.fire(
                "art33.unlikely.unintelligible",
                "les données sont chiffrées, la clé est sûre et rien n'est perdu définitivement",
                f"{EDPB_RISK}; RGPD art. 34(3)(a)",
            )
        )
    if case.trusted_recipient and case.breach_types <= {"confidentiality", "integrity"}:
        reasons.append(
            trace.fire(
                "art33.unlikely.trusted_recipient",
                "le seul destinataire est de confiance et a confirmé la suppression des données",
                f"{EDPB_RISK}; EDPB, lignes directrices 01/2021, tiers de confiance",
            )
        )
    if only_availability and case.backup and case.sector != "health":
        reasons.append(
            trace.fire(
                "art33.unlikely.restored",
                "seule la disponibilité a été perdue, restaurée depuis une sauvegarde, sans "
                "signe d'exfiltration",
                "EDPB, lignes directrices 01/2021, rançongiciel avec sauvegarde adéquate",
            )
        )
    if severity.level == "low":
        reasons.append(
            trace.fire(
                "art33.unlikely.low_severity",
                f"gravité ENISA faible ({num_fr(severity.score)}) : les personnes ne seront "
                "probablement pas affectées",
                f"{ART33_1}; ENISA 2013, niveaux de gravité",
            )
        )
    return reasons


def decide(case: Case, severity: Severity, now: datetime, trace: Trace) -> dict[str, Any]:
    unlikely = unlikely_risk(case, severity, trace)
    required = not unlikely
    reasons = list(unlikely)
    if required:
        reasons.append(
            trace.fire(
                "art33.required",
                f"la violation est susceptible d'engendrer un risque (gravité "
                f"{LEVELS_FR[severity.level]}) : notifier l'autorité de contrôle (la CNIL) dans "
                "les meilleurs délais",
                ART33_1,
            )
        )
        if case.persons is not None and case.persons > PERSONS_FLAG:
            reasons.append(
                trace.fire(
                    "art33.many_persons",
                    f"{number(case.persons)} personnes concernées (plus de {PERSONS_FLAG})",
                    "ENISA 2013, nombre de personnes",
                )
            )
    else:
        reasons.append(
            trace.fire(
                "art33.not_required",
                "notification non requise ; documenter la violation et ce raisonnement dans "
                "le registre",
                "RGPD art. 33(1), 33(5)",
            )
        )
    if case.facts.processor:
        reasons.append(
            trace.fire(
                "art33.processor",
                "le sous-traitant doit informer chaque responsable de traitement dans les "
                "meilleurs délais ; chaque responsable évalue et notifie",
                "RGPD art. 33(2)",
            )
        )
    decision: dict[str, Any] = {"required": required, "authority": "CNIL", "reasons": reasons}
    decision.update(_clock(case, required, now, trace))
    decision["must_contain"] = MUST_CONTAIN if required else []
    return decision


def _clock(case: Case, required: bool, now: datetime, trace: Trace) -> dict[str, Any]:
    clock: dict[str, Any] = {
        "deadline": None,
        "late_by_hours": None,
        "hours_left": None,
        "late_notification_must_add": [],
    }
    if not required or case.aware_at is None:
        return clock
    deadline = case.aware_at + timedelta(hours=DEADLINE_HOURS)
    clock["deadline"] = deadline.isoformat()
    done = case.sa_notified_at
    reference = done if done is not None else now
    late = max(0.0, (reference - deadline).total_seconds() / 3600)
    clock["late_by_hours"] = round(late, 2)
    clock["hours_left"] = 0 if done else round(max(0.0, (deadline - now).total_seconds() / 3600), 2)
    clock["notified_at"] = done.isoformat() if done else None
    if late > 0:
        clock["late_notification_must_add"] = [
            trace.fire(
                "art33.late",
                f"notification {num_fr(round(late, 1))} h après l'échéance de {DEADLINE_HOURS} "
                "heures : elle doit exposer les motifs du retard",
                ART33_1,
            )
        ]
    return clock
