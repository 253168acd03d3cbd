"""Grammalecte over every variant of every text vigie writes for people: 0 grammar errors.

The variants are generated here from the library (not sampled from a demo):
- the letters, every variant (tests/notify/letter_variants.py: each reader's age band and
  sex through the minors' policy, each risk tier, each exposed element alone and in
  combinations, every cause of incident), read back from the PDFs Typst printed, both
  pages, template text included;
- the e-mail and the SMS for each kind of reader and sender;
- the filings (CNIL, health sector, public communication) for a large incident and for
  one of a single person, lab and letter (agreement);
- the portal's note to a patient not concerned;
- the report page, for each assessment scenario of tests/assess (scenarios.yaml and the
  18 EDPB cases) at its own moment, with large and singular counts.
Grammalecte (Debian's grammalecte-cli, offline) checks them in one process per kind.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.notify.conftest import RenderedVariants
from tests.notify.letter_variants import SENDERS, incidents
from tests.notify.pdftext import paragraphs as pdf_paragraphs
from tests.report.page import paragraphs as html_paragraphs
from vigie import french
from vigie.notify.channels import Contact, email_text, sms_text
from vigie.notify.filing_text import (
    cnil_notification,
    health_report,
    printable,
    public_communication,
)
from vigie.notify.variants import letter_text
from vigie.vocabulary import ELEMENTS, category

GRAMMALECTE = shutil.which("grammalecte-cli")
needs_grammalecte = pytest.mark.skipif(
    GRAMMALECTE is None, reason="grammalecte-cli (Debian package grammalecte-cli) absent"
)
DPO = "dpo@example.org"

# Grammalecte's typographic rules accepted on purpose (rule id prefix -> reason). None is
# a grammar or agreement rule: those must all pass.
#
# The printed letters carry French typography (’, no-break spaces before : ; ! ?, « »,
# 1er raised: parts.typ `styles`), so only these are accepted for them:
ACCEPTED_PRINTED: dict[str, str] = {
    "g2__typo_ordinaux_chiffres_exposants": "'1er' is printed with its letters raised "
    "(Typst super); the PDF's text layer gives them back as plain 'er'",
    "num_grand_nombre_soudé": "postcodes and CEDEX numbers (75334, TSA 80715), not quantities",
}
# The plain-text documents keep the text as typed:
ACCEPTED_PLAIN: dict[str, str] = {
    **ACCEPTED_PRINTED,
    "apostrophe_typographique": "the straight apostrophe is kept: SMS use the GSM 03.38 "
    "alphabet, which has no ’; the e-mail says what the SMS says; the filings' values are "
    "pasted into the authorities' online forms; the report quotes the assessment's reasons "
    "as `vigie assess --json` and the register entry hold them",
    "nbsp_": "no no-break space before : ; « » for the same reasons (GSM 03.38 has none)",
    "unit_nbsp": "as nbsp_ ('72 heures', '48 h')",
    "typo_guillemets_typographiques_simples": "the report quotes incident.yaml values as "
    "typed there ('other', 'ransomware'), so that they can be found in the file",
    "typo_tiret": "Markdown list items ('- ') and the '—' between a lab and its DPO in "
    "the filings' fields",
    "majuscule_début_paragraphe": "list items of the filings (categories of data) are "
    "noun phrases in lower case",
    "typo_espace_manquant_après": "ISO date-times (2021-02-23T10:00) and the leak's "
    "column names (table.column) quoted as they are",
}
# Words outside Grammalecte's dictionary that the texts for victims may hold (names,
# acronyms, codes); any other unknown word in a letter, e-mail or SMS is a typo.
KNOWN_WORDS = {
    "Océalab", "Biolam", "BRUNO", "Aaron", "SIL", "INS", "FICOBA", "TSA", "Fontenoy",
    "7KQ2-M9XD-4TRB", "L01-000001", "ABCD-EFGH-JKLM", "KQ2-M9XD-4TRB",
}  # fmt: skip


@dataclass
class Checked:
    """What Grammalecte said: grammar errors and unknown words, over `paragraphs`."""

    paragraphs: int = 0
    errors: list[str] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)


def _check(texts: dict[str, list[str]], accepted: dict[str, str], tmp_path: Path) -> Checked:
    """Grammalecte over every distinct paragraph of `texts` (name -> paragraphs)."""
    unique = sorted(
        {
            one_line
            for parts in texts.values()
            for part in parts
            for paragraph in re.split(r"\n\s*\n", part)
            if (one_line := re.sub(r"[ \t\r\n]+", " ", paragraph).strip())  # keeps nbsp
        }
    )
    source = tmp_path / "texts.txt"
    source.write_text("\n\n".join(unique) + "\n", encoding="utf-8")
    run = subprocess.run([str(GRAMMALECTE), "-f", str(source), "-j", "-owe"], capture_output=True,
                         text=True, timeout=600, check=True)  # fmt: skip
    lines = source.read_text(encoding="utf-8").split("\n")  # Grammalecte counts every line
    checked = Checked(len(unique))
    for item in json.loads(run.stdout)["data"]:
        text = lines[item["iParagraph"] - 1] if item["iParagraph"] <= len(lines) else "?"
        for error in item["lGrammarErrors"]:
            if any(error["sRuleId"].startswith(rule) for rule in accepted):
                continue
            where = text[max(0, error["nStart"] - 30) : error["nEnd"] + 30]
            checked.errors.append(f"{error['sRuleId']}: {error['sMessage']} … {where} …")
        checked.unknown |= {error["sValue"] for error in item["lSpellingErrors"]}
    return checked


def _flatten(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _flatten(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _flatten(v)]
    return []


def printed_letters(rendered: RenderedVariants) -> dict[str, list[str]]:
    """Each letter variant's paragraphs as printed (both pages, the template's own text
    included); the letter reference made one, so identical paragraphs are checked once."""
    texts: dict[str, list[str]] = {}
    for i, variant in enumerate(rendered.variants):
        pages = rendered.pages[2 * i : 2 * i + 2]
        text = [re.sub(r"L01-\d{6}", "L01-000001", p) for page in pages for p in
                pdf_paragraphs(page)]  # fmt: skip
        texts[f"letter {i} {variant.name}"] = text
    return texts


def message_variants() -> dict[str, list[str]]:
    variants = {}
    for minor, sender in itertools.product((False, True), SENDERS):
        contact = Contact("L01-000001", "ABCD-EFGH-JKLM", sender, DPO, "a@example.org",
                          "+33612345678", minor)  # fmt: skip
        for inc in incidents()[:2]:
            variants[f"email {minor} {sender} {inc.cause}"] = [email_text(contact, inc)]
        variants[f"sms {minor} {sender}"] = [sms_text(contact)]
    return variants


def _filing_figures(persons: int, labs: tuple[str, ...]) -> dict[str, Any]:
    one = persons == 1
    return {"assessment": {"data_categories": ["identity", "contact", "national_id", "health",
                                               "minors"],
                           "notify_sa": {"deadline": "2021-02-26"}, "notify_ds": {"required": True},
                           "facts": {"minors": 0 if one else 12},
                           "severity": {"level": "very_high", "score": 4.5},
                           "health_report": {"required": True}},
            "elements": {e: 1 if one else 10 for e in ("identity.last_name", "national_id.nir",
                                                       "health.hiv", "contact.address")},
            "persons": persons, "records": persons * 2,
            "per_controller": dict.fromkeys(labs, persons),
            "letters": persons, "not_sent": {"no_address": 1, "deceased": 0 if one else 2,
                                             "address_too_long": 0 if one else 3}}  # fmt: skip


def filing_variants() -> dict[str, list[str]]:
    facts = {"title": "Fuite de données de laboratoires", "occurred_at": "2021-02-12",
             "aware_at": "2021-02-23T10:00", "cause": "exfiltration", "processor": "Éditeur",
             "published": True, "malicious": True,
             "breach_types": ["confidentiality", "availability"],
             "controllers": [{"name": s, "dpo_email": DPO} for s in SENDERS]}  # fmt: skip
    now = datetime(2021, 2, 24, 9)
    texts = {}
    for size, figures in (("large", _filing_figures(500_000, SENDERS)),
                          ("single", _filing_figures(1, SENDERS[:1]))):  # fmt: skip
        # as the PDF prints them (counts in French); the JSON keeps numbers
        texts[f"filing cnil {size}"] = _flatten(printable(cnil_notification(facts, figures, now)))
        texts[f"filing health {size}"] = _flatten(printable(health_report(facts, figures, now)))
        texts[f"public communication {size}"] = [public_communication(facts, figures)]
    return texts


def note_variants() -> dict[str, list[str]]:
    note = (Path(__file__).parents[2] / "src/vigie/portal/templates/note.typ").read_text()
    paragraphs = re.findall(r"par\[(.*?)\]\n", note, re.S)
    values = {"#data.title": "Fuite de données", "#data.occurred": "12 février 2021",
              "#data.verify_url": "https://verifier.example.org/verifier",
              "#n.dpo": "dpo@example.org"}  # fmt: skip
    texts = []
    for paragraph in paragraphs:
        for name, value in values.items():
            paragraph = paragraph.replace(name, value)
        paragraph = re.sub(r"#if [^\[]*\[", "", paragraph)
        texts.append(" ".join(paragraph.replace("*", "").replace("]", "").split()))
    return {"portal note": texts}


def _assessment_cases() -> list[tuple[str, dict[str, Any], datetime]]:
    """(name, facts, moment) of every scenario and EDPB case the assess tests hold."""
    folder = Path(__file__).parents[1] / "assess"
    table = yaml.safe_load((folder / "scenarios.yaml").read_text(encoding="utf-8"))
    cases = [(s["name"], {**(table["bases"].get(s.get("base")) or {}), **(s.get("facts") or {})},
              datetime.fromisoformat(str(s["now"]))) for s in table["scenarios"]]  # fmt: skip
    edpb = yaml.safe_load((folder / "edpb_cases.yaml").read_text(encoding="utf-8"))
    moment = datetime.fromisoformat("2023-03-02T08:00:00+01:00")
    cases += [(f"edpb {c['id']}", {**edpb["common"], **c["facts"]}, moment) for c in edpb["cases"]]
    return cases


def _report_figures(n: int) -> Any:
    from vigie.report.data import Figures, InventoryRow

    keys = ("leak_files", "leak_tables", "leak_rows", "registries", "persons", "exposed_rows",
            "controllers", "minors", "deceased", "unattached")  # fmt: skip
    totals: dict[str, int | None] = dict.fromkeys(keys, n)
    charts = {"controllers": [("Océalab", n), ("Biolam", n)],
              "departements": [("35", n), ("22", n), ("inconnu", n)],
              "elements": [(e, n) for e in ELEMENTS], "categories": [("health", n)],
              "tiers": [(t, n) for t in ("very_high", "high", "medium", "low")],
              "exams": [("2021-01", n), ("2021-02", n)]}  # fmt: skip
    inventory = [InventoryRow(e, category(e), [f"analyses.{e.split('.')[1]}"], n, n, n)
                 for e in ELEMENTS]  # fmt: skip
    return Figures(totals, charts, inventory, (date(2021, 1, 3), date(2021, 2, 11)))


def report_variants() -> dict[str, list[str]]:
    """The report page of each assessment case, with counts of 1 and of many."""
    from vigie.assess import assess_facts
    from vigie.report import html
    from vigie.report.decision import clock

    texts = {}
    charts: dict[int, Any] = {}  # drawn once per size: the drawings hold no prose
    for (name, facts, now), n in itertools.product(_assessment_cases(), (1, 1234)):
        decision = assess_facts(facts, now).to_dict()
        figures = _report_figures(n)
        if n not in charts:
            charts[n] = html.chart_views(figures, decision, ("2021-01-01", "2021-02-28"))
        context = {
            "title": str(decision["facts"].get("title") or "Violation de données"),
            "generated": html.when_fr(now), "version": "1.0", "decision": decision,
            "assessed": html.when_fr(now), "assessments": n, "facts": html.facts_rows(
                decision["facts"]), "clock": html.clock_view(clock(decision, now)),
            "obligations": html.obligations(decision), "totals": figures.totals,
            "inventory": figures.inventory, "levels": html.fr.LEVELS_FR,
            "charts": charts[n],
        }  # fmt: skip
        texts[f"report {name} {n}"] = html_paragraphs(html.render(context))
    return texts


@needs_grammalecte
def test_no_grammar_error_in_any_printed_letter(
    rendered_variants: RenderedVariants, tmp_path: Path
) -> None:
    texts = printed_letters(rendered_variants)
    checked = _check(texts, ACCEPTED_PRINTED, tmp_path)
    print(f"grammalecte, printed letters: {len(texts)} variants, {checked.paragraphs} "
          f"distinct paragraphs, {len(checked.errors)} errors")  # fmt: skip
    assert len(texts) > 1000 and checked.paragraphs > 100
    assert checked.errors == []
    assert checked.unknown <= KNOWN_WORDS, "typo? " + ", ".join(checked.unknown - KNOWN_WORDS)


@needs_grammalecte
def test_no_grammar_error_in_messages_filings_note_and_report(tmp_path: Path) -> None:
    for_victims = {**message_variants(), **note_variants()}
    others = {**filing_variants(), **report_variants()}
    checked = _check({**for_victims, **others}, ACCEPTED_PLAIN, tmp_path)
    print(f"grammalecte, messages, filings, note, report: {len(for_victims) + len(others)} "
          f"variants, {checked.paragraphs} distinct paragraphs, "
          f"{len(checked.errors)} errors")  # fmt: skip
    assert len(others) > 100 and checked.paragraphs > 300
    assert checked.errors == []
    victims = _check(for_victims, ACCEPTED_PLAIN, tmp_path)
    assert victims.unknown <= KNOWN_WORDS, "typo? " + ", ".join(victims.unknown - KNOWN_WORDS)


@needs_grammalecte
def test_the_check_finds_the_faults_the_issue_reported(tmp_path: Path) -> None:
    """The checker itself catches what vigie used to write (so a pass means something)."""
    faults = {"old": ["Les informations suivantes ont été exposées : son date de naissance.",
                      "Elles ont été exposées avec son commune et son adresse.",
                      "Aux représentants légaux de Aaron BRUNO.",
                      "Ce que cela peut entrainner : une fraude."]}  # fmt: skip
    checked = _check(faults, ACCEPTED_PLAIN, tmp_path)
    assert len(checked.errors) >= 3
    assert "entrainner" in checked.unknown


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


def test_elision_lists_and_counts() -> None:
    assert [french.of(n) for n in ("Aaron", "Élodie", "Hélène", "Yann", "Yves", "Bruno")] == [
        "d'Aaron", "d'Élodie", "d'Hélène", "de Yann", "d'Yves", "de Bruno"]  # fmt: skip
    assert french.enumerate_fr(["A", "B", "C"]) == "A, B et C"
    assert french.enumerate_fr(["A", "B"], "ou") == "A ou B"
    assert [french.count(n, "fichier") for n in (0, 1, 2)] == ["0 fichier", "1 fichier",
                                                               "2 fichiers"]  # fmt: skip
    assert french.count(500_000, "personne concernée") == "500\u202f000 personnes concernées"
    assert french.typographic("Objet : l'« essai » ; oui ?") == (
        "Objet\u00a0: l’«\u202fessai\u202f»\u202f; oui\u202f?"
    )
    sentence = letter_text({"sex": "F"}, address=("X", "1 RUE A", "35000 RENNES"), minor=False,
                           tier="high", elements=["contact.phone", "health.hiv",
                           "national_id.nir"], sender="Biolam", dpo="d@x.org",
                           inc=incidents()[0]).parts["exposure"]["consequences"]  # fmt: skip
    assert sentence.count(" ou ") == 0 and sentence.count(" et ") == 1
