"""Health spans in notes: positives per element, near misses, negation."""

from __future__ import annotations

import pytest

from vigie.scan.text import exposed_elements, find_spans

POSITIVES = {
    "health.hiv": [
        "Sérologie VIH demandée",
        "SEROLOGIE VIH 1/2 NEGATIVE",
        "hiv positif",
        "charge virale VIH indétectable",
        "CD4 à 350",
        "patient séropositif",
        "sous Truvada en PrEP",
        "Biktarvy 1 cp/j",
        "dolutégravir + lamivudine",
        "TROD VIH fait",
        "PREP renouvelée",
        "contrôle charge virale",
        "suivi VIH, CV indétectable",
        "lymphocytes CD4 : 620/mm3",
        "AES : sérologies VIH, VHB, VHC à J0",
    ],
    "health.pregnancy": [
        "patiente enceinte",
        "GROSSESSE EN COURS",
        "12 SA",
        "32SA+3j",
        "DDR 03/01",
        "bHCG 1250",
        "β-HCG négatif",
        "beta HCG positif",
        "test de grossesse demandé",
        "T21 dépistage",
        "échographie obstétricale jointe",
        "toxo mensuelle",
        "sérologie rubéole, bilan prénatal",
    ],
    "health.cancer": [
        "K sein",
        "K DE LA PROSTATE",
        "tumeur vésicale",
        "néoplasie pulmonaire",
        "carcinome canalaire",
        "lymphome B",
        "LEUCEMIE",
        "métastases hépatiques",
        "chimio J8",
        "radiothérapie en cours",
        "service d'oncologie",
        "CA 15-3 de suivi",
        "ca125",
        "CA 19-9",
        "PSA post-prostatectomie",
        "remontée du PSA",
        "chimio en cours",
        "C50 - suivi post-op",
        "LLC connue",
        "sous Arimidex",
    ],
    "health.genetic": [
        "génétique",
        "mutation BRCA1",
        "BRCA 1/2",
        "caryotype",
        "génotypage HFE",
        "mucoviscidose",
        "recherche CFTR",
        "X fragile",
        "séquençage d'exome",
        "TEST GENETIQUE",
        "trisomie 21",
        "DPNI",
        "dépistage prénatal non invasif",
        "test génétique BRCA2 : mutation délétère",
        "mutation JAK2 recherchée",
    ],
    "health.treatment": [
        "sous AVK",
        "Préviscan 20 mg",
        "COUMADINE",
        "warfarine",
        "fluindione",
        "INR cible 2-3",
        "Eliquis 5",
        "xarelto",
        "HBPM",
        "Lovenox 4000",
        "insuline lente",
        "Lantus + Novorapid",
        "metformine",
        "lithémie",
        "Dépakine",
        "valproate",
        "clozapine",
        "méthotrexate",
        "tacrolimus",
        "ciclosporine",
        "sous traitement",
        "ttt en cours",
        "Truvada",
        "chimio en cours",
        "radiothérapie en cours",
        "hormonothérapie",
        "prélèvement difficile, sous Levothyrox 75",
    ],
    "health.diagnosis": [
        "diabète",
        "DIABETIQUE",
        "hépatite B",
        "hepatite c chronique",
        "insuffisance rénale",
        "hypothyroïdie",
        "tuberculose",
        "syphilis",
        "chlamydia",
        "code CIM-10 E11",
        "C50.9",
        "ALD E10",
        "diag O09",
    ],
    "health.result": [
        "Hb 9.2 g/dL",
        "glycémie 1,32 g/l",
        "INR 2.5",
        "créatinine 120 µmol/L",
        "HbA1c 8 %",
        "HBA1C : 7,4%",
        "TSH = 12 mUI/l",
        "K+ 6,2",
        "sérologie VIH négative",
        "Ag HBs positif",
        "chlamydia PCR positive",
        "tacrolimus résiduel 7,2 ng/ml",
        "ferritine basse",
        "CRP élevée, médecin prévenu",
        "plaquettes basses, recontrôle",
        "VS accélérée",
        "PSA de surveillance post-prostatectomie : 0,02 ng/mL",
        "sérologie toxoplasmose mensuelle : négative",
        "caryotype foetal normal",
        "charge virale VIH 277649 copies/mL",
        "HIV 1+2 Ag/Ac combo : non réactif",
        "RAI négatives",
        "facteur V Leiden : hétérozygote",
        "ECBU : leucocyturie significative",
        "patiente non immunisée",
    ],
}

