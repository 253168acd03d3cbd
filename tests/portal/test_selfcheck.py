""" "Suis-je concerné ?": the same bytes and time for a person in the leak and one not,
requests sealed so that only the store's key opens them, forged posts refused."""

from __future__ import annotations

import csv
import re
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from tests.portal.conftest import Portal
from tests.portal.live import live_portal
from vigie.portal.requests import open_requests, sealing_key
from vigie.scan.recognizers.dates import parse_date
from vigie.workspace import Workspace

URLENCODED = {"content-type": "application/x-www-form-urlencoded"}
OUTSIDER = {"nom": "Zorglub", "prenom": "Anatole", "date_naissance": "1931-05-17",
            "code_postal": "75019", "email": ""}  # fmt: skip


def _insider(incident: Path) -> dict[str, str]:
    registry = sorted((incident / "registries").glob("*.csv"))
    registry = [p for p in registry if p.name != "controllers.csv"]
    with registry[0].open(encoding="utf-8", newline="") as f:
        row = next(csv.DictReader(f))
    born = parse_date(row["DATE_NAISSANCE"])  # as a date field sends it: ISO
    assert born is not None
    return {"nom": row["NOM_USAGE"] or row["NOM_NAISSANCE"], "prenom": row["PRENOMS"],
            "date_naissance": born.isoformat(), "code_postal": row["CODE_POSTAL"],
            "email": ""}  # fmt: skip


def _post(client: httpx.Client, base: str, values: dict[str, str]) -> httpx.Response:
    form = client.get(base + "/concerne").text
    token = re.search(r'name="jeton" value="([^"]+)"', form)
    assert token
    return client.post(base + "/concerne", data={**values, "jeton": token.group(1)})


def _headers(answer: httpx.Response) -> dict[str, Any]:
    return {k: v for k, v in answer.headers.items() if k != "date"}


def test_answer_is_byte_identical_for_in_and_out(built: Portal, tmp_path: Path) -> None:
    insider = _insider(built.incident)
    with live_portal(built.bundle, requests_file=tmp_path / "r.sealed") as base, \
            httpx.Client() as client:  # fmt: skip
        inside, outside = _post(client, base, insider), _post(client, base, OUTSIDER)
    assert inside.status_code == outside.status_code == 200
    assert inside.content == outside.content
    assert _headers(inside) == _headers(outside)
    assert "set-cookie" not in inside.headers
    assert "enregistrée" in inside.text


def test_answer_takes_the_same_time_for_in_and_out(built: Portal, tmp_path: Path) -> None:
    insider, rounds = _insider(built.incident), 25
    times: dict[str, list[float]] = {"in": [], "out": []}
    with live_portal(built.bundle, requests_file=tmp_path / "r.sealed") as base, \
            httpx.Client() as client:  # fmt: skip
        for _ in range(rounds):  # interleaved, so machine noise falls on both alike
            for name, values in (("in", insider), ("out", OUTSIDER)):
                start = time.perf_counter()
                assert _post(client, base, values).status_code == 200
                times[name].append(time.perf_counter() - start)
    medians = {k: statistics.median(v) for k, v in times.items()}
    spread = statistics.pstdev(times["in"] + times["out"])
    assert abs(medians["in"] - medians["out"]) <= max(spread, 0.002)


def test_requests_are_sealed_and_open_only_with_the_store_key(
    built: Portal, tmp_path: Path, portal_env: Path
) -> None:
    insider, sealed = _insider(built.incident), tmp_path / "r.sealed"
    with live_portal(built.bundle, requests_file=sealed) as base, httpx.Client() as client:
        _post(client, base, insider)
    raw = sealed.read_bytes()
    assert insider["nom"].encode() not in raw and insider["date_naissance"].encode() not in raw
    with Workspace.open(built.workspace).connect() as con:
        private = sealing_key(con, create=False)
    assert private is not None
    opened, bad = open_requests(private, sealed)
    assert bad == 0 and opened[0]["nom"] == insider["nom"]
    assert opened[0]["code_postal"] == insider["code_postal"]


def test_forged_or_incomplete_posts_are_refused_and_not_stored(
    built: Portal, tmp_path: Path
) -> None:
    sealed = tmp_path / "r.sealed"
    with live_portal(built.bundle, requests_file=sealed) as base, httpx.Client() as client:
        no_token = client.post(base + "/concerne", data=OUTSIDER)
        cross = client.post(base + "/concerne", data=OUTSIDER,
                            headers={"origin": "https://evil.example"})  # fmt: skip
        fetched = client.post(base + "/concerne", data=OUTSIDER,
                              headers={"sec-fetch-site": "cross-site"})  # fmt: skip
        partial = _post(client, base, {**OUTSIDER, "nom": ""})
        huge = client.post(base + "/concerne", content=b"nom=" + b"A" * 20_000, headers=URLENCODED)
        odd = client.post(base + "/concerne", content=b"\xff\xfe%%%&&==", headers=URLENCODED)
        # "²" passes isdigit() but not int(); a non-ASCII MAC made compare_digest raise:
        # both were 500s (found by the console's fuzz, whose login form has this token)
        forged = [client.post(base + "/concerne", data={**OUTSIDER, "jeton": token})
                  for token in ("².a.b", "1.a.é", "١٢٣.a.b")]  # fmt: skip
    assert no_token.status_code == 400 and "expiré" in no_token.text
    assert cross.status_code == 400 and fetched.status_code == 400
    assert partial.status_code == 400 and 'href="#nom"' in partial.text
    assert huge.status_code == 400 and odd.status_code == 400
    assert [answer.status_code for answer in forged] == [400, 400, 400]
    assert not sealed.exists()
