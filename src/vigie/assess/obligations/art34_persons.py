"""Communicate the breach to the persons (GDPR Art. 34), with the Art. 34(3) exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vigie.assess.case import Case
from vigie.assess.obligations.art33_authority import LEVELS_FR
from vigie.assess.severity import Severity, num_fr
from vigie.assess.trace import Trace
from vigie.french import enumerate_fr

# ENISA levels that mean "high risk" in the sense of Art. 34(1).
HIGH_RISK_LEVELS = frozenset({"high", "very_high"})
# Categories for which the EDPB considers damage likely once disclosed.
SPECIAL_CATEGORIES = frozenset({"health", "genetic", "special_other"})
SPECIAL_FR = {
    "genetic": "génétiques",
    "health": "de santé",
    "special_other": "d'autres catégories particulières",
}
EDPB_HIGH = "EDPB, lignes directrices 9/2022, section IV (risque élevé)"


def high_risk(case: Case, severity: Severity, trace: Trace) -> list[str]:
    """Why the breach is likely to result in a high risk (empty: it is not)."""
    reasons = []
    if severity.level in HIGH_RISK_LEVELS:
        reasons.append(
            trace.fire(
                "art34.high.severity",
                f"gravité ENISA {LEVELS_FR[severity.level]} ({num_fr(severity.score)})",
                "RGPD art. 34(1); ENISA 2013, niveaux de gravité",
            )
        )
    special = sorted(case.categories & SPECIAL_CATEGORIES)
    if special and case.confidentiality and not case.unintelligible:
        reasons.append(
            trace.fire(
                "art34.high.special_categories",
                f"données {enumerate_fr([SPECIAL_FR[c] for c in special])} divulguées : un "
                "dommage doit être considéré comme probable",
                f"{EDPB_HIGH}; RGPD art. 9",
            )
        )
    return reasons


def _unintelligible(case: Case) -> tuple[bool, str]:
    if case.unintelligible:
        return True, "les données sont chiffrées et la clé n'a pas été compromise"
    if case.encryption == "hashed_salted":
        return False, "seuls les mots de passe étaient hachés ; les autres données sont lisibles"
    return False, f"les données étaient lisibles (chiffrement : {case.encryption})"


def _subsequent_measures(case: Case) -> tuple[bool, str]:
    if case.trusted_recipient:
        return True, (
            "le destinataire de confiance a confirmé la suppression : le risque élevé "
            "n'est plus susceptible de se matérialiser"
        )
    if (
        case.sector == "health"
        and "availability" in case.breach_types
        and "health" in (case.categories)
    ):
        # restoring the data afterwards does not undo care delayed while it was missing
        return False, (
            "des données de santé ont été indisponibles chez un acteur de soins : le "
            "risque pour les patients (soins retardés) a pu se réaliser avant leur "
            "restauration (EDPB, lignes directrices 01/2021, cas 3)"
        )
    if case.recovered and case.exfiltration is False and not case.published:
        return True, "les données ont été récupérées sans signe de copie ni d'accès"
    return False, "aucune mesure prise depuis n'écarte le risque élevé"


def _disproportionate_effort(case: Case) -> tuple[bool, str]:
    if not case.reachable:
        return True, (
            "les personnes ne peuvent pas être jointes individuellement : une communication "
            "publique s'impose"
        )
    return False, "les personnes peuvent être jointes individuellement"


EXCEPTIONS: tuple[tuple[str, str, Callable[[Case], tuple[bool, str]]], ...] = (
    ("unintelligible", "RGPD art. 34(3)(a)", _unintelligible),
    ("subsequent_measures", "RGPD art. 34(3)(b)", _subsequent_measures),
    ("disproportionate_effort", "RGPD art. 34(3)(c)", _disproportionate_effort),
)


def decide(case: Case, severity: Severity, sa_required: bool, trace: Trace) -> dict[str, Any]:
    examined = []
    applying: list[tuple[str, str, str]] = []
    for name, cites, test in EXCEPTIONS:
        applies, why = test(case)
        examined.append({"name": name, "applies": applies, "reason": f"{why} ({cites})"})
        if applies:
            applying.append((name, why, cites))
    high = high_risk(case, severity, trace) if sa_required else []
    if not high:
        why = "la violation n'est pas susceptible d'engendrer un risque élevé"
        if not sa_required:
            why = (
                "la violation n'est pas susceptible d'engendrer un risque (voir la "
                "notification à l'autorité de contrôle)"
            )
        reasons = [trace.fire("art34.not_high", why, "RGPD art. 34(1)")]
        return _result(False, None, examined, reasons)
    reasons = list(high)
    if not applying:
        reasons.append(
            trace.fire(
                "art34.required",
                "communiquer la violation à chaque personne dans les meilleurs délais, en "
                "des termes clairs et simples",
                "RGPD art. 34(1), 34(2)",
            )
        )
        return _result(True, None, examined, reasons)
    name, why, cites = applying[0]
    reasons.append(
        trace.fire(f"art34.exception.{name}", f"pas de communication individuelle : {why}", cites)
    )
    return _result(False, name, examined, reasons)


def _result(
    required: bool, exception: str | None, examined: list[dict[str, Any]], reasons: list[str]
) -> dict[str, Any]:
    return {
        "required": required,
        "exception": exception,
        "public_communication": exception == "disproportionate_effort",
        "exceptions_examined": examined,
        "reasons": reasons,
    }
