"""Issue 11 figures: the console's dashboard and person lookups at `large` persons.

The workspace is built directly (tables as link, assess and notify write them, drawn
from synth's own pools: surnames, communes, the 28 labs), not by running the pipeline:
the other sections already time the stages. Its audit log is pre-filled with
AUDIT_ENTRIES console views (a busy week: list pages name 50 persons each), properly
chained, because every look appends to it. Then the real `vigie console` runs in a child
process and one client on loopback logs in (password + TOTP) and sends, one at a time on
a keep-alive connection: lookups by letter reference, by surname and person pages, then
dashboards (lead, then a controller). Client and server share this 2-core machine.
Then the same console takes a concurrent load (console_load.py): 20 team members' clients
at once for 30 s, requests/s, p50/p99, the agents' 429s apart, errors, and the audit
chain's views counted against the answers that showed a person.
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import statistics
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import httpx

from benches import console_load
from benches.common import BENCH_ENV, VIGIE, Context, wait_for_server
from vigie.workspace import Workspace

TITLE = "console"
AUDIT_ENTRIES = 100_000
LOOKUPS = 300  # of each kind
DASHBOARDS = 30
PASSWORD = "une phrase de passe pour le banc"
TARGETS = {"lookup": 100.0, "dashboard": 1000.0}  # p99, ms (issue 11)


def run_section(ctx: Context) -> list[str]:
    os.environ.update(BENCH_ENV)
    started = time.monotonic()
    ws, samples = _workspace(ctx.work / "console-ws", ctx.large)
    built = time.monotonic() - started
    secrets = _accounts(ws, samples["controller"])
    clients = console_load.prepare(ws)
    load_before = os.getloadavg()
    timings, tally = _serve_and_measure(ws, secrets, samples, clients)
    load_after = os.getloadavg()
    log_mb = ws.audit_path.stat().st_size / 2**20
    lines = _table(ctx.large, timings, built, log_mb, load_before, load_after)
    verified = ws.verify_audit()  # `vigie audit verify`, the console stopped
    return lines + console_load.table(tally, console_load.views_by(ws, clients), verified)


# -- the workspace ----------------------------------------------------------------------


ELEMENTS = (
    "identity.last_name", "identity.first_name", "identity.birth_date", "identity.sex",
    "contact.address", "contact.postcode", "contact.city", "contact.phone", "national_id.nir",
    "care.exam", "provider.prescriber", "health.blood_group",
)  # fmt: skip
FIRST_NAMES = ("Marie", "Jean", "Anne", "Pierre", "Hélène", "Loïc", "Maëlle", "Yann",
               "Nathalie", "Gwenaël")  # fmt: skip


def _workspace(path: Path, persons: int) -> tuple[Workspace, dict[str, Any]]:
    import yaml

    from vigie.synth.labs import build_labs

    facts = path.parent / "console-incident.yaml"
    facts.write_text(yaml.safe_dump({
        "title": "Banc d'essai de la console", "aware_at": "2021-02-23T09:00:00+01:00",
        "controllers": [{"name": lab.name, "dpo_email": "dpo@example.org"} for lab in build_labs()],
    }, allow_unicode=True), encoding="utf-8")  # fmt: skip
    ws = Workspace.create(path, facts)
    table, biggest = _persons(persons)
    with ws.connect() as con:
        con.register("people", table)
        con.execute("CREATE TABLE persons AS SELECT * FROM people")
        con.execute(
            "CREATE TABLE person_risk AS SELECT person_id, tier, [tier] AS reasons FROM "
            "(SELECT person_id, CASE WHEN hash(person_id) % 100 < 4 THEN 'very_high' WHEN "
            "hash(person_id) % 100 < 94 THEN 'high' WHEN hash(person_id) % 100 < 99 THEN "
            "'medium' ELSE 'low' END AS tier FROM persons)"
        )
        con.execute(
            "CREATE TABLE person_exposure AS SELECT p.person_id, e.element FROM persons p, "
            "unnest(?) e(element) WHERE hash(p.person_id || e.element) % 10 < 8 "
            "ORDER BY 1, 2",  # as link writes it
            [list(ELEMENTS)],
        )
        _letters(con, persons)
        from vigie.link.decide import ensure_tables

        ensure_tables(con)
        sample = "SELECT {} FROM {} USING SAMPLE 2000"
        letters = [
            r[0] for r in con.execute(sample.format("letter_id", "notify_letters")).fetchall()
        ]
        people = con.execute(sample.format("person_id, surname", "persons")).fetchall()
    _fill_audit(ws, table.column("person_id").to_pylist(), AUDIT_ENTRIES)
    return ws, {"letters": letters, "people": people, "controller": biggest}


def _persons(persons: int) -> tuple[Any, str]:
    """A persons table as link writes it, from synth's pools; and the largest lab's name."""
    import numpy as np
    import pyarrow as pa

    from vigie.synth import labs as synth_labs
    from vigie.synth import pools

    rng = np.random.default_rng(11)
    surnames, communes = pools.surnames(), pools.communes()
    labs = synth_labs.build_labs()
    area = np.flatnonzero(np.isin(communes.dep, list(pools.DEPARTEMENTS)))
    weights = communes.population[area] / communes.population[area].sum()
    commune = area[rng.choice(len(area), size=persons, p=weights)]
    usual = synth_labs.usual_labs(rng, labs, commune)
    second = synth_labs.second_labs(rng, labs, usual)
    names = [lab.name for lab in labs]
    pairs = zip(usual, second, strict=True)
    controllers = [[names[u]] + ([names[s]] if s >= 0 else []) for u, s in pairs]
    born = np.datetime64("1930-01-01") + rng.integers(0, 33_000, persons).astype("timedelta64[D]")
    table = pa.table({
        "person_id": [f"P{n:012X}" for n in rng.choice(16**12, size=persons, replace=False)],
        "surname": surnames.names[np.searchsorted(surnames.cum, rng.random(persons))].astype(str),
        "birth_name": pa.nulls(persons, pa.string()),
        "first_names": rng.choice(FIRST_NAMES, size=persons),
        "birth_date": born, "sex": rng.choice(["F", "M"], size=persons),
        "address": [f"{n} rue de la Gare" for n in rng.integers(1, 200, persons)],
        "postcode": communes.postcode[commune].astype(str),
        "city": communes.name[commune].astype(str),
        "departement": communes.dep[commune].astype(str),
        "phone": [f"06{n:08d}" for n in rng.integers(0, 10**8, persons)],
        "email": pa.nulls(persons, pa.string()), "controllers": controllers,
        "n_controllers": [len(c) for c in controllers],
        "age_group": rng.choice(["0-17", "18-64", "65+"], size=persons, p=[0.15, 0.6, 0.25]),
        "deceased": rng.random(persons) < 0.02,
    })  # fmt: skip
    counts = np.bincount(usual, minlength=len(labs))
    return table, names[int(counts.argmax())]


def _letters(con: duckdb.DuckDBPyConnection, persons: int) -> None:
    from vigie.notify.records import ensure_tables

    ensure_tables(con)
    con.execute(
        "INSERT INTO notify_issues VALUES (1, 'initial', now(), ?, 'out/notify/issue-01')",
        [persons],
    )
    con.execute(
        "INSERT INTO notify_letters SELECT 'L01-' || lpad(CAST(n AS VARCHAR), 6, '0'), 1, "
        "person_id, 'batch-' || (n // 1000), 1, 2, postcode, controllers[1], 'adult', NULL, "
        "false, false, '', NULL FROM (SELECT row_number() OVER (ORDER BY person_id) AS n, * "
        "FROM persons WHERE NOT deceased)"
    )
    con.execute(
        "INSERT INTO notify_not_sent SELECT 1, person_id, 'deceased' FROM persons WHERE deceased"
    )
    con.execute(
        "INSERT INTO notify_status SELECT letter_id, CASE WHEN hash(letter_id) % 20 = 0 THEN "
        "'returned' ELSE 'delivered' END, DATE '2021-03-10', 'bench', now() FROM notify_letters "
        "WHERE hash(letter_id) % 10 < 6"
    )


def _fill_audit(ws: Workspace, ids: list[str], entries: int) -> None:
    """`entries` view entries chained as audit.append chains them, head in the store."""
    from vigie.workspace import audit
    from vigie.workspace.workspace import _move_head

    path = ws.audit_path
    lines = path.read_text(encoding="utf-8").splitlines()
    prev = audit.digest_line(lines[-1]) if lines else audit.GENESIS
    rng = random.Random(5)
    when = datetime(2021, 2, 25, tzinfo=UTC)
    with path.open("a", encoding="utf-8") as out:
        for seq in range(len(lines) + 1, len(lines) + entries + 1):
            if seq % 10:
                params = {"by": "dpo.bench", "role": "controller", "page": "personne",
                          "person_id": rng.choice(ids)}  # fmt: skip
            else:
                params = {"by": "dpo.bench", "role": "controller", "page": "personnes",
                          "person_ids": rng.sample(ids, 50)}  # fmt: skip
            when += timedelta(seconds=5)
            entry = {"seq": seq, "time": when.isoformat(timespec="seconds"), "verb": "view",
                     "params": params, "counts": {}, "prev": prev}  # fmt: skip
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
            out.write(line + "\n")
            prev = audit.digest_line(line)
    with ws.connect() as con:
        _move_head(con, audit.AuditHead(seq, prev))


def _accounts(ws: Workspace, controller: str) -> dict[str, str]:
    import pyotp

    from vigie.console import accounts

    secrets = {}
    for login, role, of in (("l.bench", "lead", None), ("d.bench", "controller", controller)):
        accounts.add_user(ws, login, role, controller=of, password=PASSWORD)
        secrets[login] = pyotp.random_base32()
        with ws.connect() as con:
            con.execute("UPDATE console_users SET totp_secret = ? WHERE login = ?",
                        [secrets[login], login])  # fmt: skip
    return secrets


# -- serving and measuring --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_and_measure(
    ws: Workspace,
    secrets: dict[str, str],
    samples: dict[str, Any],
    clients: list[console_load.Client],
) -> tuple[dict[str, list[float]], console_load.Tally]:
    port = _free_port()
    cmd = [*VIGIE, "console", str(ws.path), "--port", str(port)]
    log = ws.path.parent / "console.log"  # routes and statuses only: no personal value
    with log.open("wb") as err:
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        try:
            wait_for_server(port, server, "vigie console")
            base = f"http://127.0.0.1:{port}"
            timings = _measure(base, secrets, samples, server.pid)
            return timings, console_load.run(base, clients, samples["letters"])
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{log.read_text(errors='replace')[-3000:]}") from None
        finally:
            server.terminate()
            server.wait(timeout=30)


def _log_in(client: httpx.Client, login: str, secret: str) -> None:
    import pyotp

    page = client.get("/connexion").text
    token = re.search(r'name="jeton" value="([^"]+)"', page)
    assert token
    form = {"jeton": token.group(1), "identifiant": login, "mot_de_passe": PASSWORD,
            "code": pyotp.TOTP(secret).now()}  # fmt: skip
    answer = client.post("/connexion", data=form)
    if answer.status_code != 303:
        raise RuntimeError(f"bench: login as {login} failed ({answer.status_code})")


def _cpu_ms(pid: int) -> float:
    """CPU time (user + system, all threads) the process has used so far, in ms."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _timed(client: httpx.Client, paths: list[str]) -> list[float]:
    took = []
    for path in paths:
        start = time.perf_counter()
        answer = client.get(path)
        took.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"bench: {answer.status_code} for a console page")
    return took


