"""The console section's concurrent part: CLIENTS clients at once on loopback.

Each client is a person of the response team with their own account, logged in (password,
and TOTP for leads and controllers) from their own address (X-Forwarded-For from
loopback, as behind the TLS proxy: the login limit is per address), then sending its
role's requests one after the other, as fast as answers come, for SECONDS: leads and
controllers their dashboard, searches by surname and letter reference, person pages and
their space; agents the call-centre page and lookups by identity (real persons) and by
code (unknown codes), until their quota answers 429 — expected, counted apart. Anything
else that is not 2xx or 3xx is an error. Every person shown is a view in the audit
chain: the views written during the load are counted against the answers that showed a
person, and the chain is verified after.
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from vigie.workspace import Workspace, audit

CLIENTS = {"lead": 2, "controller": 8, "agent": 10}
SECONDS = 30.0
PASSWORD = "une phrase de passe pour la charge"
LISTED = re.compile(r'href="/personnes/P[0-9A-F]+"|name="personne" value="P')  # rows, a caller


@dataclass(frozen=True)
class Client:
    login: str
    role: str
    controller: str | None
    secret: str | None
    persons: list[tuple[str, str]]  # (person id, surname) it may read
    identities: list[dict[str, str]]  # callers' identities (agents)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # ms, by kind
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # "STATUS kind"
    showed: int = 0  # answers that showed a person (each must be a view)
    seconds: float = 0.0


def prepare(ws: Workspace) -> list[Client]:
    """The accounts (leads, the largest labs' controllers, agents) and what each reads."""
    import pyotp

    from vigie.console import accounts

    clients = []
    with ws.connect(read_only=True) as con:
        everyone = _persons(con, None)
        identities = _identities(con)
        controllers = [r[0] for r in con.execute(
            "SELECT c FROM persons, unnest(controllers) t(c) GROUP BY 1 ORDER BY count(*) DESC, 1 "
            f"LIMIT {CLIENTS['controller']}").fetchall()]  # fmt: skip
    for role, count in CLIENTS.items():
        for n in range(count):
            login = f"{role[0]}.charge{n:02d}"
            lab = controllers[n % len(controllers)] if role == "controller" else None
            accounts.add_user(ws, login, role, controller=lab, password=PASSWORD)
            secret = pyotp.random_base32() if role != "agent" else None
            with ws.connect() as con:
                if secret:
                    con.execute("UPDATE console_users SET totp_secret = ? WHERE login = ?",
                                [secret, login])  # fmt: skip
                persons = _persons(con, lab) if lab else everyone
            clients.append(Client(login, role, lab, secret, persons, identities))
    return clients


def _persons(con: Any, controller: str | None) -> list[tuple[str, str]]:
    where = "WHERE list_contains(controllers, ?)" if controller else ""
    rows = con.execute(f"SELECT person_id, surname FROM persons {where} USING SAMPLE 300 ROWS",
                       [controller] if controller else []).fetchall()  # fmt: skip
    return [(str(r[0]), str(r[1])) for r in rows]


def _identities(con: Any) -> list[dict[str, str]]:
    rows = con.execute(
        "SELECT surname, split_part(first_names, ' ', 1), strftime(birth_date, '%d/%m/%Y'), "
        "postcode FROM persons USING SAMPLE 300 ROWS"
    ).fetchall()
    keys = ("nom", "prenom", "naissance", "code_postal")
    return [dict(zip(keys, map(str, r), strict=True)) for r in rows]


def run(base: str, clients: list[Client], letters: list[str], seconds: float = SECONDS) -> Tally:
    return asyncio.run(_load(base, clients, letters, seconds))


async def _load(base: str, clients: list[Client], letters: list[str], seconds: float) -> Tally:
    tally = Tally()
    sessions = [await _log_in(base, n, c) for n, c in enumerate(clients)]
    for http, _ in sessions:  # each scope's dashboard counted once, before the clock runs
        await http.get("/")
    started = time.perf_counter()
    stop = time.monotonic() + seconds
    try:
        await asyncio.gather(*(
            _client(http, c, csrf, letters, tally, stop, random.Random(n))
            for n, (c, (http, csrf)) in enumerate(zip(clients, sessions, strict=True))
        ))  # fmt: skip
    finally:
        for http, _ in sessions:
            await http.aclose()
    tally.seconds = time.perf_counter() - started
    return tally


async def _log_in(base: str, n: int, client: Client) -> tuple[httpx.AsyncClient, str]:
    import pyotp

    desk = {"x-forwarded-for": f"192.0.2.{n + 1}"}
    http = httpx.AsyncClient(base_url=base, headers=desk, timeout=120)
    page = (await http.get("/connexion")).text
    token = re.search(r'name="jeton" value="([^"]+)"', page)
    code = pyotp.TOTP(client.secret).now() if client.secret else ""
    form = {"jeton": token.group(1) if token else "", "identifiant": client.login,
            "mot_de_passe": PASSWORD, "code": code}  # fmt: skip
    answer = await http.post("/connexion", data=form)
    found = re.search(r'name="csrf" value="([^"]+)"', (await http.get("/")).text)
    if answer.status_code != 303 or not found:
        raise RuntimeError(f"bench: {client.login} could not log in ({answer.status_code})")
    return http, found.group(1)


async def _client(
    http: httpx.AsyncClient,
    client: Client,
    csrf: str,
    letters: list[str],
    tally: Tally,
    stop: float,
    rng: random.Random,
) -> None:
    while time.monotonic() < stop:
        kind, method, path, form = _next(client, letters, rng)
        start = time.perf_counter()
        if method == "GET":
            answer = await http.get(path)
        else:
            answer = await http.post(path, data={"csrf": csrf, **form})
        tally.latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        tally.statuses[answer.status_code] += 1
        if answer.status_code >= 400 and answer.status_code != 429:
            tally.errors[f"{answer.status_code} {kind}"] += 1
        if answer.status_code == 200 and (
            kind.endswith("person page") or LISTED.search(answer.text)
        ):
            tally.showed += 1  # a person page, a list with rows, a caller found: one view


def _next(
    client: Client, letters: list[str], rng: random.Random
) -> tuple[str, str, str, dict[str, str]]:
    """(kind, method, path, form) of the client's next request."""
    from vigie.notify.filings import slug

    if client.role == "agent":
        pick = rng.random()
        if pick < 0.3:
            return "agent: page", "GET", "/appels", {}
        if pick < 0.8:
            return "agent: lookup", "POST", "/appels/identite", rng.choice(client.identities)
        return "agent: lookup", "POST", "/appels/code", {"code": secrets.token_hex(6).upper()}
    person_id, surname = rng.choice(client.persons)
    choices = [
        ("dashboard", "/"),
        ("search", f"/personnes?q={surname[:4]}"),
        ("person page", f"/personnes/{person_id}"),
        ("person page", f"/personnes/{rng.choice(client.persons)[0]}"),
    ]
    if client.role == "lead":
        choices.append(("search", f"/personnes?q={rng.choice(letters)}"))
    else:
        choices.append(("space", f"/espace/{slug(client.controller or '')}/sans-courrier"))
    kind, path = rng.choice(choices)
    return f"{client.role}: {kind}", "GET", path, {}


def views_by(ws: Workspace, clients: list[Client]) -> int:
    """The view entries of the audit log written by these clients' accounts."""
    logins = {c.login for c in clients}
    entries = audit.read_entries(ws.audit_path)
    return sum(1 for e in entries if e.get("verb") == "view" and e["params"].get("by") in logins)


def table(tally: Tally, views: int, verified: int) -> list[str]:
    every = [ms for values in tally.latencies.values() for ms in values]
    total = len(every)
    limited = tally.statuses.get(429, 0)
    errors = sum(tally.errors.values())
    rows = [
        f"| {kind} | {len(ms)} | {_cut(ms, 50):.1f} | {_cut(ms, 99):.1f} |"
        for kind, ms in sorted(tally.latencies.items())
    ]
    clients = ", ".join(f"{n} {role}s" for role, n in CLIENTS.items())
    return [
        "",
        f"### Concurrent load: {sum(CLIENTS.values())} clients for {tally.seconds:.0f} s",
        "",
        "| requests | requests/s | p50 (ms) | p99 (ms) | 429 (agents' lookup quota) | "
        "errors (not 2xx, 3xx or 429) |",
        "|---|---|---|---|---|---|",
        f"| {total} | {total / tally.seconds:.1f} | {_cut(every, 50):.1f} | "
        f"{_cut(every, 99):.1f} | {limited} | {errors} |",
        "",
        "| request | count | p50 (ms) | p99 (ms) |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Clients ({clients}) each logged in from its own address, then sent its role's "
        f"requests one after the other for {SECONDS:.0f} s, all at once on the 2 shared cores "
        f"with the server. Answers that showed a person: {tally.showed}; view entries written "
        f"to the audit chain meanwhile: {views}; the chain verified after "
        f"({verified:,} entries). Errors by kind: {dict(tally.errors) or 'none'}.",
    ]


def _cut(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
