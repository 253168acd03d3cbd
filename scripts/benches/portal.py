"""Issue 10 figures: `vigie portal build` for the large size, and `vigie portal serve`
answering verifications on loopback with 1,000,000 codes in its bundle.

Build: a workspace whose store holds `large` issued codes (rows written directly: the
notify bench already times issuing letters), then `vigie portal build` in a child process.
Serve: a bundle of 1,000,000 codes, of which 20,000 are real codes hashed as notify does
and the rest random hashes of the same size (the lookup table is what matters; hashing
a million codes here would time PBKDF2, not the portal). A bounded asyncio client on
keep-alive connections sends GET /api/verify/{code}, half genuine, half fake, and times
each answer. Client and server share this 2-core machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import time
from datetime import date
from pathlib import Path

from benches.common import BENCH_ENV, VIGIE, Context, run_isolated, wait_for_server

TITLE = "portal"
BUNDLE_CODES = 1_000_000
REAL_CODES = 20_000
REQUESTS = 40_000
CONNECTIONS = 32
TIME_LIMIT = 30.0


def run_section(ctx: Context) -> list[str]:
    os.environ.update(BENCH_ENV)
    build_s = _build(ctx, ctx.large)
    bundle, codes = _bundle(ctx.work / "portal-bundle")
    rate, p50, p99, errors = _serve_and_load(bundle, codes)
    return [
        "## portal: bundle build and verifications",
        "",
        "| measure | value |",
        "|---|---|",
        f"| `vigie portal build`, {ctx.large:,} letters | {build_s:.1f} s |",
        f"| verifications/s, {BUNDLE_CODES:,} codes in the bundle | {rate:,.0f} |",
        f"| latency p50 / p99 | {p50:.1f} ms / {p99:.1f} ms |",
        f"| non-200 answers | {errors} |",
        "",
        f"Load: {CONNECTIONS} keep-alive connections from one asyncio client on loopback, "
        f"half genuine and half fake codes, at most {REQUESTS:,} requests or "
        f"{TIME_LIMIT:.0f} s; one `vigie portal serve` process (uvicorn), rate limit off.",
    ]


def _build(ctx: Context, letters: int) -> float:
    from vigie.notify.records import insert_rows
    from vigie.portal import hashes
    from vigie.workspace import Workspace

    ws = Workspace.create(ctx.work / "portal-ws")
    day = date(2021, 3, 1)
    with ws.connect() as con:
        hashes.load_params(con, create=True)
        con.execute(hashes.CODES_DDL)
        from vigie.notify.codes import CODES_DDL

        con.execute(CODES_DDL)
        ids = [f"L01-{n:06d}" for n in range(letters)]
        insert_rows(con, "notify_codes", ("code_hash", "letter_id", "issuer", "issued_on"),
                    [(secrets.token_hex(32), i, "Laboratoire", day) for i in ids])  # fmt: skip
        insert_rows(con, "portal_codes", ("portal_hash", "letter_id"),
                    [(secrets.token_hex(16), i) for i in ids])  # fmt: skip
    out = ctx.work / "portal-built"
    sample = run_isolated([*VIGIE, "portal", "build", str(ws.path), "--output", str(out)])
    return sample.seconds


def _bundle(folder: Path) -> tuple[Path, list[str]]:
    from vigie.notify.codes import new_code
    from vigie.portal import hashes

    salt, rounds = secrets.token_bytes(16), hashes.ITERATIONS
    codes = [new_code() for _ in range(REAL_CODES)]
    lines = [f"{hashes.portal_hash(salt, rounds, c)}\tL01-{n:07d}\t0\t2021-03-01\n"
             for n, c in enumerate(codes)]  # fmt: skip
    lines += [f"{secrets.token_hex(16)}\tL01-{n:07d}\t0\t2021-03-01\n"
              for n in range(REAL_CODES, BUNDLE_CODES)]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "codes.tsv").write_text("".join(lines), encoding="ascii")
    meta = {"format": 1, "built_at": "2021-03-01T00:00:00+00:00", "base_url": None,
            "hash": {"algorithm": "pbkdf2-sha256", "salt": salt.hex(), "iterations": rounds,
                     "bytes": hashes.HASH_BYTES},
            "issuers": [{"name": "Laboratoire", "contact": "dpo@example.org"}],
            "incident": {"title": "Bench", "happened": "", "measures": "", "about": ""},
            "public_keys": {}}  # fmt: skip
    (folder / "bundle.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder, codes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_and_load(bundle: Path, codes: list[str]) -> tuple[float, float, float, int]:
    port = _free_port()
    cmd = [*VIGIE, "portal", "serve", str(bundle), "--port", str(port), "--rate", "1000000000",
           "--requests", str(bundle / "requests.sealed")]  # fmt: skip
    server = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        wait_for_server(port, server, "vigie portal serve")
        return asyncio.run(_load(port, codes))
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _load(port: int, codes: list[str]) -> tuple[float, float, float, int]:
    fakes = [c[::-1] for c in codes]  # code-shaped, almost surely not issued
    todo = [random.choice(codes if i % 2 else fakes) for i in range(REQUESTS)]
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + TIME_LIMIT

    async def worker(mine: list[str]) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for code in mine:
            if time.monotonic() > stop:
                break
            start = time.perf_counter()
            writer.write(f"GET /api/verify/{code} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - start) * 1000)
            errors += not head.startswith(b"HTTP/1.1 200")
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(todo[i::CONNECTIONS]) for i in range(CONNECTIONS)))
    took = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / took, cuts[49], cuts[98], errors
