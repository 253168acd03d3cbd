"""Issue 11 figures: the call centre's lookups at the large size, through the real console
(`vigie console WS` in a child process) on loopback.

The store is written directly (the link and notify benches time those stages): `large`
persons with names, first names, birth dates and addresses drawn from synth's pools,
about eleven exposed elements each, tiers from assess's rules, one letter each (2 % not
sent), a verification code per letter (REAL_CODES of them real, hashed as notify hashes
them, the rest random hashes of the same size), delivery news for most letters, and an
audit log of AUDIT_ENTRIES entries already (each lookup appends to it, and an append
reads the log). Agents log in from their own address (X-Forwarded-For from loopback,
as behind the TLS proxy) and each makes lookups within its quota: codes that exist,
identities of persons of the leak, unknown codes and identities of no one. One request
at a time (the console serves requests in turn on one connection to the store).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import statistics
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

from benches.common import BENCH_ENV, VIGIE, Context, wait_for_server

TITLE = "callcentre"
REAL_CODES = 2_000
AUDIT_ENTRIES = 50_000
ACCOUNTS = 30
PASSWORD = "une phrase de passe pour le banc d'essai"
# Per account, within its quota (30 lookups, 12 misses per 10 minutes).
BASELINE = "page without lookup (GET /appels)"
PER_ACCOUNT = {"code du courrier": 8, "identité": 8, "code inconnu": 5, "identité absente": 5}
ELEMENT_SHARES = {
    "identity.last_name": 100, "identity.first_name": 100, "identity.birth_date": 100,
    "identity.sex": 95, "identity.birth_name": 30, "contact.address": 90,
    "contact.postcode": 95, "contact.city": 95, "contact.phone": 60, "contact.email": 30,
    "national_id.nir": 70, "provider.prescriber": 60, "care.exam": 100,
    "health.blood_group": 20, "health.result": 40, "health.hiv": 2, "health.pregnancy": 3,
    "health.cancer": 3, "health.treatment": 10, "health.diagnosis": 10,
}  # fmt: skip


def run_section(ctx: Context) -> list[str]:
    os.environ.update(BENCH_ENV)
    started = time.monotonic()
    ws, callers = build_store(ctx.work / "callcentre-ws", ctx.large)
    logins = _accounts(ws, ACCOUNTS)
    built = time.monotonic() - started
    before = os.getloadavg()
    latencies = _serve_and_measure(ws, logins, callers)
    after = os.getloadavg()
    size = ws.audit_path.stat().st_size / 2**20
    rows = [
        f"| {kind} | {len(ms)} | {_q(ms, 50):.1f} ms | {_q(ms, 99):.1f} ms | {max(ms):.1f} ms |"
        for kind, ms in latencies.items()
    ]
    return [
        f"## callcentre: lookups at {ctx.large:,} persons",
        "",
        "| request (one at a time) | requests | p50 | p99 | max |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Store written directly in {built:.0f} s ({ctx.large:,} persons, their exposure, "
        f"tiers, letters, codes and delivery news; {ACCOUNTS} agent accounts). One "
        f"`vigie console` process; the client on the same 2 cores; each agent logged in "
        f"from its own address. The audit log held {AUDIT_ENTRIES:,} entries before and "
        f"{size:.1f} MB after (each lookup appends one or two). Load average "
        f"{before[0]:.1f} before, {after[0]:.1f} after (1 min).",
    ]


def _q(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def build_store(folder: Path, persons: int) -> tuple[Any, list[dict[str, str]]]:
    """The workspace, and REAL_CODES callers: a code and the identity they would give."""
    from vigie.workspace import Workspace

    ws = Workspace.create(folder)
    with ws.connect() as con:
        _persons(con, persons)
        _exposure_and_tiers(con)
        callers = _letters_and_codes(con)
    _audit(ws, AUDIT_ENTRIES)
    return ws, callers


def _persons(con: Any, n: int) -> None:
    import numpy as np
    import pyarrow as pa

    from vigie.synth import places, pools

    rng = np.random.default_rng(11)
    sex = rng.choice(np.array(["F", "M"], dtype=object), n)
    birth = np.datetime64("1925-01-01") + rng.integers(0, 95 * 365, n).astype("timedelta64[D]")
    years = birth.astype("datetime64[Y]").astype(int) + 1970
    surnames = pools.surnames()
    last = surnames.names[surnames.sample(rng, n)]
    married = (sex == "F") & (rng.random(n) < 0.4)
    birth_name = np.where(married, surnames.names[surnames.sample(rng, n)], None)
    first = np.empty(n, dtype=object)
    eras = pools.era_of(years)
    for (s, era), pool in pools.first_names().items():
        mask = (sex == s) & (eras == era)
        count = int(mask.sum())
        one, two = pool.sample(rng, count), pool.sample(rng, count)
        first[mask] = [f"{a} {b}" for a, b in zip(pool.names[one], pool.names[two], strict=True)]
    addresses = places.household_addresses(rng, n)
    communes = pools.communes()
    table = pa.table({
        "person_id": [f"P{i:012X}" for i in range(n)],
        "surname": last.tolist(), "birth_name": birth_name.tolist(),
        "first_names": first.tolist(), "birth_date": birth.tolist(), "sex": sex.tolist(),
        "address": addresses.line1.tolist(),
        "postcode": communes.postcode[addresses.commune].tolist(),
        "city": communes.name[addresses.commune].tolist(),
        "controllers": [[f"Laboratoire {k:02d}"] for k in rng.integers(1, 29, n).tolist()],
    })  # fmt: skip
    con.register("_persons", table)
    con.execute(
        "CREATE TABLE persons AS SELECT *, false AS deceased, NULL::VARCHAR AS phone, "
        "NULL::VARCHAR AS email FROM _persons"
    )
    con.unregister("_persons")


def _exposure_and_tiers(con: Any) -> None:
    from vigie.assess.tiers import tier_sql

    shares = ", ".join(f"('{e}', {p})" for e, p in ELEMENT_SHARES.items())
    con.execute(
        "CREATE TABLE person_exposure AS SELECT p.person_id, e.element FROM persons p, "
        f"(VALUES {shares}) e(element, share) WHERE hash(p.person_id || e.element) % 100 "
        "< e.share ORDER BY 1, 2"
    )
    con.execute(
        f"CREATE TABLE person_risk AS SELECT person_id, tier, [reason] AS reasons "
        f"FROM ({tier_sql('person_exposure')})"
    )


def _letters_and_codes(con: Any) -> list[dict[str, str]]:
    from vigie.notify import codes, records

    records.ensure_tables(con)
    con.execute(codes.CODES_DDL)
    secret = codes.load_secret(con, create=True)
    assert secret is not None
    con.execute("INSERT INTO notify_issues VALUES (1, 'initial', now(), 0, 'out')")
    con.execute(
        "INSERT INTO notify_letters SELECT 'L01-' || lpad(CAST(row_number() OVER (ORDER BY "
        "person_id) AS VARCHAR), 6, '0'), 1, person_id, 'batch-0001', 1, 2, postcode, "
        "controllers[1], 'adult', r.tier, false, false, md5(person_id), NULL FROM persons "
        "JOIN person_risk r USING (person_id) WHERE hash(person_id) % 50 <> 0"
    )
    con.execute(
        "INSERT INTO notify_not_sent SELECT 1, person_id, 'no_address' FROM persons "
        "WHERE hash(person_id) % 50 = 0"
    )
    con.execute(
        "INSERT INTO notify_codes SELECT md5(letter_id) || md5(letter_id || 'x'), letter_id, "
        "controller, DATE '2021-03-01' FROM notify_letters"
    )
    con.execute(
        "INSERT INTO notify_status SELECT letter_id, CASE WHEN hash(letter_id) % 40 = 0 THEN "
        "'returned' ELSE 'sent' END, DATE '2021-03-05', 'bench', now() FROM notify_letters "
        "WHERE hash(letter_id) % 10 <> 0"
    )
    sample = con.execute(
        "SELECT l.letter_id, p.surname, split_part(p.first_names, ' ', 1), "
        "strftime(p.birth_date, '%d/%m/%Y'), p.postcode FROM notify_letters l JOIN persons p "
        f"USING (person_id) USING SAMPLE {REAL_CODES} ROWS"
    ).fetchall()
    callers, rows = [], []
    for letter, surname, first, birth, postcode in sample:
        code = codes.new_code()
        rows.append((codes.code_hash(secret, code), letter, "Laboratoire", date(2021, 3, 1)))
        callers.append({"code": code, "nom": surname, "prenom": first, "naissance": birth,
                        "code_postal": postcode})  # fmt: skip
    codes.store_codes(con, rows)
    return callers


def _audit(ws: Any, entries: int) -> None:
    """A busy week's log: view entries chained after the log's own, then a note that moves
    the store's head to the end (so `vigie audit verify` holds)."""
    import json

    from vigie.workspace import audit

    lines = ws.audit_path.read_text(encoding="utf-8").splitlines()
    prev, seq = audit.digest_line(lines[-1]), len(lines)
    with ws.audit_path.open("a", encoding="utf-8") as handle:
        for n in range(entries):
            seq += 1
            entry = {"seq": seq, "time": "2021-03-02T10:00:00+00:00", "verb": "view",
                     "params": {"by": "a.bench", "role": "agent", "page": "appel",
                                "person_id": f"P{n:012X}"}, "counts": {}, "prev": prev}  # fmt: skip
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
            handle.write(line + "\n")
            prev = audit.digest_line(line)
    with ws.connect() as con:
        ws.note("bench", {"entries": entries}, con)


