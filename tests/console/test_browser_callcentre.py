"""The call centre in a real browser (Debian's chromium via Playwright), JavaScript off: an
agent logs in, warns a caller whose code is unknown, finds a caller by the code on their
letter, reads the script, records a new address, logs out; the lead follows the outcome.
The audit chain verifies and lists the agent's view of the person.

Screenshots go to $VIGIE_CONSOLE_SCREENSHOTS when set (docs/console/appel-*.png are made
that way), else to the test's temporary folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyotp
import pytest

from tests.console.callers import code_for, letter_of
from tests.console.conftest import PASSWORD, make_account
from tests.console.live import live_console
from tests.console.test_browser import laptop, shots  # noqa: F401 (fixtures)
from tests.portal.test_browser import CHROMIUM, browser  # noqa: F401 (the fixture)
from vigie.console import accounts
from vigie.console.data import views_of
from vigie.workspace import Workspace, audit

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (.ci/run adds it)"
)


def _log_in(page: Any, base: str, login: str, code: str = "") -> None:
    page.goto(base + "/")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Code à usage unique").fill(code)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_an_agent_finds_a_caller_reads_the_script_and_records_an_address(
    ws: Workspace,
    laptop: Any,  # noqa: F811
    shots: Path,  # noqa: F811
) -> None:
    letter, person_id = letter_of(ws)
    code = code_for(ws, letter)
    accounts.add_user(ws, "c.dupont", "agent", password=PASSWORD)
    page = laptop
    with live_console(ws) as base:
        _log_in(page, base, "c.dupont")
        assert page.get_by_role("heading", level=1).inner_text() == "Centre d'appels"
        page.screenshot(path=str(shots / "appel-accueil.png"), full_page=True)

        page.get_by_label("Code de vérification").fill("7KQ2-M9XD-4TRB")  # a fake letter's
        page.get_by_role("button", name="Vérifier le code").click()
        page.wait_for_load_state()
        assert "escroquerie" in page.get_by_role("heading", level=1).inner_text()
        page.screenshot(path=str(shots / "appel-code-inconnu.png"), full_page=True)

        page.get_by_role("link", name="Nouvelle recherche").click()
        page.wait_for_load_state()
        page.get_by_label("Code de vérification").fill(code.lower())
        page.get_by_label("Code de vérification").press("Enter")  # a plain form
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Courrier authentique"
        script = page.get_by_role("region", name="À lire à l'appelant")
        assert f"Le courrier {letter} est authentique" in script.inner_text()
        assert "***" in page.inner_text("main")  # the identity, masked
        page.screenshot(path=str(shots / "appel-courrier-authentique.png"), full_page=True)

        page.get_by_label("Numéro et rue").fill("17 rue des Nouveaux Quartiers")
        page.get_by_label("Complément").fill("Appt 4")
        page.get_by_label("Code postal", exact=True).fill("35000")
        page.get_by_label("Commune").fill("Rennes")
        page.get_by_role("button", name="Enregistrer la nouvelle adresse").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Issue enregistrée"
        assert "nouveau courrier" in page.inner_text("main")
        page.screenshot(path=str(shots / "appel-issue-enregistree.png"), full_page=True)

        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_load_state()
        assert page.url.endswith("/connexion")
        page.goto(base + "/appels")
        assert page.url.endswith("/connexion")  # the session is over

        lead = make_account(ws, "lead")
        assert lead.secret
        _log_in(page, base, lead.login, pyotp.TOTP(lead.secret).now())
        page.get_by_role("link", name="Suivi des appels").click()
        page.wait_for_load_state()
        assert "c.dupont" in page.inner_text("main") and person_id in page.inner_text("main")
        page.screenshot(path=str(shots / "appel-suivi.png"), full_page=True)
    assert ws.verify_audit() > 0
    views = [v for v in views_of(ws.audit_path, person_id) if v["by"] == "c.dupont"]
    assert [v["page"] for v in views] == ["appel"]
    verbs = [e["verb"] for e in audit.read_entries(ws.audit_path)
             if (e.get("params") or {}).get("by") == "c.dupont"]  # fmt: skip
    assert verbs == ["call lookup", "view", "call outcome"]
