"""Logging in and staying in: TOTP, lockout, timeouts, disabled accounts, cookies, headers."""

from __future__ import annotations

import logging
import re
import time

import httpx
import pyotp
import pytest

from tests.console.conftest import (
    Clock,
    Login,
    controllers_by_size,
    log_in,
    login_token,
    make_account,
    post_login,
)
from tests.console.live import live_console
from vigie.console import accounts, auth
from vigie.workspace import Workspace, audit


def _sessions(ws: Workspace, login: str) -> list[tuple[object, object]]:
    with ws.connect(read_only=True) as con:
        return con.execute(
            "SELECT ended_at, end_reason FROM console_sessions WHERE login = ? ORDER BY created_at",
            [login],
        ).fetchall()


def _verbs(ws: Workspace) -> list[str]:
    return [e["verb"] for e in audit.read_entries(ws.audit_path)]


def test_a_lead_needs_password_and_code(ws: Workspace, console: httpx.Client, clock: Clock) -> None:
    lead = make_account(ws, "lead")
    assert lead.secret
    assert post_login(console, clock, lead, code="").status_code == 401
    assert post_login(console, clock, lead, code="000000").status_code == 401
    assert post_login(console, clock, lead, password="mauvais mot de passe").status_code == 401
    failed = post_login(console, clock, lead, code="123")
    assert "Identifiant, mot de passe ou code incorrect" in failed.text
    log_in(console, clock, lead)
    assert console.get("/").status_code == 200


def test_a_used_code_is_refused(ws: Workspace, console: httpx.Client, clock: Clock) -> None:
    lead = make_account(ws, "lead")
    assert lead.secret
    log_in(console, clock, lead)
    code = clock.code(lead.secret)
    console.cookies.clear()
    form = {"jeton": login_token(console), "identifiant": lead.login,
            "mot_de_passe": lead.password, "code": code}  # fmt: skip
    assert console.post("/connexion", data=form).status_code == 401