# Near misses: lab chatter that must expose nothing.
NOTHING = [
    "patient à jeun",
    "prélèvement difficile",
    "tube hémolysé",
    "rappeler",
    "K",
    "vu K. ce matin",
    "Biolab SA",
    "PSA",
    "PSA dépistage annuel",
    "format A4",
    "vitamine B12 demandée",
    "chambre B12",
    "contrôle à J15",
    "prélevé à 8h30",
    "glycémie à jeun demandée",
    "le traitement des échantillons a pris du retard",
    "plaquettes 2x/semaine",
    "RDV le 12/03/2021",
    "ionogramme, NFS",
    "SA 2 rue des Lilas",
    "ordonnance du 12/03 : NFS, CRP, ionogramme",
    "TSH + T4 à faire au prochain passage",
    "NFS de contrôle demandée",
    "bilan thyroïdien à refaire dans 6 semaines",
    "CV à jour, dossier complet",
]


@pytest.mark.parametrize(
    ("element", "text"), [(e, t) for e, texts in POSITIVES.items() for t in texts]
)
def test_health_phrasing_exposes_its_element(element: str, text: str) -> None:
    assert element in exposed_elements(find_spans(text, use_ner=False))


@pytest.mark.parametrize("text", NOTHING)
def test_lab_chatter_exposes_no_health_element(text: str) -> None:
    found = exposed_elements(find_spans(text, use_ner=False))
    assert not {e for e in found if e.startswith("health.")}, found


def test_every_element_has_at_least_eight_phrasings() -> None:
    assert all(len(texts) >= 8 for texts in POSITIVES.values())


@pytest.mark.parametrize(
    ("text", "element", "negated", "exposed"),
    [
        ("sérologie VIH négative", "health.hiv", True, True),
        ("VIH 1/2 : négatif", "health.hiv", True, True),
        ("pas de sérologie VIH", "health.hiv", True, True),
        ("test de grossesse négatif", "health.pregnancy", True, True),
        ("absence de grossesse", "health.pregnancy", True, True),
        ("non enceinte", "health.pregnancy", True, True),
        ("pas de mutation BRCA retrouvée", "health.genetic", True, True),
        ("pas de traitement", "health.treatment", True, False),
        ("aucun traitement anticoagulant", "health.treatment", True, False),
        ("Pas d'AVK", "health.treatment", True, False),
        ("sans anticoagulant", "health.treatment", True, False),
        ("pas de diabète connu", "health.diagnosis", True, False),
        ("non diabétique", "health.diagnosis", True, False),
        ("pas de métastase", "health.cancer", True, False),
        ("CA 15-3 négatif", "health.cancer", True, True),
        ("patient sous AVK", "health.treatment", False, True),
        ("diabète de type 2", "health.diagnosis", False, True),
    ],
)
def test_negation_marks_span_and_exposure_follows_policy(
    text: str, element: str, negated: bool, exposed: bool
) -> None:
    spans = [s for s in find_spans(text, use_ner=False) if s.element == element]
    assert spans, text
    assert spans[0].negated is negated
    assert spans[0].exposes is exposed


def test_negation_stops_at_the_clause() -> None:
    spans = find_spans("Sérologie VIH négative, hépatite B positive", use_ner=False)
    by_element = {s.element: s for s in spans if s.rule != "diagnosis.named.result"}
    assert by_element["health.hiv"].negated
    assert not by_element["health.diagnosis"].negated


