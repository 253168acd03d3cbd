"""`vigie portal requests import`: requests sealed by the live portal are opened with the
store's key, matched with the leak and the registries by the link model, and answered by
post only: the person's letter again, a note for a patient in no leak row, or a list to
handle by hand. A request is answered once, however often its file is imported."""

from __future__ import annotations

import base64
import csv
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.runner import vigie
from tests.notify.pdftext import page_texts
from tests.portal.conftest import Portal
from tests.portal.live import live_portal
from tests.portal.test_selfcheck import OUTSIDER, _post
from vigie.portal.requests import public_of, sealing_key
from vigie.scan.recognizers.dates import parse_date
from vigie.workspace import Workspace


def _person(con: Any) -> dict[str, str]:
    row = con.execute(
        "SELECT surname, first_names, birth_date, postcode FROM persons "
        "WHERE leak_rows > 0 AND address IS NOT NULL AND NOT coalesce(deceased, false) "
        "ORDER BY person_id LIMIT 1"
    ).fetchone()
    assert row is not None
    # Typed as a person would: lower case, no accents needed, first given name only.
    return {"nom": row[0].lower(), "prenom": row[1].split()[0].title(),
            "date_naissance": row[2].isoformat(), "code_postal": row[3], "email": ""}  # fmt: skip


