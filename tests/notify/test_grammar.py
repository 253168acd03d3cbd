"""Grammalecte over every variant of every text vigie writes for people: 0 grammar errors.

The variants are generated here from the library (not sampled from a demo): adult and
minor readers, each sex, each risk tier, each exposed element alone and in combinations,
every cause of the incident; the letter's text, the e-mail and the SMS, the filings (CNIL,
health sector, public communication) and the portal's note to a patient not concerned.
Grammalecte (Debian's grammalecte-cli, offline) checks them in one process; spelling of
proper nouns (synthetic names, labs, addresses) is not its business here, grammar is.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from vigie import french
from vigie.notify import wording
from vigie.notify.address import Recipient, format_address
from vigie.notify.channels import Contact, email_text, sms_text
from vigie.notify.filing_text import cnil_notification, health_report, public_communication
from vigie.notify.variants import IncidentText, letter_text
from vigie.vocabulary import ELEMENTS

GRAMMALECTE = shutil.which("grammalecte-cli")
# Grammalecte rules accepted on purpose, each with the reason (none are grammar faults).
# Grammalecte's typographic rules accepted on purpose (rule id prefix -> reason). None is
# a grammar or agreement rule: those must all pass.
ACCEPTED: dict[str, str] = {
    "apostrophe_typographique": "the straight apostrophe is kept: SMS use the GSM 03.38 "
    "alphabet, which has no ’, and people search their letter's text with the ' they type",
    "nbsp_avant": "no no-break space before : ; « »: GSM 03.38 has none either, and the "
    "letters, e-mails and SMS share one text; the PDF never breaks a line before ':'",
    "nbsp_après_chevrons": "as nbsp_avant",
    "unit_nbsp": "as nbsp_avant ('72 heures' in a filing label)",
    "g2__typo_ordinaux_chiffres_exposants": "'1er mars' in plain text: superscripts are "
    "not in GSM 03.38 and read badly in plain-text e-mail",
    "typo_tiret": "Markdown list items ('- ') and the '—' between a lab and its DPO in "
    "the filings' fields",
    "majuscule_début_paragraphe": "list items of the filings (categories of data) are "
    "noun phrases in lower case",
    "num_grand_nombre_soudé": "postcodes and CEDEX numbers (75334, TSA 80715), not quantities",
    "typo_espace_manquant_après1": "an ISO date-time value (2021-02-23T10:00) quoted "
    "from incident.yaml in the filing draft",
}
DPO = "dpo@example.org"
SENDERS = ("Laboratoire Bio Armor Lannion", "Océalab", "Biolam")
TIERS = ("very_high", "high", "medium", "low")
COMBINATIONS = (
    ("identity.last_name", "identity.first_name", "identity.birth_date"),
    ("identity.last_name", "contact.address", "contact.city", "contact.postcode"),
    ("national_id.nir", "health.hiv", "health.pregnancy", "contact.phone", "contact.email"),
    tuple(ELEMENTS),
    ("identity.last_name", "contact.address", "health.withheld", "health.result"),  # generic
)


def _incidents() -> list[IncidentText]:
    causes = list(wording.CAUSES)
    return [
        IncidentText(
            date(2021, 2, 12) if i % 2 else None,
            date(2021, 2, 23),
            cause,
            "Éditeur SIL" if i % 3 else None,
            bool(i % 2),
            date(2021, 3, 1),
            "https://verifier.example.org/verifier" if i % 2 else None,
        )
        for i, cause in enumerate(causes)
    ]


def _flatten(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _flatten(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _flatten(v)]
    return []


def letter_variants() -> dict[str, list[str]]:
    """Every letter variant's sentences, by a name saying which variant it is."""
    variants: dict[str, list[str]] = {}
    exposures = [(e,) for e in ELEMENTS] + list(COMBINATIONS)
    readers = [(minor, sex) for minor in (False, True) for sex in ("F", "M", "")]
    incidents = _incidents()
    for n, ((minor, sex), tier, elements) in enumerate(
        itertools.product(readers, TIERS, exposures)
    ):
        inc, sender = incidents[n % len(incidents)], SENDERS[n % len(SENDERS)]
        recipient = Recipient(sex, "Aaron", "Bruno", "1 rue de la Paix", "35000", "Rennes", minor)
        address = format_address(recipient)
        assert isinstance(address, tuple)
        text = letter_text({"sex": sex}, address=address, minor=minor, tier=tier,
                           elements=list(elements), sender=sender, dpo="dpo@example.org",
                           inc=inc)  # fmt: skip
        name = f"letter {'minor' if minor else 'adult'} {sex or '?'} {tier} {'+'.join(elements)}"
        live = [text.live["subject"], text.live["salutation"] + ","]
        variants[name] = live + _flatten(text.parts)
    return variants


def message_variants() -> dict[str, list[str]]:
    variants = {}
    for minor, sender in itertools.product((False, True), SENDERS):
        contact = Contact("L01-000001", "ABCD-EFGH-JKLM", sender, "dpo@example.org",
                          "a@example.org", "+33612345678", minor)  # fmt: skip
        for inc in _incidents()[:2]:
            variants[f"email {minor} {sender} {inc.cause}"] = [email_text(contact, inc)]
        variants[f"sms {minor} {sender}"] = [sms_text(contact)]
    return variants


