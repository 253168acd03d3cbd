"""Minors' confidentiality (CSP L.1111-5, L.1111-5-1, R.1111-6): a letter never tells
parents about a minor's HIV, pregnancy or sexual-health items; from 15 the minor gets
their own letter, under 15 the parents' letter is generic and the lab's doctor decides."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.notify.conftest import LETTER_DATE, Notified
from tests.notify.pdftext import page_texts
from vigie.errors import ConfigError
from vigie.notify import wording
from vigie.notify.minors import MinorsPolicy, age_on
from vigie.notify.run import NotifyOptions, notify_workspace
from vigie.workspace import Workspace

HIV = ("identity.last_name", "health.hiv", "health.result")
# Words a parents' letter must never hold for such a minor.
TELLING = ("VIH", "grossesse", "sexuel", "sexuellement", "contraception", "dépistage d")


@pytest.mark.parametrize(
    ("policy", "age", "elements", "variant"),
    [
        (MinorsPolicy(), 40, HIV, "adult"),
        (MinorsPolicy(), None, HIV, "adult"),
        (MinorsPolicy(), 12, ("identity.last_name", "health.result"), "minor"),
        (MinorsPolicy(), 16, HIV, "minor_own"),
        (MinorsPolicy(), 15, ("health.sexual",), "minor_own"),
        (MinorsPolicy(), 14, ("health.pregnancy",), "minor_generic"),
        (MinorsPolicy(confidential=False), 16, HIV, "minor"),
        (MinorsPolicy(own_letter_from_age=18), 17, HIV, "minor_generic"),
        (MinorsPolicy(sensitive=("health.hiv",)), 16, ("health.pregnancy",), "minor"),
    ],
)
def test_each_branch_of_the_policy(
    policy: MinorsPolicy, age: int | None, elements: tuple[str, ...], variant: str
) -> None:
    assert policy.variant(age, elements) == variant


def test_generic_elements_replace_only_the_sensitive_ones() -> None:
    assert MinorsPolicy().generic(HIV) == ("identity.last_name", "health.result", "health.withheld")
    assert MinorsPolicy().generic(("identity.last_name",)) == ("identity.last_name",)
    assert age_on(date(2005, 3, 2), date(2021, 3, 1)) == 15


@pytest.mark.parametrize(
    ("section", "fault"),
    [
        ("oui", "minors: a section"),
        ({"confidential": "yes"}, "minors.confidential: true or false"),
        ({"own_letter_from_age": 21}, "minors.own_letter_from_age"),
        ({"own_letter_from_age": "15"}, "minors.own_letter_from_age"),
        ({"sensitive": ["health.hiv", "santé.vih"]}, "minors.sensitive"),
        ({"confidentiel": True}, "minors.confidentiel: unknown key"),
    ],
)
def test_a_bad_policy_is_one_line_naming_the_key(section: Any, fault: str) -> None:
    with pytest.raises(ConfigError) as error:
        MinorsPolicy.from_facts({"minors": section})
    assert fault in str(error.value) and str(error.value).startswith("incident.yaml: ")
    assert "\n" not in str(error.value)


def _two_minors(con: Any) -> tuple[str, str]:
    """A minor under 15 and one of 15-17 on the letter's date, both with a letter."""
    rows = con.execute(
        "SELECT p.person_id, p.birth_date FROM persons p JOIN notify_letters l "
        "USING (person_id) WHERE p.birth_date IS NOT NULL ORDER BY p.person_id"
    ).fetchall()
    ages = {pid: age_on(born, LETTER_DATE) for pid, born in rows}
    young = next(p for p, a in ages.items() if a is not None and a < 15)
    older = next(p for p, a in ages.items() if a is not None and 15 <= a < 18)
    return young, older


