import pytest

from vigie.scan import headers


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("NomNaissance", "NOM_NAISSANCE"),
        ("Date de naissance", "DATE_DE_NAISSANCE"),
        ("N° sécu", "N_SECU"),
        ("given_name", "GIVEN_NAME"),
        ("  e-mail ", "E_MAIL"),
    ],
)
def test_normalise(header: str, normalised: str) -> None:
    assert headers.normalise(header) == normalised


@pytest.mark.parametrize(
    ("header", "recognizer"),
    [
        ("NOM", "last_name"),
        ("NOM_JF", "birth_name"),
        ("NomUsuel", "last_name"),
        ("PRENOMS", "first_name"),
        ("DDN", "date"),
        ("DateNaiss", "date"),
        ("NIR", "nir"),
        ("NumSecu", "nir"),
        ("NUM_SECU", "nir"),
        ("CP", "postcode"),
        ("VILLE", "commune"),
        ("TEL2", "phone"),
        ("PORTABLE", "phone"),
        ("MAIL", "email"),
        ("GRP_SANG", "blood_group"),
        ("MED_PRESC", "prescriber"),
        ("PRESCRIPTEUR", "prescriber"),
        ("ADRESSE1", "street"),
        ("address_2", "street"),
        ("PAT_NOM", "last_name"),
        ("surname", "last_name"),
        ("dob", "date"),
        ("postcode", "postcode"),
        ("phone", "phone"),
        ("soc_sec_id", "national_id_other"),
        ("DATENAISS", "date"),
    ],
)
def test_hints(header: str, recognizer: str) -> None:
    assert recognizer in headers.hinted_recognizers(header)


def test_meaningless_header_has_no_hint() -> None:
    assert headers.hinted_recognizers("COL7") == frozenset()


@pytest.mark.parametrize("header", ["DATE_PRELEV", "DatePrelevement", "date_examen"])
def test_exam_date_headers(header: str) -> None:
    assert headers.is_exam_date(header)