def filing_variants() -> dict[str, list[str]]:
    facts = {"title": "Fuite de données de laboratoires", "occurred_at": "2021-02-12",
             "aware_at": "2021-02-23T10:00", "cause": "exfiltration", "processor": "Éditeur",
             "published": True, "malicious": True, "breach_types": ["confidentiality"],
             "controllers": [{"name": s, "dpo_email": DPO} for s in SENDERS]}  # fmt: skip
    cats = ["identity", "contact", "national_id", "health", "minors"]
    figures = {"assessment": {"data_categories": cats, "notify_sa": {"deadline": "2021-02-26"},
                              "notify_ds": {"required": True}, "facts": {"minors": 12},
                              "severity": {"level": "très élevé", "score": 4.5},
                              "health_report": {"required": True}},
               "elements": {"nom": 10, "NIR": 5}, "persons": 500_000, "records": 900_000,
               "per_controller": {s: 10 for s in SENDERS}, "letters": 480_000,
               "not_sent": {"no_address": 3, "deceased": 2}}  # fmt: skip
    now = datetime(2021, 2, 24, 9)
    return {
        "filing cnil": _flatten(cnil_notification(facts, figures, now)),
        "filing health": _flatten(health_report(facts, figures, now)),
        "public communication": [public_communication(facts, figures)],
    }


def note_variants() -> dict[str, list[str]]:
    note = (Path(__file__).parents[2] / "src/vigie/portal/templates/note.typ").read_text()
    paragraphs = re.findall(r"par\[(.*?)\]\n", note, re.S)
    values = {"#data.title": "Fuite de données", "#data.occurred": "12 février 2021",
              "#data.verify_url": "https://verifier.example.org/verifier",
              "#n.dpo": "dpo@example.org"}  # fmt: skip
    texts = []
    for paragraph in paragraphs:
        for field, value in values.items():
            paragraph = paragraph.replace(field, value)
        paragraph = re.sub(r"#if [^\[]*\[", "", paragraph)
        texts.append(" ".join(paragraph.replace("*", "").replace("]", "").split()))
    return {"portal note": texts}


def _check(texts: dict[str, list[str]], tmp_path: Path) -> tuple[list[str], int]:
    """Grammalecte's grammar errors as readable lines, and the number of paragraphs checked."""
    paragraphs: list[tuple[str, str]] = []
    for name, parts in texts.items():
        for part in parts:
            for paragraph in re.split(r"\n\s*\n", part):
                one_line = re.sub(r"[ \t\r\n]+", " ", paragraph).strip()  # keeps no-break spaces
                if one_line:
                    paragraphs.append((name, one_line))
    unique = sorted({p for _, p in paragraphs})
    source = tmp_path / "texts.txt"
    source.write_text("\n\n".join(unique) + "\n", encoding="utf-8")
    run = subprocess.run([GRAMMALECTE, "-f", str(source), "-j", "-owe"], capture_output=True,
                         text=True, timeout=600, check=True)  # fmt: skip
    found = json.loads(run.stdout)["data"]
    lines = source.read_text(encoding="utf-8").split("\n")  # Grammalecte counts every line
    errors = []
    for item in found:
        text = lines[item["iParagraph"] - 1] if item["iParagraph"] <= len(lines) else "?"
        for error in item["lGrammarErrors"]:
            if any(error["sRuleId"].startswith(rule) for rule in ACCEPTED):
                continue
            where = text[max(0, error["nStart"] - 30) : error["nEnd"] + 30]
            errors.append(f"{error['sMessage']} … {where} …")
    return errors, len(unique)


@pytest.mark.skipif(GRAMMALECTE is None, reason="grammalecte-cli (Debian package) absent")
def test_no_grammar_error_in_any_variant(tmp_path: Path) -> None:
    texts = {**letter_variants(), **message_variants(), **filing_variants(), **note_variants()}
    errors, checked = _check(texts, tmp_path)
    print(f"grammalecte: {len(texts)} variants, {checked} distinct paragraphs, "
          f"{len(errors)} errors")  # fmt: skip
    assert len(texts) > 500 and checked > 100
    assert errors == []


@pytest.mark.skipif(GRAMMALECTE is None, reason="grammalecte-cli (Debian package) absent")
def test_the_check_finds_the_faults_the_issue_reported(tmp_path: Path) -> None:
    """The checker itself catches what vigie used to write (so a pass means something)."""
    faults = {"old": ["Les informations suivantes ont été exposées : son date de naissance.",
                      "Elles ont été exposées avec son commune et son adresse."]}  # fmt: skip
    errors, _ = _check(faults, tmp_path)
    assert len(errors) >= 2


@pytest.mark.parametrize(
    ("text", "minor", "expected"),
    [
        ("{sa} date de naissance", True, "sa date de naissance"),
        ("{sa} adresse", True, "son adresse"),
        ("{sa} commune", False, "votre commune"),
        ("{ses} prénoms", True, "ses prénoms"),
        ("{ses} prénoms", False, "vos prénoms"),
        ("{son} nom", True, "son nom"),
    ],
)
def test_possessives_agree(text: str, minor: bool, expected: str) -> None:
    assert french.voice(text, third_person=minor) == expected


def test_elision_and_lists() -> None:
    assert [french.of(n) for n in ("Aaron", "Élodie", "Hélène", "Yann", "Yves", "Bruno")] == [
        "d'Aaron", "d'Élodie", "d'Hélène", "de Yann", "d'Yves", "de Bruno"]  # fmt: skip
    assert french.enumerate_fr(["A", "B", "C"]) == "A, B et C"
    assert french.enumerate_fr(["A", "B"], "ou") == "A ou B"
    sentence = letter_text({"sex": "F"}, address=("X", "1 RUE A", "35000 RENNES"), minor=False,
                           tier="high", elements=["contact.phone", "health.hiv",
                           "national_id.nir"], sender="Biolam", dpo="d@x.org",
                           inc=_incidents()[0]).parts["exposure"]["consequences"]  # fmt: skip
    assert sentence.count(" ou ") == 0 and sentence.count(" et ") == 1