def _registry_only(incident: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A lab's patient who is in no leak row (per the ground truth): the request they would
    type, and their registry row."""
    with (incident / "truth" / "persons.csv").open(encoding="utf-8") as f:
        outside = {r["person_id"] for r in csv.DictReader(f)
                   if r["in_leak"] == "False" and r["deceased"] == "False"}  # fmt: skip
    with (incident / "truth" / "registry_links.csv").open(encoding="utf-8") as f:
        link = next(r for r in csv.DictReader(f) if r["person_id"] in outside)
    with (incident / link["registry_file"]).open(encoding="utf-8", newline="") as f:
        row = list(csv.DictReader(f))[int(link["row"]) - 1]
    born = parse_date(row["DATE_NAISSANCE"])
    assert born is not None
    typed = {"nom": row["NOM_USAGE"] or row["NOM_NAISSANCE"], "prenom": row["PRENOMS"],
             "date_naissance": born.isoformat(), "code_postal": row["CODE_POSTAL"],
             "email": ""}  # fmt: skip
    return typed, row


def _seal(workspace: Path, path: Path, requests: list[dict[str, str]]) -> None:
    """Requests sealed as the portal seals them (its public key, one line each)."""
    from nacl.public import PublicKey, SealedBox

    with Workspace.open(workspace).connect(read_only=True) as con:
        private = sealing_key(con, create=False)
    assert private is not None
    box = SealedBox(PublicKey(public_of(private)))
    with path.open("ab") as f:
        for request in requests:
            sealed = box.encrypt(json.dumps({**request, "received": "2021-03-10"}).encode())
            f.write(base64.b64encode(sealed) + b"\n")


@pytest.fixture
def workspace(built: Portal, tmp_path: Path) -> Path:
    """A copy of the notified workspace (answers add an issue of letters to it)."""
    copy = tmp_path / "ws"
    shutil.copytree(built.workspace, copy)
    return copy


def test_live_portal_requests_open_and_answer(
    built: Portal, workspace: Path, tmp_path: Path, portal_env: Path
) -> None:
    with Workspace.open(workspace).connect() as con:
        inside = _person(con)
    sealed = tmp_path / "requests.sealed"
    with live_portal(built.bundle, requests_file=sealed) as base, httpx.Client() as client:
        for values in (inside, OUTSIDER):
            assert _post(client, base, values).status_code == 200
    with sealed.open("ab") as f:
        f.write(b"bm90IHNlYWxlZA==\n")  # a forged line: opens with no key
    run = vigie("portal", "requests", "import", str(workspace), str(sealed), "--json",
                env={"VIGIE_KEY_DIR": str(portal_env)})  # fmt: skip
    assert run.code == 0, run.stderr
    got = run.json()
    assert {k: got[k] for k in ("requests", "unreadable", "concerned", "not_concerned",
            "by_hand", "letters")} == {"requests": 2, "unreadable": 1, "concerned": 1,
            "not_concerned": 0, "by_hand": 1, "letters": 1}  # fmt: skip
    with Workspace.open(workspace).connect() as con:
        outcomes = con.execute("SELECT outcome, person_id IS NULL FROM portal_answers "
                               "ORDER BY request_no").fetchall()  # fmt: skip
    assert outcomes == [("concerned", False), ("by_hand", True)]
    audit = (workspace / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    assert json.loads(audit)["verb"] == "portal requests import"
    for values in (inside, OUTSIDER):
        assert values["nom"] not in audit.lower() and values["date_naissance"] not in audit


def test_each_answer_goes_by_post_to_the_address_on_record(
    built: Portal, workspace: Path, tmp_path: Path, portal_env: Path
) -> None:
    with Workspace.open(workspace).connect() as con:
        inside = _person(con)
        person_id, postcode = con.execute(
            "SELECT person_id, postcode FROM persons WHERE birth_date = ? AND postcode = ?",
            [inside["date_naissance"], inside["code_postal"]],
        ).fetchone()
    # A typo in the surname and another postcode typed: the model still finds the person,
    # and the letter goes to the postcode on record, not the one typed.
    typo = {**inside, "nom": inside["nom"][:-1] + ("e" if inside["nom"][-1] != "e" else "a"),
            "code_postal": "75019"}  # fmt: skip
    patient, registry_row = _registry_only(built.incident)
    stranger = {**OUTSIDER, "nom": '=HYPERLINK("http://x")'}  # a formula typed in a form
    sealed = tmp_path / "requests.sealed"
    _seal(workspace, sealed, [typo, patient, stranger])

    run = vigie("portal", "requests", "import", str(workspace), str(sealed), "--json",
                "--date", "2021-03-15", env={"VIGIE_KEY_DIR": str(portal_env)})  # fmt: skip
    assert run.code == 0, run.stderr
    got = run.json()
    assert (got["concerned"], got["not_concerned"], got["by_hand"]) == (1, 1, 1), got
    assert (got["letters"], got["notes"]) == (1, 1)

    # concerned: a notify issue of kind "answer", one letter, to the address on record
    with Workspace.open(workspace).connect(read_only=True) as con:
        kind, letters = con.execute(
            "SELECT kind, letters FROM notify_issues WHERE issue = ?", [got["issue"]]
        ).fetchone()
        letter_person = con.execute(
            "SELECT person_id FROM notify_letters WHERE issue = ?", [got["issue"]]
        ).fetchall()
        answers = con.execute(
            "SELECT outcome, person_id, answer FROM portal_answers ORDER BY request_no"
        ).fetchall()
    assert (kind, letters, letter_person) == ("answer", 1, [(person_id,)])
    issue_dir = workspace / "out" / "notify" / f"issue-{got['issue']:02d}"
    text = "\n".join(page_texts(next((issue_dir / "letters").glob("*.pdf"))))
    assert postcode in text and "75019" not in text
    assert answers[0][:2] == ("concerned", person_id) and answers[0][2].startswith("L")

    # not concerned: a note to the registry's address, from that lab
    note = " ".join(" ".join(page_texts(Path(got["out"]) / "notes.pdf")).split())
    assert registry_row["CODE_POSTAL"] in note and "aucune information vous concernant" in note
    assert answers[1][0] == "not_concerned" and answers[1][2] == "N0001"

    # by hand: what was typed, for a person to handle; no formula reaches a spreadsheet
    with (Path(got["out"]) / "by_hand.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["nom"], r["reason"]) for r in rows] == [("'" + stranger["nom"], "no_match")]
    assert oct((Path(got["out"]) / "by_hand.csv").stat().st_mode & 0o777) == "0o600"

    # imported again (the portal's file grows): nothing is answered twice
    _seal(workspace, sealed, [OUTSIDER])
    again = vigie("portal", "requests", "import", str(workspace), str(sealed), "--json",
                  env={"VIGIE_KEY_DIR": str(portal_env)})  # fmt: skip
    assert again.code == 0, again.stderr
    second = again.json()
    assert (second["already_imported"], second["by_hand"], second["letters"]) == (3, 1, 0)
    assert (second["concerned"], second["not_concerned"]) == (0, 0)


def _m(table: str, row: int, p: float, kind: str = "leak", postcode: str = "35000") -> Any:
    from vigie.link.match import Match

    return Match(table, row, kind, p, postcode=postcode)


def test_decide_each_branch() -> None:
    from vigie.portal.answers import decide

    person_of = {("leak", 1): "P1", ("reg", 1): "P1", ("leak", 2): "P2"}
    assert decide([], person_of, 0.95).reason == "no_match"
    sure = decide([_m("leak", 1, 0.99), _m("reg", 1, 0.97, "registry")], person_of, 0.95)
    assert (sure.outcome, sure.person_id) == ("concerned", "P1")
    assert decide([_m("leak", 1, 0.9)], person_of, 0.95).reason == "doubtful_match"
    two = [_m("leak", 1, 0.99), _m("leak", 2, 0.98, postcode="56000")]
    assert decide(two, person_of, 0.95).reason == "several_persons"
    tie = decide(two, person_of, 0.95, postcode="56000")  # the typed postcode breaks it
    assert (tie.outcome, tie.person_id) == ("concerned", "P2")
    patient = decide([_m("reg", 9, 0.99, "registry")], person_of, 0.95)
    assert patient.outcome == "not_concerned" and patient.registry is not None
    # a doubtful leak row beside a sure registry patient: not for a machine to say "no"
    mixed = [_m("reg", 9, 0.99, "registry"), _m("leak", 7, 0.6)]
    assert decide(mixed, person_of, 0.95).reason == "doubtful_match"


def test_an_answer_keeps_a_standing_large_print_request(
    built: Portal, workspace: Path, tmp_path: Path, portal_env: Path
) -> None:
    """A person who asked for large print gets the portal's answer in large print too."""
    with Workspace.open(workspace).connect() as con:
        inside = _person(con)
        person_id = con.execute(
            "SELECT person_id FROM persons WHERE birth_date = ? AND postcode = ?",
            [inside["date_naissance"], inside["code_postal"]],
        ).fetchone()[0]
    request = tmp_path / "gros-caracteres.txt"
    request.write_text(f"{person_id}\n", encoding="utf-8")
    env = {"VIGIE_KEY_DIR": str(portal_env)}
    copies = vigie("notify", str(workspace), "--large-print", str(request), "--json", env=env)
    assert copies.code == 0, copies.stderr
    sealed = tmp_path / "requests.sealed"
    _seal(workspace, sealed, [inside])
    run = vigie("portal", "requests", "import", str(workspace), str(sealed), "--json",
                "--date", "2021-03-15", env=env)  # fmt: skip
    assert run.code == 0, run.stderr
    got = run.json()
    assert got["letters"] == 1
    with Workspace.open(workspace).connect(read_only=True) as con:
        batch = con.execute(
            "SELECT batch FROM notify_letters WHERE issue = ? AND person_id = ?",
            [got["issue"], person_id],
        ).fetchone()[0]
    assert batch == "large-print-0001"
