import pytest

from tests.scan.recognizers._table import check
from vigie.scan.profile import profile_column


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("6.1", True),
        ("0,82", True),
        ("< 0.5", True),
        (">150000", True),
        ("12 mg/L", True),
        ("6.1 %", True),
        ("392437 copies/mL", True),
        ("Négatif", True),
        ("POSITIF (immunisée)", True),
        ("Absence de mutation C282Y", True),
        ("C282Y hétérozygote", True),
        ("indétectable", True),
        # Near misses: a label, a note, a code, a sentence that happens to say "négatif".
        ("Hémoglobine", False),
        ("voir compte rendu", False),
        ("46,XY", False),
        ("sérologie faite, résultat négatif, à recontrôler dans trois mois", False),
    ],
)
def test_result_value(value: str, valid: bool | None) -> None:
    check("result_value", value, valid)


def test_a_value_column_needs_its_header() -> None:
    values = ["6.1", "0.82", "12", "Négatif", "148"] * 20
    assert profile_column("t", "VALEUR", values).element == "health.result"
    assert profile_column("t", "X7", values).element is None


def test_a_result_column_of_sentences_stays_free_text() -> None:
    notes = ["sérologie VIH négative, contrôle à 3 mois demandé par le médecin"] * 20
    assert profile_column("t", "RESULTAT", notes).element == "text.free"


def test_a_label_column_is_free_text_however_short() -> None:
    labels = ["TSH", "Ferritine", "Sérologie VIH 1/2", "HbA1c", "Hémoglobine"] * 20
    assert profile_column("t", "LIBELLE", labels).element == "text.free"
