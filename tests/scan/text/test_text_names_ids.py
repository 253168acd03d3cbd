"""Names and identifiers in notes."""

from __future__ import annotations

import pytest

from vigie.scan.text import find_spans


def _found(text: str, use_ner: bool = True) -> set[tuple[str, str]]:
    return {(text[s.start : s.end], s.element) for s in find_spans(text, use_ner=use_ner)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Appeler sa fille Marie", {("Marie", "identity.first_name")}),
        ("Mme Lefebvre prévenue", {("Lefebvre", "identity.last_name")}),
        ("APPELER MME DURAND POUR RDV", {("DURAND", "identity.last_name")}),
        ("Dr Martin prévenu", {("Martin", "provider.prescriber")}),
        ("Pr Lemoine", {("Lemoine", "provider.prescriber")}),
        (
            "Mme Le Goff née Morvan",
            {("Le Goff", "identity.last_name"), ("Morvan", "identity.birth_name")},
        ),
        ("MR LE GALL REFUSE LE SMS", {("LE GALL", "identity.last_name")}),
        (
            "Mme Riou épouse Nicolas",
            {("Riou", "identity.last_name"), ("Nicolas", "identity.last_name")},
        ),
        ("son fils Thomas", {("Thomas", "identity.first_name")}),
        (
            "Monsieur Lucas Faure",
            {("Lucas", "identity.first_name"), ("Faure", "identity.last_name")},
        ),
        ("Message laissé à Hélène", {("Hélène", "identity.first_name")}),
        # The surname in capitals decides, even when it is also a first name.
        (
            "prévenir son époux Jean CHARLES",
            {("Jean", "identity.first_name"), ("CHARLES", "identity.last_name")},
        ),
        (
            "Mme DUPONT Marie-Claire",
            {("DUPONT", "identity.last_name"), ("Marie-Claire", "identity.first_name")},
        ),
        # A capitalised particle opens a surname inside the run, even before "DU".
        (
            "résultats à remettre à son fils Michel LE GOFFET",
            {("Michel", "identity.first_name"), ("LE GOFFET", "identity.last_name")},
        ),
        (
            "prévenir son époux Claire LE DU",
            {("Claire", "identity.first_name"), ("LE DU", "identity.last_name")},
        ),
        # Guardians and trusted persons announce a name; "œ" is read as "oe".
        (
            "tutelle : Michel DURAND",
            {("Michel", "identity.first_name"), ("DURAND", "identity.last_name")},
        ),
        (
            "PERSONNE DE CONFIANCE : SA SŒUR JEAN VANDERLINDEN",
            {("JEAN", "identity.first_name"), ("VANDERLINDEN", "identity.last_name")},
        ),
        # Two known first names: order decides (surname last after kin, first after a title).
        (
            "PERSONNE DE CONFIANCE : SA SŒUR SOPHIE VINCENT",
            {("SOPHIE", "identity.first_name"), ("VINCENT", "identity.last_name")},
        ),
        (
            "Madame Bernard Chantal, prélevée à domicile",
            {("Bernard", "identity.last_name"), ("Chantal", "identity.first_name")},
        ),
    ],
)
def test_cue_rules_find_names_without_the_model(text: str, expected: set) -> None:
    names = {f for f in _found(text, use_ner=False) if not f[1].startswith("health")}
    assert names == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("demander à Sophie Lambert de rappeler", {"Sophie", "Lambert"}),
        ("Isabelle Mercier a déposé les urines", {"Isabelle", "Mercier"}),
        ("Appeler Paul Girard au labo", {"Paul", "Girard"}),
    ],
)
def test_the_french_model_finds_names_without_cues(text: str, words: set[str]) -> None:
    found = {w for w, e in _found(text) if e.startswith("identity.")}
    assert words <= found


@pytest.mark.parametrize(
    "text",
    [
        "Eliquis en cours",
        "Sous Truvada, RAS",
        "Résultat transmis par fax",
        "SUIVI DE GROSSESSE, RAI A FAIRE",
        "Facture envoyée à Biolab SA",
        "Préviscan, Lovenox, Xarelto",
        "NEUROLEPTIQUE RETARD",
        # Notes typed in capitals: the model sees every word title-cased.
        "AUCUN ANTÉCÉDENT PARTICULIER",
        "TRAITEMENT DES ÉCHANTILLONS RETARDÉ (PANNE AUTOMATE)",
        "PATIENTE ANXIEUSE; PRÉVOIR PETITE AIGUILLE",
        "SOUS ELIQUIS 5 MG X2",
        "BILAN ANNUEL MÉDECINE DU TRAVAIL",
    ],
)
def test_drugs_and_jargon_are_not_people(text: str) -> None:
    assert not {e for _, e in _found(text) if e.startswith("identity.")}


@pytest.mark.parametrize(
    ("text", "element", "value"),
    [
        ("rappeler au 06 12 34 56 78", "contact.phone", "06 12 34 56 78"),
        ("tel : 0299123456", "contact.phone", "0299123456"),
        ("au +33 6 71 23 45 89 le soir", "contact.phone", "+33 6 71 23 45 89"),
        ("SMS au 0690 12 34 56", "contact.phone", "0690 12 34 56"),
        ("rappeler au 06 92 12 34 56", "contact.phone", "06 92 12 34 56"),
        ("mail j.dupont@orange.fr svp", "contact.email", "j.dupont@orange.fr"),
        ("NIR 269054958815780", "national_id.nir", "269054958815780"),
        ("secu 2 69 05 49 588 157 80", "national_id.nir", "2 69 05 49 588 157 80"),
        ("NIR 2 53 07 2A 073 004 43", "national_id.nir", "2 53 07 2A 073 004 43"),
        ("NIR sans clé 1 85 12 75 108 042", "national_id.nir", "1 85 12 75 108 042"),
        (
            "FR76 3000 6000 0112 3456 7890 189",
            "financial.iban",
            "FR76 3000 6000 0112 3456 7890 189",
        ),
    ],
)
def test_identifiers_are_found_and_validated(text: str, element: str, value: str) -> None:
    assert (value, element) in _found(text, use_ner=False)


@pytest.mark.parametrize(
    "text",
    [
        "NIR 269054958815781",  # wrong key
        "NIR 269154958815780",  # month 15 does not exist
        "code barre 2690549588157",  # a bar code, not a NIR
        "tube n° 123456789",
        "06 12 34",  # too short for a phone
        "dossier 2019-123456",
        "FR76 3000 6000 0112 3456 7890 188",  # IBAN check fails
        "adresse@",
    ],
)
def test_identifier_shapes_that_do_not_validate_are_ignored(text: str) -> None:
    assert not [s for s in find_spans(text, use_ner=False) if s.category != "health"]


def test_spans_never_carry_the_text() -> None:
    text = "Mme Durand, 06 12 34 56 78, sérologie VIH"
    for span in find_spans(text):
        assert "Durand" not in span.detail and "06" not in span.detail
