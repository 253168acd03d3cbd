"""Severity by the ENISA methodology (2013): SE = DPC x EI + CB, one small rule per factor.

Every constant below is a rule's threshold or value; changing one is a one-line change
(tests read them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigie.assess.case import Case
from vigie.assess.trace import Trace

ENISA = "ENISA 2013, méthodologie d'évaluation de la gravité"

# DPC base score per category (ENISA: simple 1, behavioural 2, financial 3, sensitive 4).
# national_id at 2 is vigie's choice: the NIR opens identity fraud (ENISA lets context
# raise simple data).
DPC_BASE: dict[str, int] = {
    "identity": 1,
    "contact": 1,
    "national_id": 2,
    "location": 2,
    "behavioural": 2,
    "financial": 3,
    "health": 4,
    "genetic": 4,
    "special_other": 4,
}
# Credentials take the category of what they unlock (ENISA): the controller's own data.
CREDENTIALS_BY_SECTOR = {"health": 4, "finance": 3, "public": 2, "other": 2}
HASHED_CREDENTIALS_DPC = 1  # salted hashes reveal less than their category (ENISA: adjust down)
HEALTH_CONTEXT_MIN_DPC = 2  # being on a lab's patient list reveals care (ENISA health examples)
VULNERABLE_DPC_RAISE = 1  # minors: vulnerable persons (ENISA context adjustment)

EI_NEGLIGIBLE, EI_LIMITED, EI_SIGNIFICANT, EI_MAXIMUM = 0.25, 0.5, 0.75, 1.0

CB_CONFIDENTIALITY_UNKNOWN = 0.5  # unknown or unlimited recipients
CB_CONFIDENTIALITY_KNOWN = 0.25  # a known, limited set of recipients
CB_INTEGRITY_MALICIOUS = 0.5
CB_INTEGRITY_UNRECOVERABLE = 0.25
CB_AVAILABILITY_PERMANENT = 0.5
CB_AVAILABILITY_TEMPORARY = 0.25
CB_MALICIOUS = 0.5

# Levels: SE >= threshold (ENISA: <2 low, 2-3 medium, 3-4 high, >=4 very high).
LEVEL_THRESHOLDS: tuple[tuple[str, float], ...] = (
    ("very_high", 4.0),
    ("high", 3.0),
    ("medium", 2.0),
)
LEVELS = ("low", "medium", "high", "very_high")


@dataclass
class Factor:
    value: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "reasons": list(self.reasons)}


@dataclass
class Severity:
    score: float
    level: str
    dpc: Factor
    ei: Factor
    cb: Factor

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "dpc": self.dpc.to_dict(),
            "ei": self.ei.to_dict(),
            "cb": self.cb.to_dict(),
        }


def num_fr(value: float) -> str:
    """A number as a French text writes it (decimal comma)."""
    return f"{value:g}".replace(".", ",")


def level_for(score: float) -> str:
    for level, threshold in LEVEL_THRESHOLDS:
        if score >= threshold:
            return level
    return "low"


def assess_severity(case: Case, trace: Trace) -> Severity:
    dpc, ei, cb = (
        data_processing_context(case, trace),
        ease_of_identification(case, trace),
        (circumstances(case, trace)),
    )
    score = round(dpc.value * ei.value + cb.value, 2)
    level = level_for(score)
    trace.fire(f"severity.level.{level}", f"SE {num_fr(score)}", f"{ENISA}, niveaux de gravité")
    return Severity(score=score, level=level, dpc=dpc, ei=ei, cb=cb)


def data_processing_context(case: Case, trace: Trace) -> Factor:
    """DPC: the highest category score, then the context adjustments."""
    factor = Factor(1)
    for cat in sorted(case.categories):
        value = _category_score(case, cat)
        if value is not None and value > factor.value:
            factor.value = value
    top = sorted(c for c in case.categories if _category_score(case, c) == factor.value)
    if top:
        factor.reasons.append(
            trace.fire(
                "severity.dpc.category",
                f"catégorie la plus élevée : {', '.join(top)}, score {factor.value}",
                f"{ENISA}, scores de base DPC",
            )
        )
    # Lost, not disclosed: data whose harm is disclosure (fraud, phishing) count as simple
    # data when nobody else got them (EDPB 01/2021, case 2: a ransomware with no backup
    # and no exfiltration of customers' and employees' data is notified, not communicated).
    disclosure_only = {"identity", "contact", "national_id", "financial", "credentials"}
    if (
        case.breach_types == frozenset({"availability"})
        and case.exfiltration is not True
        and case.categories <= disclosure_only
        and factor.value > 1
    ):
        factor.value = 1
        factor.reasons.append(
            trace.fire(
                "severity.dpc.availability_only",
                "données perdues, ni copiées ni divulguées : leur risque tient à la "
                "divulgation, ramené à celui de données simples (1)",
                f"{ENISA}, contexte DPC; EDPB, lignes directrices 01/2021, cas 2",
            )
        )
    if case.sector == "health" and factor.value < HEALTH_CONTEXT_MIN_DPC:
        factor.value = HEALTH_CONTEXT_MIN_DPC
        factor.reasons.append(
            trace.fire(
                "severity.dpc.health_context",
                "les fichiers d'un responsable de traitement de santé révèlent des soins : "
                f"relevé à {HEALTH_CONTEXT_MIN_DPC}",
                f"{ENISA}, contexte DPC (nature du responsable de traitement)",
            )
        )
    if "minors" in case.categories and factor.value < 4:
        factor.value = min(4, factor.value + VULNERABLE_DPC_RAISE)
        factor.reasons.append(
            trace.fire(
                "severity.dpc.vulnerable",
                f"mineurs parmi les personnes concernées : relevé à {factor.value}",
                f"{ENISA}, contexte DPC (personnes vulnérables)",
            )
        )
    return factor


def _category_score(case: Case, category: str) -> int | None:
    if category == "credentials":
        if case.encryption == "hashed_salted":
            return HASHED_CREDENTIALS_DPC
        return CREDENTIALS_BY_SECTOR[case.sector]
    return DPC_BASE.get(category)


def ease_of_identification(case: Case, trace: Trace) -> Factor:
    """EI: how easily the persons can be identified from the breached data."""
    cats = case.categories
    if case.unintelligible:
        value, text = EI_NEGLIGIBLE, "données chiffrées avec une clé non compromise"
    elif "identity" in cats and cats & {"contact", "national_id"}:
        value, text = EI_MAXIMUM, "noms avec coordonnées ou numéro national"
    elif cats & {"identity", "contact", "national_id"}:
        value, text = EI_SIGNIFICANT, "identifiant partiel (nom, coordonnées ou numéro seul)"
    else:
        value, text = EI_LIMITED, "aucun identifiant direct parmi les catégories"
    reason = trace.fire(
        f"severity.ei.{_ei_name(value)}", f"{text} : {num_fr(value)}", f"{ENISA}, EI"
    )
    return Factor(value, [reason])


def _ei_name(value: float) -> str:
    names = {EI_NEGLIGIBLE: "negligible", EI_LIMITED: "limited", EI_SIGNIFICANT: "significant"}
    return names.get(value, "maximum")


def circumstances(case: Case, trace: Trace) -> Factor:
    """CB: the sum of confidentiality, integrity, availability losses and malicious intent."""
    factor = Factor(0.0)
    for part in (_confidentiality, _integrity, _availability, _malice):
        found = part(case)
        if found is None:
            continue
        rule, value, text, cites = found
        factor.value += value
        factor.reasons.append(trace.fire(rule, f"{text} : +{num_fr(value)}", cites))
    factor.value = round(factor.value, 2)
    return factor


_Part = tuple[str, float, str, str] | None


def _confidentiality(case: Case) -> _Part:
    cites = f"{ENISA}, CB perte de confidentialité"
    if not case.confidentiality:
        return None
    if case.unintelligible:
        return ("severity.cb.conf_unintelligible", 0.0, "exposées mais illisibles", cites)
    if case.published:
        return ("severity.cb.conf_published", CB_CONFIDENTIALITY_UNKNOWN, "publiées", cites)
    if case.trusted_recipient:
        text = "exposées à un destinataire de confiance qui a confirmé leur suppression"
        return ("severity.cb.conf_trusted", 0.0, text, cites)
    if case.cause in ("mispostal", "human_error") and not case.malicious:
        text = "divulguées à des destinataires connus"
        return ("severity.cb.conf_known", CB_CONFIDENTIALITY_KNOWN, text, cites)
    if case.exfiltration is False and not case.malicious:
        text = "exposées, sans signe d'accès"
        return ("severity.cb.conf_no_access", 0.0, text, cites)
    text = "entre des mains inconnues (vol, exfiltration ou accès non exclus)"
    return ("severity.cb.conf_unknown", CB_CONFIDENTIALITY_UNKNOWN, text, cites)


def _integrity(case: Case) -> _Part:
    cites = f"{ENISA}, CB perte d'intégrité"
    if "integrity" not in case.breach_types:
        return None
    if case.malicious:
        text = "altérées par un attaquant, peuvent être utilisées contre les personnes"
        return ("severity.cb.integrity_malicious", CB_INTEGRITY_MALICIOUS, text, cites)
    if case.backup:
        return ("severity.cb.integrity_recoverable", 0.0, "altérées, restaurables", cites)
    text = "altérées, non restaurables"
    return ("severity.cb.integrity_lost", CB_INTEGRITY_UNRECOVERABLE, text, cites)


def _availability(case: Case) -> _Part:
    cites = f"{ENISA}, CB perte de disponibilité"
    if "availability" not in case.breach_types:
        return None
    if case.backup:
        return ("severity.cb.avail_recoverable", 0.0, "récupérables depuis une sauvegarde", cites)
    if case.recovered:
        text = "temporairement indisponibles, récupérées"
        return ("severity.cb.avail_temporary", CB_AVAILABILITY_TEMPORARY, text, cites)
    text = "perdues, sans sauvegarde"
    return ("severity.cb.avail_permanent", CB_AVAILABILITY_PERMANENT, text, cites)


def _malice(case: Case) -> _Part:
    if not case.malicious:
        return None
    cites = f"{ENISA}, CB intention malveillante"
    return ("severity.cb.malicious", CB_MALICIOUS, f"malveillance ({case.cause})", cites)
