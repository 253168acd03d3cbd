"""Issue 6 and 14 figures: `vigie notify` letters per second at 20,000 persons and at the
large size, batches written on two processes; at 20,000 also with `--accessible` and with
1,000 persons in large print; and ReportLab's canvas API (the usual Python PDF route)
drawing the same two-page letter with the same QR code, in the same session. The load
average is noted as the section runs: the machine may be shared.

Preparation (not timed): the 20,000-person incident through ingest, registries, scan,
link and assess, in this process. The large workspace is that one with its persons
replicated under new ids (notify reads only persons, person_exposure and person_risk:
linking 500,000 persons first would add nothing to this measurement).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from benches.common import BENCH_ENV, VIGIE, Context, Sample, run_isolated

TITLE = "notify"
SMALL = 20_000
PEER_LETTERS = 4_000
LARGE_PRINT = 1_000


def run_section(ctx: Context) -> list[str]:
    os.environ.update(BENCH_ENV)
    small = _prepare(ctx, SMALL)
    large = _replicate(ctx, small, ctx.large)
    rows = [
        "| persons | options | letters | median time (s) | letters/s | runs | peak RSS (MB) "
        "| batches |",
        "|---|---|---|---|---|---|---|---|",
    ]
    load = [f"{_load()} at the start"]
    for ws, repeats in ((small, ctx.repeats), (large, 1)):
        samples = [_notify(ws, i) for i in range(repeats)]
        rows.append(_row(samples))
        load.append(f"{_load()} after {json.loads(samples[0].output)['persons']:,} persons")
    # On request (docs/letters.md): every letter tagged, then LARGE_PRINT persons in large
    # print (that request stands: it runs last on this workspace).
    rows.append(_row([_notify(small, 1, "--accessible")], "--accessible"))
    request = _large_print_request(small, LARGE_PRINT)
    rows.append(_row([_notify(small, 1, "--large-print", str(request))],
                     f"--large-print ({LARGE_PRINT:,} of them)"))  # fmt: skip
    load.append(f"{_load()} after the options")
    peer = _peer(small, ctx.work, PEER_LETTERS)
    return [
        "## notify: letters (two-page A4 letter with a QR code, batches of 1,000)",
        "",
        *rows,
        "",
        f"Load average (1, 5, 15 min) during the section: {'; '.join(load)}.",
        f"Peer, same session: ReportLab {_reportlab_version()} canvas API drawing the same "
        f"two-page letter (same texts, address block, segno QR with a fixed mask) for the "
        f"first {PEER_LETTERS:,} letters, two processes each writing one batch PDF: "
        f"{peer:.0f} letters/s.",
        "Times are end to end (`vigie notify --json` in a child process: reading the store, "
        "codes, parts, batches, manifest, e-mail/SMS variants, filings).",
    ]


def _prepare(ctx: Context, persons: int) -> Path:
    from vigie.demo import run_demo

    out = ctx.work / f"notify-demo-{persons}"
    if not (out / "workspace").exists():
        run_demo(out, persons=persons, seed=1, until="report")  # notify is what we time
    return out / "workspace"


def _replicate(ctx: Context, small: Path, size: int) -> Path:
    """A copy of `small` whose persons are repeated (new ids) up to `size`."""
    from vigie.workspace import Workspace

    target = ctx.work / f"notify-large-{size}"
    if target.exists():
        return target
    shutil.copytree(small, target, ignore=shutil.ignore_patterns("out"))
    (target / "out").mkdir()
    with Workspace.open(target).connect() as con:
        base = con.execute("SELECT count(*) FROM persons").fetchall()[0][0]
        copies = -(-size // base)
        for table in ("persons", "person_exposure", "person_risk"):
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT {table}.* REPLACE "
                f"(person_id || '-' || k AS person_id) FROM {table}, range({copies}) t(k)"
            )
        con.execute(f"DELETE FROM persons WHERE person_id NOT IN (SELECT person_id FROM "
                    f"persons ORDER BY person_id LIMIT {size})")  # fmt: skip
    return target


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _large_print_request(ws: Path, count: int) -> Path:
    """A --large-print file naming the first `count` letters of the latest issue."""
    manifest = sorted((ws / "out" / "notify").glob("issue-*/manifest.csv"))[-1]
    ids = [line.split(",", 1)[0] for line in manifest.read_text().splitlines()[1:]]
    request = ws.parent / "gros-caracteres.txt"
    request.write_text("\n".join(ids[:count]) + "\n", encoding="utf-8")
    return request


def _notify(ws: Path, run_no: int, *options: str) -> Sample:
    args = [*VIGIE, "notify", str(ws), "--date", "2021-03-01", "--json", *options]
    if run_no or (ws / "out" / "notify").exists():
        args.append("--reissue")
    sample = run_isolated(args, env=BENCH_ENV)
    out = json.loads(sample.output)["out"]
    shutil.rmtree(Path(out) / "letters", ignore_errors=True)  # disk: 2 GB at 500,000
    return sample


def _row(samples: list[Sample], options: str = "") -> str:
    seconds = statistics.median(s.seconds for s in samples)
    doc = json.loads(samples[0].output)
    letters = doc["letters"]
    peak = max(s.peak_mb for s in samples)
    return (
        f"| {doc['persons']:,} | {options} | {letters:,} | {seconds:.1f} | "
        f"{letters / seconds:,.0f} | {len(samples)} | {peak:,.0f} | {doc['batches']} |"
    )


def _reportlab_version() -> str:
    import reportlab

    return str(reportlab.Version)


def _letters_for_peer(ws_path: Path, count: int) -> list[dict[str, Any]]:
    """The same letters as vigie's (live fields and every part's text), as plain dicts."""
    from datetime import date

    from vigie.notify import codes
    from vigie.notify.people import load_people, plan
    from vigie.notify.run import NotifyOptions, issue_spec
    from vigie.notify.variants import letter_text
    from vigie.workspace import Workspace

    ws = Workspace.open(ws_path)
    options = NotifyOptions(letter_date=date(2021, 3, 1))
    spec = issue_spec(ws, ws.facts(), options, 1, "initial")
    with ws.connect() as con:
        planned, _ = plan(load_people(con, spec.inc.letter_date))
    found = []
    for one in planned[:count]:
        sender = one.person.controllers[0] if one.person.controllers else spec.fallback_sender
        text = letter_text({"sex": one.person.recipient.sex}, address=one.address,
                           minor=one.person.recipient.minor, tier=one.tier,
                           elements=list(one.person.elements), sender=sender,
                           dpo=spec.dpo.get(sender, ""), inc=spec.inc)  # fmt: skip
        found.append({**text.live, "parts": text.parts, "code": codes.new_code()})
    return found


def _peer(ws: Path, work: Path, count: int) -> float:
    letters = _letters_for_peer(ws, count)
    half = len(letters) // 2
    jobs = [(letters[:half], work / "peer-0.pdf"), (letters[half:], work / "peer-1.pdf")]
    start = time.monotonic()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_reportlab_batch, jobs))
    return len(letters) / (time.monotonic() - start)


def _reportlab_batch(job: tuple[list[dict[str, Any]], Path]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    letters, path = job
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for letter in letters:
        _reportlab_letter(pdf, letter, A4[1], mm)
    pdf.save()


def _reportlab_letter(pdf: Any, letter: dict[str, Any], height: float, mm: float) -> None:
    import segno
    from reportlab.lib.utils import simpleSplit

    def block(lines: list[str], y: float, font: str = "Times-Roman", size: float = 10.5) -> float:
        for text in lines:
            for line in simpleSplit(text, font, size, 172 * mm):
                pdf.setFont(font, size)
                pdf.drawString(20 * mm, y, line)
                y -= size * 1.25
        return y - 4

    p = letter["parts"]
    pdf.setFont("Times-Bold", 10.5)
    pdf.drawString(20 * mm, height - 18 * mm, p["sender"]["name"])
    text = pdf.beginText(105 * mm, height - 45 * mm)
    text.setFont("Courier", 9)
    for line in letter["address"]:
        text.textLine(line)
    pdf.drawText(text)
    y = block([letter["date"], "Objet : " + letter["subject"], letter["salutation"] + ","],
              height - 95 * mm)  # fmt: skip
    y = block([p["happened"]["text"], p["exposure"]["which"]], y)
    y = block(["• " + e for e in p["exposure"]["elements"]], y)
    block([p["exposure"]["tier_sentence"], p["exposure"]["consequences"]], y)
    pdf.showPage()
    y = block(
        [p["advice"]["measures"], *("• " + a for a in p["advice"]["advice"])], height - 20 * mm
    )
    y = block(["Code de vérification : " + letter["code"]], y)
    qr = segno.make("VIGIE " + letter["code"], error="m", mask=0, micro=False)
    for r, row in enumerate(qr.matrix):
        for c, bit in enumerate(row):
            if bit:
                pdf.rect(170 * mm + c * mm, y - r * mm, mm, mm, stroke=0, fill=1)
    block([p["rights"]["text"], p["rights"]["signature"]], y - 30 * mm)
    pdf.showPage()


if __name__ == "__main__":  # pragma: no cover - for a quick manual run
    sys.exit("run through scripts/bench.py --only notify")