def test_letters_keep_a_minors_secret(notified: Notified, tmp_path: Path, notify_env: Path) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(notified.workspace, copy)
    ws = Workspace.open(copy)
    with ws.connect() as con:
        young, older = _two_minors(con)
        for pid in (young, older):  # an HIV test among what leaked about them
            con.execute("INSERT INTO person_exposure VALUES (?, 'health.hiv')", [pid])
    options = NotifyOptions(batch_size=500, processes=1, letter_date=LETTER_DATE, reissue=True)
    result = notify_workspace(ws, options)
    assert result["variants"]["minor_generic"] >= 1 and result["variants"]["minor_own"] >= 1
    assert sum(result["variants"].values()) == result["letters"]
    assert result["minors_to_review"] == result["variants"]["minor_generic"]
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT person_id, variant, batch, first_page, controller FROM notify_letters "
            "WHERE issue = ?",
            [result["issue"]],
        ).fetchall()
    letters = {pid: (variant, batch, first, controller) for pid, variant, batch, first,
               controller in rows}  # fmt: skip
    out = Path(result["out"])

    def page_one(pid: str) -> str:
        _, batch, first, _ = letters[pid]
        return " ".join(page_texts(out / "letters" / f"{batch}.pdf")[first - 1].split())

    parents = page_one(young)
    assert letters[young][0] == "minor_generic"
    assert "Aux représentants légaux de l'enfant" in parents
    assert "des informations de santé" in parents
    for word in TELLING:
        assert word not in parents, word
    own = page_one(older)
    assert letters[older][0] == "minor_own"
    assert "représentants légaux" not in own and "votre enfant" not in own
    assert wording.element_phrase("health.hiv") in own  # the minor is told everything
    # the lab's doctor gets the case in the controller's package
    package = ws.out_dir / "notify" / "filings" / "controllers"
    review = [r for f in package.glob("*/minors_to_review.csv")
              for r in csv.DictReader(f.open(encoding="utf-8"))]  # fmt: skip
    assert {r["person_id"] for r in review} >= {young}
    assert all(r["withheld"] == "health.hiv" for r in review if r["person_id"] == young)
    # a minor's own letter goes by post only: the contacts on record may be the parents'
    sms = out / "sms.csv"
    lines = sms.read_text(encoding="utf-8") if sms.exists() else ""
    with ws.connect(read_only=True) as con:
        own_letter = con.execute(
            "SELECT letter_id FROM notify_letters WHERE issue = ? AND person_id = ?",
            [result["issue"], older],
        ).fetchone()[0]
    assert own_letter not in lines
    assert not (out / "email" / f"{own_letter}.eml").exists()


def test_a_returned_minors_letter_is_resent_under_the_same_policy(
    notified: Notified, tmp_path: Path, notify_env: Path
) -> None:
    """The letter resent to a newer address is planned as a first letter is: to a child
    under 15 with an HIV test, the parents' letter stays generic."""
    from vigie.notify.tracking import import_status, resend_returned
    from vigie.workspace import quote_ident

    copy = tmp_path / "ws"
    shutil.copytree(notified.workspace, copy)
    ws = Workspace.open(copy)
    with ws.connect() as con:
        young, _ = _two_minors(con)
        con.execute("INSERT INTO person_exposure VALUES (?, 'health.hiv')", [young])
        first = con.execute(
            "SELECT letter_id FROM notify_letters WHERE person_id = ?", [young]
        ).fetchone()[0]
        table, row = con.execute(
            'SELECT "table", _row FROM person_registry WHERE person_id = ? '
            "ORDER BY probability DESC LIMIT 1",
            [young],
        ).fetchone()
        column = con.execute(
            "SELECT column_name FROM scan_columns WHERE table_name = ? AND "
            "element = 'contact.address' LIMIT 1",
            [table],
        ).fetchone()[0]
        con.execute(
            f"UPDATE {quote_ident(table)} SET {quote_ident(column)} = "
            "'17 rue des Nouveaux Quartiers' WHERE _row = ?",
            [row],
        )
    status = tmp_path / "laposte.csv"
    status.write_text(f"letter_id,status\n{first},NPAI\n", encoding="utf-8")
    import_status(ws, status)
    result = resend_returned(ws, NotifyOptions(processes=1, letter_date=LETTER_DATE))
    assert result["letters"] == 1
    with ws.connect(read_only=True) as con:
        variant, batch, page = con.execute(
            "SELECT variant, batch, first_page FROM notify_letters WHERE resend_of = ?", [first]
        ).fetchone()
    assert variant == "minor_generic"
    text = " ".join(page_texts(Path(result["out"]) / "letters" / f"{batch}.pdf")[page - 1].split())
    assert "17 RUE DES NOUVEAUX QUARTIERS" in text and "des informations de santé" in text
    assert not [word for word in TELLING if word in text]
