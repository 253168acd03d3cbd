"""The console in a real browser (Debian's chromium via Playwright), JavaScript off:
first login with a TOTP app (pyotp plays it), dashboard, a person, log out.

Screenshots go to $VIGIE_CONSOLE_SCREENSHOTS when set (docs/console/ is made that way),
else to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from tests.console.live import live_console
from tests.portal.test_browser import CHROMIUM, browser  # noqa: F401 (the fixture)
from vigie.console import accounts
from vigie.console.data import views_of
from vigie.workspace import Workspace

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (.ci/run adds it)"
)


@pytest.fixture
def laptop(browser: Any) -> Iterator[Any]:  # noqa: F811
    """A laptop-sized page with JavaScript disabled: everything must work without it."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}, locale="fr-FR"
    )
    context.set_default_timeout(120_000)  # bounded, but patient on a loaded machine
    yield context.new_page()
    context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VIGIE_CONSOLE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_first_login_dashboard_person_logout(ws: Workspace, laptop: Any, shots: Path) -> None:
    made = accounts.add_user(ws, "b.lead", "lead")
    assert made.one_time_password
    page = laptop
    with live_console(ws) as base:
        page.goto(base + "/")
        assert page.url.endswith("/connexion")
        page.screenshot(path=str(shots / "connexion.png"), full_page=True)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
        page.get_by_label("Identifiant").fill("b.lead")
        page.get_by_label("Mot de passe").fill(made.one_time_password)
        page.get_by_label("Mot de passe").press("Enter")  # a plain form: no script submits it
        page.wait_for_load_state()

        assert page.url.endswith("/activation")
        page.screenshot(path=str(shots / "activation.png"), full_page=True)
        secret = page.locator("#cle-totp").inner_text().replace(" ", "")
        chosen = "une phrase de passe pour la console"
        page.get_by_label("Nouveau mot de passe").fill(chosen)
        page.get_by_label("Le même, une seconde fois").fill(chosen)
        page.get_by_label("Code affiché par l'application").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Activer mon compte").click()
        page.wait_for_load_state()

        assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord"
        assert "Personnes concernées" in page.inner_text("main")
        page.screenshot(path=str(shots / "tableau-de-bord.png"), full_page=True)

        page.get_by_role("link", name="Personnes", exact=True).click()
        page.wait_for_load_state()
        page.screenshot(path=str(shots / "personnes.png"), full_page=True)
        first = page.locator("tbody a").first
        person_id = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == f"Fiche {person_id}"
        assert re.search(r"\*\*\*", page.inner_text("main"))
        page.screenshot(path=str(shots / "fiche.png"), full_page=True)

        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_load_state()
        assert page.url.endswith("/connexion")
        page.goto(f"{base}/personnes/{person_id}")
        assert page.url.endswith("/connexion")  # the session is over
    assert ws.verify_audit() > 0
    assert [v["page"] for v in views_of(ws.audit_path, person_id) if v["by"] == "b.lead"] == [
        "personnes", "personne"]  # fmt: skip
