"""The portal in a real browser (Debian's chromium via Playwright), JavaScript off.

Screenshots go to $VIGIE_PORTAL_SCREENSHOTS when set (docs/portal/ is made that way),
else to the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.portal.conftest import Portal, genuine_code
from tests.portal.live import live_portal

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (.ci/run adds it)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized page with JavaScript disabled: everything must work without it."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="fr-FR"
    )
    # Generous but bounded: on a loaded shared machine a full-page screenshot waited 30 s
    # for fonts.
    context.set_default_timeout(120_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VIGIE_PORTAL_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _verify_by_typing(page: Any, base: str, code: str) -> None:
    page.goto(base + "/verifier")
    page.get_by_label("Code de vérification").fill(code)
    # A key press does not wait for the navigation it starts: without this the screenshot
    # that follows could begin on the page being left and wait for a frame (CI timeouts).
    with page.expect_navigation():
        page.keyboard.press("Enter")  # a plain GET form: no script submits it
    page.wait_for_load_state()


def test_code_from_a_letter_verifies_in_the_browser(built: Portal, phone: Any, shots: Path) -> None:
    code = genuine_code(built.letters)
    with live_portal(built.bundle) as base:
        phone.goto(base + "/")
        phone.screenshot(path=str(shots / "accueil.png"), full_page=True)
        _verify_by_typing(phone, base, code.lower().replace("-", " "))
        phone.screenshot(path=str(shots / "verifier-authentique.png"), full_page=True)
        heading = phone.get_by_role("heading", level=1).inner_text()
        assert "courrier authentique" in heading
        assert "L01-" in phone.inner_text("dl")
        phone.goto(base + "/verifier")
        phone.screenshot(path=str(shots / "verifier.png"), full_page=True)


def test_fake_code_warns_in_the_browser(built: Portal, phone: Any, shots: Path) -> None:
    with live_portal(built.bundle) as base:
        _verify_by_typing(phone, base, "7KQ2-M9XD-4TRB")
        phone.screenshot(path=str(shots / "verifier-non-reconnu.png"), full_page=True)
        assert "n'est pas reconnu" in phone.get_by_role("alert").inner_text()
        assert "33700" in phone.inner_text("main")


def test_keyboard_reaches_the_skip_link_then_the_menu(built: Portal, phone: Any) -> None:
    with live_portal(built.bundle) as base:
        phone.goto(base + "/verifier")
        phone.keyboard.press("Tab")
        assert phone.evaluate("document.activeElement.textContent") == "Aller au contenu"
        phone.keyboard.press("Enter")
        assert phone.url.endswith("#contenu")


def test_self_check_answers_the_same_in_the_browser(
    built: Portal, phone: Any, shots: Path, tmp_path: Path
) -> None:
    from tests.portal.test_selfcheck import OUTSIDER, _insider

    answers = []
    with live_portal(built.bundle, requests_file=tmp_path / "r.sealed") as base:
        for n, person in enumerate((_insider(built.incident), OUTSIDER)):
            phone.goto(base + "/concerne")
            if n == 0:
                phone.screenshot(path=str(shots / "concerne.png"), full_page=True)
            for name, label in (("nom", "Nom"), ("prenom", "Prénom"),
                                ("code_postal", "Code postal")):  # fmt: skip
                phone.get_by_label(label, exact=False).first.fill(person[name])
            phone.fill("#date_naissance", person["date_naissance"])
            phone.get_by_role("button", name="Envoyer ma demande").click()
            phone.wait_for_load_state()
            answers.append(phone.content())
        phone.screenshot(path=str(shots / "concerne-recu.png"), full_page=True)
    assert answers[0] == answers[1], answers[1][answers[1].find("<main") :][:1500]
    assert "Votre demande est enregistrée" in answers[0]


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools missing")
def test_scanned_qr_shows_the_bound_initials_and_postcode(
    built: Portal, phone: Any, shots: Path, tmp_path: Path
) -> None:
    from tests.portal.test_signed_qr import _scanned

    _, code, query = _scanned(built, tmp_path).split(" ")
    with live_portal(built.bundle) as base:
        phone.goto(f"{base}/verifier/?code={code}&{query}")  # what the phone's camera opens
        phone.screenshot(path=str(shots / "verifier-qr-signe.png"), full_page=True)
        text = phone.inner_text("main")
    assert "QR code signé" in text and "courrier authentique" in text
