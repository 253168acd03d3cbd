"""`portal serve`: pages, API, headers, limits and logs, over real HTTP on loopback."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from tests.portal.conftest import Portal, genuine_code
from tests.portal.live import live_portal

FAKE = "7KQ2-M9XD-4TRB"
PAGES = ["/", "/verifier", f"/verifier?code={FAKE}"]


@pytest.fixture(scope="module")
def base(built: Portal) -> Iterator[str]:
    with live_portal(built.bundle) as url:
        yield url


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_french_and_locked_down(base: str, path: str) -> None:
    answer = httpx.get(base + path)
    assert answer.status_code == 200
    assert '<html lang="fr">' in answer.text
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "default-src 'none'" in csp
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in answer.headers
    assert "strict-transport-security" not in answer.headers  # plain HTTP here
    assert "<script" not in answer.text
    assert "http://" not in answer.text.replace(base, "")  # nothing loaded from elsewhere


def test_genuine_code_shows_issuer_date_reference_and_contact(base: str, built: Portal) -> None:
    code = genuine_code(built.letters)
    page = httpx.get(base + "/verifier", params={"code": code.lower()}).text
    assert "courrier authentique" in page
    assert "mars 2021" in page and "L01-" in page and "@example.org" in page
    api = httpx.get(f"{base}/api/verify/{code}").json()
    assert api["genuine"] is True
    assert api["issued_on"] == "2021-03-01" and api["letter"].startswith("L01-")


def test_fake_code_warns_and_says_what_to_do(base: str) -> None:
    page = httpx.get(base + "/verifier", params={"code": FAKE}).text
    assert "n'est pas reconnu" in page and "33700" in page and "signal-spam" in page
    assert "authentique</h1>" not in page
    assert httpx.get(f"{base}/api/verify/{FAKE}").json() == {"genuine": False}


@pytest.mark.parametrize(
    "typed",
    ["A" * 10_000, "١٢٣٤-٥٦٧٨-٩٠١٢", "' OR '1'='1'; DROP TABLE notify_codes; --",
     "<script>alert(1)</script>", "%00%ff", "\u202e\ufeff", "../../etc/passwd"],
)  # fmt: skip
def test_bad_input_gets_the_ordinary_not_genuine_answer(base: str, typed: str) -> None:
    page = httpx.get(base + "/verifier", params={"code": typed})
    assert page.status_code == 200 and "n'est pas reconnu" in page.text
    assert "<script>alert" not in page.text
    api = httpx.get(base + "/api/verify/" + httpx.URL(path=typed).raw_path.decode())
    assert api.status_code == 404 or api.json() == {"genuine": False}


def test_unknown_page_is_a_404_page_not_a_traceback(base: str) -> None:
    answer = httpx.get(base + "/admin")
    assert answer.status_code == 404 and "Page introuvable" in answer.text
    assert httpx.post(base + "/verifier").status_code == 405


def test_health_and_openapi(base: str) -> None:
    assert httpx.get(base + "/sante").json() == {"status": "ok"}
    spec = httpx.get(base + "/openapi.json").json()
    assert "/api/verify/{code}" in spec["paths"]


def test_hsts_only_behind_tls(base: str) -> None:
    proxied = httpx.get(base + "/", headers={"x-forwarded-proto": "https"})
    assert "max-age=" in proxied.headers["strict-transport-security"]


def test_rate_limit_answers_429_with_retry_after(built: Portal) -> None:
    with live_portal(built.bundle, rate=5) as url:
        answers = [httpx.get(f"{url}/api/verify/{FAKE}") for _ in range(6)]
        page = httpx.get(url + "/verifier")
        home = httpx.get(url + "/")
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert page.status_code == 429 and "Trop de demandes" in page.text
    assert home.status_code == 200  # the pages without a form are not limited


def test_request_log_names_routes_never_codes(
    built: Portal, caplog: pytest.LogCaptureFixture
) -> None:
    code = genuine_code(built.letters)
    caplog.set_level(logging.DEBUG)
    with live_portal(built.bundle) as url:
        httpx.get(url + "/verifier", params={"code": code})
        httpx.get(f"{url}/api/verify/{code}")
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(r.getMessage() for r in server_side)  # the client logs its own URLs
    assert "/api/verify/{code}" in logged and "GET /verifier 200" in logged
    assert code not in logged and code.replace("-", "") not in logged