def _accounts(ws: Any, count: int) -> list[str]:
    from vigie.console import accounts

    logins = [f"agent.banc{n:02d}" for n in range(count)]
    for login in logins:
        accounts.add_user(ws, login, "agent", password=PASSWORD)
    return logins


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_and_measure(
    ws: Any, logins: list[str], callers: list[dict[str, str]]
) -> dict[str, list[float]]:
    port = _free_port()
    cmd = [*VIGIE, "console", str(ws.path), "--port", str(port)]
    server = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        wait_for_server(port, server, "vigie console")
        return _measure(f"http://127.0.0.1:{port}", logins, callers)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _measure(base: str, logins: list[str], callers: list[dict[str, str]]) -> dict[str, list[float]]:
    import httpx

    latencies: dict[str, list[float]] = {kind: [] for kind in PER_ACCOUNT}
    latencies[BASELINE] = []
    people = iter(callers)
    for n, login in enumerate(logins):
        where = {"x-forwarded-for": f"192.0.2.{n + 1}"}  # each agent at its own desk
        with httpx.Client(base_url=base, headers=where, timeout=60) as client:
            page = client.get("/connexion").text
            token = re.search(r'name="jeton" value="([^"]+)"', page)
            assert token, "no login form"
            client.post("/connexion", data={"jeton": token.group(1), "identifiant": login,
                                            "mot_de_passe": PASSWORD, "code": ""})  # fmt: skip
            found = re.search(r'name="csrf" value="([^"]+)"', client.get("/appels").text)
            assert found, "not logged in"
            csrf = found.group(1)
            if n == 0:  # the first lookup makes the console's indexes (once, not timed)
                path, form, _ = _request("code du courrier", next(people))
                client.post(path, data={"csrf": csrf, **form})
            for kind, count in PER_ACCOUNT.items():
                for _ in range(count):
                    path, form, expected = _request(kind, next(people))
                    start = time.perf_counter()
                    answer = client.post(path, data={"csrf": csrf, **form})
                    latencies[kind].append((time.perf_counter() - start) * 1000)
                    if answer.status_code != 200 or expected not in answer.text:
                        raise RuntimeError(f"bench: {kind} answered {answer.status_code}")
            for _ in range(5):  # the console's own cost: a page that looks nothing up
                start = time.perf_counter()
                client.get("/appels")
                latencies[BASELINE].append((time.perf_counter() - start) * 1000)
    return latencies


def _request(kind: str, caller: dict[str, str]) -> tuple[str, dict[str, str], str]:
    identity = {k: caller[k] for k in ("nom", "prenom", "naissance", "code_postal")}
    if kind == "code du courrier":
        return "/appels/code", {"code": caller["code"]}, "Courrier authentique"
    if kind == "identité":
        return "/appels/identite", identity, "Dossier retrouvé"
    if kind == "code inconnu":
        return "/appels/code", {"code": secrets.token_hex(6).upper()}, "Code inconnu"
    return "/appels/identite", {**identity, "nom": "Zzyzx"}, "Aucun dossier trouvé"