def test_a_forged_form_token_is_refused_not_a_crash(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    """A token with a non-ASCII character, or "²" for its time stamp ("²".isdigit() but
    not int("²")): 500s before the fuzz found them; now the expired-form answer."""
    lead = make_account(ws, "lead")
    for token in ("1.a.é", "².a.b", "é", "١٢٣.a.b"):
        form = {"jeton": token, "identifiant": lead.login, "mot_de_passe": lead.password}
        assert console.post("/connexion", data=form).status_code == 400, token


@pytest.mark.parametrize(
    ("digits", "accepted"),
    [("0123456789", True), ("０１２３４５６７８９", True), ("٠١٢٣٤٥٦٧٨٩", False)],
)
def test_a_code_typed_in_other_digits(
    ws: Workspace, console: httpx.Client, clock: Clock, digits: str, accepted: bool
) -> None:
    """Full-width digits (a Japanese keyboard) are digits; other scripts' are not, and
    made compare_digest raise (a 500) once the password was right."""
    lead = make_account(ws, "lead")
    assert lead.secret
    clock.advance(30)
    code = clock.code(lead.secret).translate(str.maketrans("0123456789", digits))
    form = {"jeton": login_token(console), "identifiant": lead.login,
            "mot_de_passe": lead.password, "code": code}  # fmt: skip
    answer = console.post("/connexion", data=form)
    assert answer.status_code == (303 if accepted else 401)


def test_five_bad_passwords_lock_the_account_for_15_minutes(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    lead = make_account(ws, "lead")
    for _ in range(auth.MAX_FAILURES):
        assert post_login(console, clock, lead, password="pas le bon mot").status_code == 401
    assert post_login(console, clock, lead).status_code == 401  # the right one, locked
    entries = [e for e in audit.read_entries(ws.audit_path) if e["verb"] == "console lockout"]
    assert entries[-1]["params"] == {"login": lead.login}
    assert "pas le bon mot" not in ws.audit_path.read_text()
    clock.advance(auth.LOCKOUT.total_seconds())
    log_in(console, clock, lead)


def test_an_unknown_login_fails_like_a_wrong_password(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    ghost = Login("personne.inconnue", "une phrase de passe assez longue", None)
    answer = post_login(console, clock, ghost)
    assert answer.status_code == 401
    assert "Identifiant, mot de passe ou code incorrect" in answer.text


def test_disabling_an_account_ends_its_live_session(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    dpo = make_account(ws, "controller", controllers_by_size(ws)[0])
    log_in(console, clock, dpo)
    assert console.get("/personnes").status_code == 200
    assert accounts.disable_user(ws, dpo.login) == 1  # what `vigie users disable` does
    assert console.get("/personnes").status_code == 303
    assert _sessions(ws, dpo.login)[-1][1] == "disabled"
    assert post_login(console, clock, dpo).status_code == 401


def test_an_idle_session_ends_after_15_minutes(ws: Workspace, console: httpx.Client,
                                               clock: Clock) -> None:  # fmt: skip
    log_in(console, clock, lead := make_account(ws, "lead"))
    clock.advance(14 * 60)
    assert console.get("/").status_code == 200
    clock.advance(auth.IDLE.total_seconds() + 1)
    assert console.get("/").status_code == 303
    assert _sessions(ws, lead.login)[-1][1] == "idle"


def test_a_busy_session_still_ends_after_8_hours(ws: Workspace, console: httpx.Client,
                                                 clock: Clock) -> None:  # fmt: skip
    log_in(console, clock, lead := make_account(ws, "lead"))
    for _ in range(int(auth.ABSOLUTE.total_seconds() // 600)):
        assert console.get("/").status_code == 200
        clock.advance(600)
    clock.advance(60)
    assert console.get("/").status_code == 303
    assert _sessions(ws, lead.login)[-1][1] == "expired"


def test_first_login_changes_the_password_and_enrols_totp(
    ws: Workspace, console: httpx.Client, clock: Clock
) -> None:
    made = accounts.add_user(ws, "c.first", "lead")
    assert made.one_time_password
    first = Login("c.first", made.one_time_password, None)
    answer = post_login(console, clock, first)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert console.get("/").headers["location"] == "/activation"  # nothing else until done
    assert console.get("/personnes").headers["location"] == "/activation"
    page = console.get("/activation")
    secret = re.search(r'id="cle-totp">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    assert "<svg" in page.text and "<script" not in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    setup_cookie = console.cookies["vigie"]
    assert console.post("/activation", data={"csrf": "jeton-forgé"}).status_code == 403
    form = {"csrf": token, "nouveau": "court", "confirmation": "court", "code": "000000"}
    refused = console.post("/activation", data=form)
    assert refused.status_code == 400 and "au moins 12 caractères" in refused.text
    assert "code à usage unique est incorrect" in refused.text
    chosen = "ma nouvelle phrase de passe"
    form = {"csrf": token, "nouveau": chosen, "confirmation": chosen,
            "code": pyotp.TOTP(secret).at(clock.now)}  # fmt: skip
    done = console.post("/activation", data=form)
    assert done.status_code == 303 and console.cookies["vigie"] != setup_cookie
    assert console.get("/").status_code == 200
    assert "console activation" in _verbs(ws)
    assert secret not in ws.audit_path.read_text() and chosen not in ws.audit_path.read_text()
    console.cookies.clear()
    log_in(console, clock, Login("c.first", chosen, secret))
    console.cookies.set("vigie", setup_cookie)
    assert console.get("/").status_code == 303  # the setup session ended


def test_cookie_is_httponly_strict_and_secure_behind_tls(ws: Workspace, clock: Clock) -> None:
    lead = make_account(ws, "lead")
    with live_console(ws, clock=clock) as base, httpx.Client(base_url=base) as client:
        plain = post_login(client, clock, lead).headers["set-cookie"]
        assert plain.startswith("vigie=") and "HttpOnly" in plain
        assert "SameSite=strict" in plain and "Secure" not in plain
        client.cookies.clear()
        client.headers["x-forwarded-proto"] = "https"  # a TLS proxy on loopback
        tls = post_login(client, clock, lead).headers["set-cookie"]
        assert tls.startswith("__Host-vigie=") and "Secure" in tls and "Path=/" in tls
        assert "Domain" not in tls


def test_pages_carry_the_portals_security_headers(ws: Workspace, console: httpx.Client,
                                                  clock: Clock) -> None:  # fmt: skip
    log_in(console, clock, make_account(ws, "lead"))
    for path in ("/connexion", "/", "/personnes", "/revue", "/journal"):
        answer = console.get(path)
        csp = answer.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
        assert "script-src 'self'" in csp and "unsafe-eval" not in csp
        scripts = re.findall(r"<script[^>]*>[^<]*</script>", answer.text)
        assert answer.text.count("<script") == len(scripts)
        assert set(scripts) <= {'<script src="/static/console.js" defer></script>'}  # no inline
        assert '<html lang="fr">' in answer.text


def test_logins_are_rate_limited_per_client(ws: Workspace, clock: Clock) -> None:
    lead = make_account(ws, "lead")
    with live_console(ws, clock=clock, login_rate=3) as base, httpx.Client(base_url=base) as c:
        codes = [post_login(c, clock, lead, password="faux faux faux").status_code
                 for _ in range(4)]  # fmt: skip
        assert codes == [401, 401, 401, 429]
        assert post_login(c, clock, lead).status_code == 429  # even the right password


def test_request_logs_name_routes_never_ids_or_queries(
    ws: Workspace, console: httpx.Client, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    lead = make_account(ws, "lead")
    with caplog.at_level(logging.INFO, logger="vigie.console.access"):
        log_in(console, clock, lead)
        console.get("/personnes", params={"q": "Martin"})
        page = console.get("/personnes")
        person_id = re.findall(r'href="/personnes/(P[0-9A-F]+)"', page.text)[0]
        console.get(f"/personnes/{person_id}")
        deadline = time.monotonic() + 10  # the line is written once the answer has left
        while len(caplog.records) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/personnes/{id}" in logged and "GET /personnes 200" in logged
    assert person_id not in logged and "Martin" not in logged and lead.login not in logged
