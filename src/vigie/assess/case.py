"""From the facts as stated to the case as assessed: gaps and contradictions decided
conservatively (towards more protection), each decision written down as an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vigie.assess.facts import Facts
from vigie.assess.trace import Trace

# Causes that are attacks by nature (EDPB Guidelines 01/2021: ransomware, exfiltration,
# social engineering); the rest may be errors.
ATTACK_CAUSES = frozenset({"ransomware", "exfiltration", "social_engineering"})
ERROR_CAUSES = frozenset({"human_error", "mispostal"})
# The categories assumed when none is stated: what the controller's trade implies
# (ENISA 2013: the controller's nature can reveal the data's category).
DEFAULT_CATEGORIES = {
    "health": ("identity", "health"),
    "finance": ("identity", "financial"),
    "public": ("identity", "contact", "national_id"),
    "other": ("identity", "contact"),
}


@dataclass(frozen=True)
class Case:
    """Every fact decided: what the rules read."""

    facts: Facts
    sector: str
    breach_types: frozenset[str]
    cause: str
    malicious: bool
    categories: frozenset[str]
    persons: int | None
    encryption: str
    exfiltration: bool | None
    backup: bool
    published: bool
    trusted_recipient: bool
    recovered: bool
    reachable: bool
    aware_at: datetime | None
    occurred_at: datetime | None
    sa_notified_at: datetime | None

    @property
    def unintelligible(self) -> bool:
        """Encrypted with a key nobody else holds (GDPR Art. 34(3)(a))."""
        return self.encryption == "encrypted_key_safe"

    @property
    def confidentiality(self) -> bool:
        return "confidentiality" in self.breach_types


def resolve(facts: Facts, trace: Trace, now: datetime, clock_start: datetime | None) -> Case:
    """Decide every missing or contradictory fact; say what was assumed in `trace`."""
    for note in facts.notes:
        trace.assume(note)
    sector = _sector(facts, trace)
    cause = facts.cause or "other"
    if facts.cause is None:
        trace.assume("cause inconnue : 'other' (autre) retenue")
    malicious = _malicious(facts, cause, trace)
    exfiltration = facts.exfiltration_confirmed
    types = _breach_types(facts, cause, malicious, trace)
    encryption = _encryption(facts, cause, trace)
    published = bool(facts.published)
    trusted = bool(facts.recipients_trusted)
    if trusted and (malicious or published):
        trusted = False
        trace.assume(
            "recipients_trusted ignoré : on ne peut pas se fier à un destinataire de "
            "confiance quand la violation est malveillante ou que les données ont été publiées"
        )
    recovered = bool(facts.data_recovered)
    if recovered and published:
        recovered = False
        trace.assume("data_recovered ignoré : des données publiées ne peuvent pas être récupérées")
    return Case(
        facts=facts,
        sector=sector,
        breach_types=types,
        cause=cause,
        malicious=malicious,
        categories=_categories(facts, sector, trace),
        persons=facts.persons,
        encryption=encryption,
        exfiltration=exfiltration,
        backup=_backup(facts, types, trace),
        published=published,
        trusted_recipient=trusted,
        recovered=recovered,
        reachable=facts.persons_reachable is not False,
        aware_at=_aware_at(facts, trace, now, clock_start),
        occurred_at=facts.occurred_at,
        sa_notified_at=facts.sa_notified_at,
    )


def _sector(facts: Facts, trace: Trace) -> str:
    if facts.controller_sector:
        return facts.controller_sector
    cats = set(facts.data_categories or ())
    if cats & {"health", "genetic"}:
        trace.assume(
            "controller_sector inconnu : 'health' (santé) retenu, car des données de santé "
            "sont concernées"
        )
        return "health"
    trace.assume("controller_sector inconnu : 'other' (autre) retenu")
    return "other"


def _categories(facts: Facts, sector: str, trace: Trace) -> frozenset[str]:
    cats = set(facts.data_categories or ())
    if not cats:
        cats = set(DEFAULT_CATEGORIES[sector])
        trace.assume(
            f"data_categories inconnues : {', '.join(sorted(cats))} retenues d'après le "
            f"secteur du responsable de traitement ({sector}), en attendant le résultat de scan"
        )
    if facts.minors:
        cats.add("minors")
    return frozenset(cats)


def _malicious(facts: Facts, cause: str, trace: Trace) -> bool:
    if facts.malicious is False and cause in ATTACK_CAUSES:
        trace.assume(
            f"malicious: false contredit la cause '{cause}', une attaque par nature : "
            "violation traitée comme malveillante"
        )
        return True
    if facts.malicious is not None:
        return facts.malicious
    guess = cause not in ERROR_CAUSES
    trace.assume(
        f"malicious inconnu : violation {'malveillante' if guess else 'non malveillante'} "
        f"retenue d'après la cause '{cause}'"
    )
    return guess


def _breach_types(facts: Facts, cause: str, malicious: bool, trace: Trace) -> frozenset[str]:
    types = set(facts.breach_types or ())
    if not types:
        types = {"confidentiality"} | ({"availability"} if cause == "ransomware" else set())
        trace.assume(f"breach_types inconnus : {', '.join(sorted(types))} retenus")
    if "confidentiality" not in types:
        why = None
        if facts.exfiltration_confirmed:
            why = "exfiltration_confirmed vaut true"
        elif facts.published:
            why = "les données ont été publiées"
        elif facts.exfiltration_confirmed is None and malicious and cause != "lost_device":
            why = "l'exfiltration ne peut pas être exclue (exfiltration_confirmed inconnu)"
        if why:
            types.add("confidentiality")
            trace.assume(
                f"perte de confidentialité ajoutée : {why} (EDPB, lignes directrices 01/2021, "
                "cas de rançongiciel)"
            )
    return frozenset(types)


def _encryption(facts: Facts, cause: str, trace: Trace) -> str:
    state = facts.encryption_state
    if state is None:
        trace.assume("encryption_state inconnu : données traitées comme non chiffrées ('none')")
        return "none"
    if state != "encrypted_key_safe":
        return state
    if facts.key_compromised:
        trace.assume(
            "encryption_state indique une clé sûre mais key_compromised vaut true : données "
            "traitées comme non chiffrées"
        )
        return "encrypted_key_compromised"
    if facts.key_compromised is None and facts.exfiltration_confirmed and cause in ATTACK_CAUSES:
        trace.assume(
            "encrypted_key_safe avec une exfiltration confirmée lors d'une attaque : un "
            "attaquant présent dans le système lit en général les données grâce à la clé ; "
            "données traitées comme non chiffrées (indiquer key_compromised: false pour "
            "se fier au chiffrement)"
        )
        return "encrypted_key_compromised"
    return state


def _backup(facts: Facts, types: frozenset[str], trace: Trace) -> bool:
    if facts.backup_available is None:
        if "availability" in types:
            trace.assume("backup_available inconnu : aucune sauvegarde utilisable retenue")
        return False
    return facts.backup_available


def _aware_at(
    facts: Facts, trace: Trace, now: datetime, clock_start: datetime | None
) -> datetime | None:
    aware = facts.aware_at
    if aware is None and clock_start is not None:
        trace.assume(
            "aware_at inconnu : le délai est supposé courir depuis la création de "
            f"l'espace de travail ({clock_start.isoformat()}) ; l'échéance réelle peut être "
            "antérieure"
        )
        return clock_start
    if aware is None:
        trace.assume(
            "aware_at inconnu : l'échéance de 72 heures ne peut pas être calculée ; notifier "
            "dans les meilleurs délais et consigner la date à laquelle la violation a été "
            "connue (RGPD art. 33(1))"
        )
        return None
    if facts.occurred_at is not None and aware < facts.occurred_at:
        trace.assume(
            "aware_at est antérieur à occurred_at : vérifier les deux dates ; le délai court "
            "à partir d'aware_at tel qu'indiqué"
        )
    if aware > now:
        trace.assume(
            "aware_at est postérieur à maintenant : vérifier la date ; le délai court à "
            "partir d'aware_at"
        )
    return aware