def test_antiretroviral_is_both_hiv_and_treatment() -> None:
    elements = {s.element for s in find_spans("Descovy", use_ner=False)}
    assert {"health.hiv", "health.treatment"} <= elements


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CIM-10 : D25", "D25"),
        ("T21", None),
        ("E11", "E11"),
        ("C50.9", "C50.9"),
        ("code J15", "J15"),
    ],
)
def test_icd10_codes_are_found_with_their_context(text: str, code: str | None) -> None:
    spans = [s for s in find_spans(text, use_ner=False) if s.rule == "icd10.code"]
    assert [text[s.start : s.end] for s in spans] == ([code] if code else [])


@pytest.mark.parametrize(
    "text", ["B10", "B12", "D49", "K99", "A4", "U99", "HLA B27", "G6PD", "D25", "J15"]
)
def test_code_shapes_outside_icd10_blocks_are_not_diagnoses(text: str) -> None:
    assert not [s for s in find_spans(text, use_ner=False) if s.rule == "icd10.code"]


def test_spans_point_into_the_original_text() -> None:
    text = "Patiente ENCEINTE, sérologie VIH négative, Hb 9,2 g/dL"
    for span in find_spans(text, use_ner=False):
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end].strip() == text[span.start : span.end]


@pytest.mark.parametrize("text", [None, "", "   ", "\n"])
def test_empty_notes_give_no_span(text: str | None) -> None:
    assert find_spans(text) == []


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # A viral load with its virus named is that virus's, not HIV's.
        ("charge virale VHC", "health.hiv"),
        ("charge virale CMV 3500 copies", "health.hiv"),
        ("Hépatite C, génotype 1b", "health.genetic"),
        # A lab-processing "traitement" is not a treatment; a dash is not a negative sign.
        ("traitement des échantillons retardé", "health.treatment"),
        ("pas de traitement anticoagulant", "health.treatment"),
        # Surgery is cancer, not a treatment the person is on.
        ("PSA post-prostatectomie", "health.treatment"),
        ("PSA dépistage annuel", "health.result"),
        ("glycémie à jeun demandée", "health.result"),
        # A value belongs to its line, and "2e" is an ordinal, not a value.
        ("HTA\n2e prélèvement, 1er tube coagulé", "health.result"),
        ("sérologie VIH à 6 semaines post-exposition", "health.result"),
    ],
)
def test_near_misses_do_not_expose_the_element(text: str, absent: str) -> None:
    assert absent not in exposed_elements(find_spans(text, use_ner=False))


@pytest.mark.parametrize(
    ("text", "element"),
    [
        # A negation does not reach across a line break or a dash between findings.
        ("pas de traitement en cours\ninsulinothérapie", "health.treatment"),
        ("HTA - vitamine B12 et folates", "health.diagnosis"),
        ("VIH -", "health.result"),
    ],
)
def test_negation_scope_ends_at_a_line_or_a_dash(text: str, element: str) -> None:
    assert element in exposed_elements(find_spans(text, use_ner=False))


@pytest.mark.parametrize(
    ("text", "elements"),
    [
        ("C50.9", {"health.diagnosis", "health.cancer"}),
        ("D05 in situ", {"health.diagnosis", "health.cancer"}),
        ("code B20", {"health.diagnosis", "health.hiv"}),
        ("Z21", {"health.diagnosis", "health.hiv"}),
        ("O24.4", {"health.diagnosis", "health.pregnancy"}),
        ("Z34", {"health.diagnosis", "health.pregnancy"}),
        ("Q90", {"health.diagnosis", "health.genetic"}),
        ("E11", {"health.diagnosis"}),
        ("D50 carence martiale", {"health.diagnosis"}),
    ],
)
def test_icd10_blocks_reveal_cancer_hiv_pregnancy_and_genetics(
    text: str, elements: set[str]
) -> None:
    found = {s.element for s in find_spans(text, use_ner=False) if s.rule.startswith("icd10")}
    assert found == elements
