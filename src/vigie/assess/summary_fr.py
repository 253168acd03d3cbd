"""The French summary of an assessment, for the people who act on it."""

from __future__ import annotations

from datetime import datetime

from vigie.assess.assessment import Assessment

LEVELS_FR = {"low": "faible", "medium": "moyenne", "high": "élevée", "very_high": "très élevée"}
TIERS_FR = {"very_high": "très élevé", "high": "élevé", "medium": "moyen", "low": "faible"}
EXCEPTIONS_FR = {
    "unintelligible": "données inintelligibles (chiffrées, clé sûre) — art. 34(3)(a)",
    "subsequent_measures": "mesures ultérieures écartant le risque élevé — art. 34(3)(b)",
    "disproportionate_effort": "efforts disproportionnés : communication publique à la "
    "place — art. 34(3)(c)",
}


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _when(iso: str) -> str:
    stamp = datetime.fromisoformat(iso)
    offset = stamp.strftime("%z")
    return f"{stamp:%d/%m/%Y à %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def _yes(flag: bool, feminine: bool = True) -> str:
    word = "requise" if feminine else "requis"
    return word if flag else f"non {word}"


def summary_fr(assessment: Assessment) -> str:
    """A short French text: severity, each obligation and its deadline, tiers, assumptions."""
    doc = assessment.to_dict()
    sev, sa, ds, health = doc["severity"], doc["notify_sa"], doc["notify_ds"], doc["health_report"]
    lines = [
        f"Gravité : {LEVELS_FR[sev['level']]} (score {_num(sev['score'])} = DPC "
        f"{_num(sev['dpc']['value'])} × EI {_num(sev['ei']['value'])} + CB "
        f"{_num(sev['cb']['value'])}, méthode ENISA)",
        f"Notification à la CNIL (RGPD art. 33) : {_yes(sa['required'])}" + _clock_fr(sa),
    ]
    if sa.get("late_by_hours"):
        lines.append("  La notification tardive doit exposer les motifs du retard (art. 33(1)).")
    ds_line = f"Communication aux personnes (art. 34) : {_yes(ds['required'])}"
    if ds["exception"]:
        ds_line += f" — exception : {EXCEPTIONS_FR[ds['exception']]}"
    lines.append(ds_line)
    health_line = f"Signalement d'incident de sécurité en santé : {_yes(health['required'], False)}"
    if health["required"]:
        health_line += f", sans délai, à l'{health['authority']} ({health['portal']})"
    lines.append(health_line)
    lines.append("Registre des violations (art. 33(5)) : inscription requise")
    if doc["persons"] is not None:
        lines.append(f"Personnes concernées : {doc['persons']:,}".replace(",", "\u202f"))
    if doc["persons_by_tier_source"] != "none":
        tiers = ", ".join(f"{TIERS_FR[t]} {n}" for t, n in doc["persons_by_tier"].items())
        lines.append(f"Personnes par niveau de risque : {tiers}")
    if doc["assumptions"]:
        lines.append("Hypothèses retenues (à vérifier) :")
        lines.extend(f"  - {a}" for a in doc["assumptions"])
    return "\n".join(lines)


def _clock_fr(sa: dict[str, object]) -> str:
    if not sa["required"]:
        return ""
    deadline = sa.get("deadline")
    if not isinstance(deadline, str):
        return ", sans délai (date de connaissance inconnue : échéance non calculable)"
    text = f", au plus tard le {_when(deadline)}"
    late = sa.get("late_by_hours")
    left = sa.get("hours_left")
    if isinstance(late, int | float) and late > 0:
        text += f" — en retard de {_num(round(late, 1))} h"
    elif isinstance(left, int | float) and left > 0:
        text += f" — reste {_num(round(left, 1))} h"
    return text