def _measure(
    base: str, secrets: dict[str, str], samples: dict[str, Any], pid: int
) -> dict[str, list[float]]:
    """Latencies per kind of request (ms); under "cpu KIND", the server's CPU time per
    request of that kind (ms): on this shared machine, what a request costs by itself."""
    rng = random.Random(7)
    letters: list[str] = samples["letters"]
    people: list[tuple[str, str]] = samples["people"]
    out: dict[str, list[float]] = {}

    def run(kind: str, client: httpx.Client, paths: list[str]) -> None:
        cpu = _cpu_ms(pid)
        out[kind] = _timed(client, paths)
        out["cpu " + kind] = [(_cpu_ms(pid) - cpu) / len(paths)]

    with httpx.Client(base_url=base, timeout=60) as client:
        _log_in(client, "l.bench", secrets["l.bench"])
        cold = _timed(client, ["/"])  # counts everything: figures are then kept
        _timed(client, ["/personnes?q=MAR"])  # builds the lookup maps once
        run("letter", client, [f"/personnes?q={rng.choice(letters)}" for _ in range(LOOKUPS)])
        run("name", client, [f"/personnes?q={rng.choice(people)[1][:4]}"
                             for _ in range(LOOKUPS)])  # fmt: skip
        run("person", client, [f"/personnes/{rng.choice(people)[0]}" for _ in range(LOOKUPS)])
        run("dashboard_lead", client, ["/"] * DASHBOARDS)
    with httpx.Client(base_url=base, timeout=60) as client:
        _log_in(client, "d.bench", secrets["d.bench"])
        cold += _timed(client, ["/"])
        run("dashboard_controller", client, ["/"] * DASHBOARDS)
    out["dashboard_cold"] = cold
    return out


