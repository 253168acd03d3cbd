"""`vigie scan` over the store: layouts it has never seen, overrides, the inventory."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from vigie.errors import ConfigError, StoreError
from vigie.ingest import ingest_files
from vigie.scan.overrides import parse
from vigie.scan.stage import run_scan
from vigie.workspace import Workspace


def _nir(body: str) -> str:
    return body + f"{97 - int(body) % 97:02d}"


# Synthetic rows: (first, last, birth date, NIR, postcode, city, phone, email, note)
PEOPLE = [
    (
        "Marie",
        "LE GOFF",
        "1985-04-12",
        _nir("2850435238012"),
        "35000",
        "Rennes",
        "06 12 34 56 78",
        "marie.legoff@example.org",
        "Sérologie VIH négative",
    ),
    (
        "Jean-Pierre",
        "MARTIN",
        "1950-11-02",
        _nir("1501129073055"),
        "22000",
        "Saint-Brieuc",
        "02 96 11 22 33",
        "",
        "patient à jeun",
    ),
    (
        "Anne Sophie",
        "BERNARD",
        "1992-07-30",
        _nir("2920745161088"),
        "45000",
        "Orléans",
        "",
        "asb@example.org",
        "grossesse 12 SA, beta-HCG positif",
    ),
    ("Yann", "KERVELLA", "2010-01-15", "", "56000", "Vannes", "07 61 22 33 44", "", ""),
]


def _write(path: Path, header: list[str], order: list[int]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for _ in range(25):  # enough values for profiling to see a pattern
            for person in PEOPLE:
                writer.writerow([person[i] for i in order])


@pytest.fixture
def scanned(tmp_path: Path, workspace: Workspace) -> Workspace:
    english = tmp_path / "people.csv"
    _write(
        english,
        ["given_name", "surname", "dob", "ssn", "postcode", "city", "phone", "email", "notes"],
        list(range(9)),
    )
    meaningless = tmp_path / "dump2.csv"
    order = [8, 3, 1, 0, 6, 2, 5, 4, 7]  # another layout, columns shuffled
    _write(meaningless, [f"COL{i}" for i in range(1, 10)], order)
    ingest_files(workspace, [english, meaningless])
    return workspace


def test_unseen_layouts_are_classified_by_their_values(scanned: Workspace) -> None:
    report = run_scan(scanned)
    found = {(c["table"], c["column"]): c["element"] for c in report.columns}
    assert found[("people", "surname")] == "identity.last_name"
    assert found[("people", "given_name")] == "identity.first_name"
    assert found[("people", "ssn")] == "national_id.nir"
    assert found[("people", "notes")] == "text.free"
    assert found[("dump2", "COL2")] == "national_id.nir"
    assert found[("dump2", "COL5")] == "contact.phone"
    assert found[("dump2", "COL6")] == "identity.birth_date"
    assert found[("dump2", "COL9")] == "contact.email"
    assert found[("dump2", "COL1")] == "text.free"


def test_exposure_counts_each_row_and_free_text_elements(scanned: Workspace) -> None:
    report = run_scan(scanned)
    assert report.elements["national_id.nir"] == 2 * 75  # three NIRs of four, in both tables
    assert report.elements["contact.email"] == 2 * 50
    assert report.elements["health.hiv"] == 2 * 25  # a negative serology still exposes it
    assert report.elements["health.pregnancy"] == 2 * 25
    assert report.rows == 200


def test_inventory_never_holds_a_personal_value(scanned: Workspace) -> None:
    text = json.dumps(run_scan(scanned).as_dict(), ensure_ascii=False)
    for person in PEOPLE:
        for value in person:
            if len(value) > 3:
                assert value not in text


def test_scan_is_idempotent(scanned: Workspace) -> None:
    first = run_scan(scanned).as_dict()
    second = run_scan(scanned).as_dict()
    first.pop("seconds")
    second.pop("seconds")
    assert first == second


def test_override_wins_is_kept_and_audited(scanned: Workspace) -> None:
    report = run_scan(scanned, parse(("dump2.COL6=none", "people.city=contact.address")))
    found = {(c["table"], c["column"]): (c["element"], c["source"]) for c in report.columns}
    assert found[("dump2", "COL6")] == (None, "override")
    assert found[("people", "city")] == ("contact.address", "override")
    again = run_scan(scanned)  # kept across runs
    assert {(c["table"], c["column"]): c["element"] for c in again.columns}[
        ("dump2", "COL6")
    ] is None
    audit = scanned.audit_path.read_text()
    assert "dump2.COL6" in audit


@pytest.mark.parametrize(
    ("setting", "message"),
    [("people.city", "TABLE.COLUMN=element"), ("people.city=health.nonsense", "not an element")],
)
def test_bad_override_syntax_is_a_config_error(setting: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse((setting,))


def test_override_of_unknown_column_names_it(scanned: Workspace) -> None:
    with pytest.raises(ConfigError, match="no column 'nope'"):
        run_scan(scanned, parse(("people.nope=none",)))


def test_scan_before_ingest_says_what_to_do(workspace: Workspace) -> None:
    with pytest.raises(StoreError, match="vigie ingest"):
        run_scan(workspace)


# Notes varied enough to exercise every pass: lexicon, negation, identifiers, cue names,
# the NER model (a bare capitalised name), capitals, repeats.
_NOTE_TEMPLATES = [
    "Sérologie VIH {n} négative",
    "grossesse {n} SA, beta-HCG positif",
    "Patiente sous Préviscan, INR {n},{n}",
    "PAS DE DIABETE CONNU, contrôle dans {n} jours",
    "Résultat transmis à Mme {name} par téléphone",
    "rappeler {name} au 06 12 34 5{n} 78",
    "vu avec {name} ce matin, tube hémolysé",
    "NIR {nir} vérifié",
    "mutation BRCA1 recherchée, prélèvement n°{n}",
    "RAS",
    "CIM-10 C50.{n} suivi oncologie",
]
_NAMES = ["Hélène", "Jean-Pierre MARTIN", "Claire Le Goff", "Yannick", "Dr Bernard"]


def _notes() -> list[str]:
    notes = []
    for i, template in enumerate(_NOTE_TEMPLATES):
        for j, name in enumerate(_NAMES):
            nir = _nir(f"28504352380{(i + j) % 10}{j}")
            notes.append(template.format(n=(i * 7 + j) % 10, name=name, nir=nir))
    return [*notes, *notes[:20], "", "   "]  # repeats and blanks, as a column holds them


def test_parallel_detection_matches_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from vigie.scan import parallel_text
    from vigie.scan.text import find_spans

    notes = _notes()
    alone = parallel_text.detect_notes(notes, workers=1)
    monkeypatch.setattr(parallel_text, "PARALLEL_MIN", 0)
    monkeypatch.setattr(parallel_text, "CHUNK", 7)  # many chunks, merged back in order
    seen: list[int] = []
    assert parallel_text.detect_notes(notes, workers=2, advance=seen.append) == alone
    assert sum(seen) == len(notes)
    one_by_one = [
        [(s.start, s.end, s.element, s.rule, s.negated, s.exposes) for s in find_spans(n)]
        for n in notes
    ]
    assert alone == one_by_one
    assert any(alone) and not alone[-1]


def _stored(ws: Workspace) -> tuple[list[tuple[object, ...]], ...]:
    with ws.connect() as con:
        return tuple(
            con.execute(f"SELECT * FROM {t}").fetchall()
            for t in ("scan_spans", "scan_exposure", "scan_columns")
        )


def test_scan_in_worker_processes_stores_the_same_rows(
    scanned: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigie.scan import parallel_text

    monkeypatch.setenv("VIGIE_SCAN_WORKERS", "1")
    run_scan(scanned)
    alone = _stored(scanned)
    monkeypatch.setenv("VIGIE_SCAN_WORKERS", "2")
    monkeypatch.setattr(parallel_text, "PARALLEL_MIN", 0)
    monkeypatch.setattr(parallel_text, "CHUNK", 1)
    run_scan(scanned)
    assert _stored(scanned) == alone  # same rows, same order
    assert alone[0] and alone[1]


def test_exposure_by_ranges_of_rows_stores_the_same_rows(
    scanned: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigie.scan import exposure

    run_scan(scanned)
    whole = _stored(scanned)
    monkeypatch.setattr(exposure, "EXPOSURE_BATCH_ROWS", 7)  # 15 ranges of each table's 100
    run_scan(scanned)
    assert _stored(scanned) == whole  # same rows, same (_row, element) order
    assert len({r[1] for r in whole[1]}) == 100 and len(whole[1]) > 200


@pytest.mark.parametrize(("setting", "expected"), [("3", 3), ("0", 1), ("", None), ("x", None)])
def test_worker_count_setting(
    monkeypatch: pytest.MonkeyPatch, setting: str, expected: int | None
) -> None:
    from vigie.scan.parallel_text import default_workers

    monkeypatch.setenv("VIGIE_SCAN_WORKERS", setting)
    workers = default_workers()
    assert workers == expected if expected is not None else 1 <= workers <= 4


def test_scan_covers_documents_alone(tmp_path: Path, workspace: Workspace) -> None:
    letter = tmp_path / "courrier.txt"
    letter.write_text(
        "Rennes le 3 mars 2021\nMadame\n\nSuite à votre sérologie VIH du 12 février, "
        "merci de rappeler le laboratoire au 06 12 34 56 78.\nBien cordialement\n",
        encoding="utf-8",
    )
    ingest_files(workspace, [letter])
    report = run_scan(workspace)
    assert report.rows == 0
    assert report.documents["documents"] == 1
    assert {"health.hiv", "contact.phone"} <= set(report.documents["elements"])
