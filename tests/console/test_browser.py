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
from vigie.workspace import Workspace, audit

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


def _log_in(page: Any, base: str, who: Any) -> None:
    """The login form with a TOTP code from the holder's app (pyotp plays it)."""
    page.goto(base + "/connexion")
    page.get_by_label("Identifiant").fill(who.login)
    page.get_by_label("Mot de passe").fill(who.password)
    page.get_by_label("Code à usage unique").fill(pyotp.TOTP(who.secret).now())
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tableau de bord")


def test_lead_reviews_a_pair_and_reads_the_audit(queued: Workspace, laptop: Any,
                                                 shots: Path) -> None:  # fmt: skip
    from tests.cli.runner import vigie
    from tests.console.conftest import make_account
    from vigie.link import review

    lead = make_account(queued, "lead")
    first = review.queue(queued, 1)[0]
    page = laptop
    with live_console(queued) as base:
        _log_in(page, base, lead)
        assert "Étapes" in page.inner_text("main") and page.locator("caption").count() >= 7
        page.screenshot(path=str(shots / "tableau-de-bord.png"), full_page=True)

        page.get_by_role("link", name="Revue", exact=True).click()
        page.wait_for_load_state()
        assert (
            page.get_by_role("heading", level=2)
            .first.inner_text()
            .startswith(f"Paire {first.pair_id} —")
        )
        page.screenshot(path=str(shots / "revue.png"), full_page=True)
        page.get_by_role("button", name="Accepter : une même personne").click()
        page.wait_for_load_state()
        assert f"Paire {first.pair_id} : acceptée" in page.get_by_role("status").first.inner_text()

        page.get_by_role("link", name="Journal d'audit").click()
        page.wait_for_load_state()
        assert "Journal intact" in page.inner_text("main")
        page.get_by_label("Action").select_option("review")
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_load_state()
        row = page.locator("tbody tr").first.inner_text()
        assert lead.login in row and f"paire {first.pair_id} acceptée" in row
        page.get_by_label("Action").select_option("")
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_load_state()
        page.screenshot(path=str(shots / "journal.png"), full_page=True)
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_load_state()
    decided = [e for e in audit.read_entries(queued.audit_path) if e["verb"] == "review"]
    assert [e["params"]["by"] for e in decided] == [lead.login]
    shown = [e for e in audit.read_entries(queued.audit_path)
             if e["verb"] == "view" and e["params"].get("page") == "revue"]  # fmt: skip
    assert shown and all(e["params"]["by"] == lead.login for e in shown)
    checked = vigie("audit", "verify", str(queued.path))  # the real command, after the session
    assert checked.code == 0 and "audit log intact" in checked.stdout + checked.stderr


def test_a_controller_opens_its_space_and_downloads_its_package(
    ws: Workspace, laptop: Any, shots: Path
) -> None:
    from tests.console.conftest import controllers_by_size, make_account
    from vigie.notify.filings import slug

    name = controllers_by_size(ws)[0]
    dpo = make_account(ws, "controller", name)
    page = laptop
    with live_console(ws) as base:
        _log_in(page, base, dpo)
        page.get_by_role("link", name="Mon espace").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == f"Espace — {name}"
        page.screenshot(path=str(shots / "espace.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name="Personnes (CSV)").click()
        saved = download.value.path()
        expected = ws.out_dir / "notify" / "filings" / "controllers" / slug(name) / "persons.csv"
        assert Path(saved).read_bytes() == expected.read_bytes()
        page.get_by_role("link", name="Personnes sans courrier", exact=True).click()
        page.wait_for_load_state()
        page.screenshot(path=str(shots / "sans-courrier.png"), full_page=True)
        page.go_back()
        page.get_by_role("link", name="Le texte des courriers").click()
        page.wait_for_load_state()
        assert name in page.inner_text("main")
        page.screenshot(path=str(shots / "courriers.png"), full_page=True)
        page.goto(f"{base}/espace/{slug(controllers_by_size(ws)[1])}")
        assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    assert ws.verify_audit() > 0
    seen = [e["params"] for e in audit.read_entries(ws.audit_path)
            if e["verb"] == "view" and e["params"]["by"] == dpo.login]  # fmt: skip
    assert [p["page"] for p in seen][:1] == ["export personnes"]


@pytest.fixture
def scripted(browser: Any) -> Iterator[tuple[Any, list[str]]]:  # noqa: F811
    """JavaScript on: the enhancements (shortcuts, refresh in place) under the CSP."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    context.set_default_timeout(120_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, errors
    context.close()


def test_with_javascript_the_shortcuts_and_the_refresh_work_under_the_csp(
    queued: Workspace, scripted: tuple[Any, list[str]]
) -> None:
    from tests.console.conftest import make_account
    from vigie.link import review

    lead = make_account(queued, "lead")
    page, errors = scripted
    with live_console(queued) as base:
        _log_in(page, base, lead)
        url = page.url
        page.get_by_role("link", name="Mettre à jour les chiffres").click()
        page.get_by_text("Chiffres mis à jour.").wait_for()
        assert page.url == url  # swapped in place, no navigation
        page.goto(base + "/revue")
        assert page.get_by_label(
            "Raccourcis clavier : A accepter, R rejeter, S passer"
        ).is_checked()
        page.keyboard.press("s")  # skip pair 1
        page.wait_for_url("**/revue?apres=1")
        page.keyboard.press("r")  # reject pair 2
        page.wait_for_url("**fait=2:reject")
        page.get_by_label("Raccourcis clavier : A accepter, R rejeter, S passer").uncheck()
        page.keyboard.press("a")  # turned off: nothing happens
        page.wait_for_timeout(500)
        assert page.url.endswith("fait=2:reject")
    with queued.connect(read_only=True) as con:
        assert review.pending(con) == 5
    assert [e for e in errors if "favicon" not in e and "404" not in e] == []  # no CSP refusal