def _cuts(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100)
    return cuts[49], cuts[98]


def _table(
    persons: int,
    timings: dict[str, list[float]],
    built: float,
    log_mb: float,
    before: tuple[float, float, float],
    after: tuple[float, float, float],
) -> list[str]:
    rows = [
        ("letter", "lookup by letter reference (`/personnes?q=L01-…`)", "lookup"),
        ("name", "lookup by surname, first 4 letters (`/personnes?q=…`)", "lookup"),
        ("person", "person page (`/personnes/{id}`)", "lookup"),
        ("dashboard_lead", "dashboard, lead (`/`)", "dashboard"),
        ("dashboard_controller", "dashboard, the largest controller (`/`)", "dashboard"),
    ]
    lines = [
        f"## console: dashboard and person lookups at {persons:,} persons",
        "",
        "| request | requests | p50 (ms) | p99 (ms) | target p99 | met | server CPU per "
        "request (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, label, kind in rows:
        p50, p99 = _cuts(timings[key])
        target = TARGETS[kind]
        met = "yes" if p99 < target else "no"
        cpu = timings["cpu " + key][0]
        lines.append(f"| {label} | {len(timings[key])} | {p50:.1f} | {p99:.1f} | "
                     f"< {target:.0f} ms | {met} | {cpu:.1f} |")  # fmt: skip
    load = "; ".join(", ".join(f"{x:.1f}" for x in v) for v in (before, after))
    lead_cold, controller_cold = timings["dashboard_cold"]
    lines += [
        "",
        f"Dashboards are counted once, then kept until a stage records a run: the first one "
        f"after the console started took {lead_cold:,.0f} ms (lead) and {controller_cold:,.0f} "
        f"ms (the controller); the lookup maps were built by the first search.",
        f"One `vigie console` process (uvicorn), one client on loopback sending one request at "
        f"a time (keep-alive) after logging in with password and TOTP; every person page and "
        f"list appends a view to the audit chain, which held {AUDIT_ENTRIES:,} view entries "
        f"({log_mb:.0f} MB) at the start. Workspace built from synth's pools in {built:.0f} s "
        f"(persons, risk, 12 exposed elements for 80 % of each, letters, La Poste statuses). "
        f"Load average before; after: {load} (2 shared cores).",
    ]
    return lines
