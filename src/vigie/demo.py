"""`vigie demo`: a synthetic incident through every stage that exists, with a summary."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from vigie.errors import ConfigError
from vigie.workspace import Workspace
from vigie.workspace.keys import key_path

MARKER = ".vigie-demo"
DEMO_LEAD = "m.durand"  # the demo's incident lead: an account is a person's, never "admin"


@dataclass
class StageTiming:
    stage: str
    seconds: float
    summary: dict[str, Any]


@dataclass
class DemoReport:
    out: Path
    workspace: Path
    stages: list[StageTiming] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "workspace": str(self.workspace),
            "stages": [
                {"stage": s.stage, "seconds": round(s.seconds, 2), **s.summary} for s in self.stages
            ],
            "total_seconds": round(sum(s.seconds for s in self.stages), 2),
        }


def run_demo(
    out: Path, persons: int = 20_000, seed: int = 2021, until: str | None = None
) -> DemoReport:
    """synth -> init -> ingest -> registry add -> later stages; `out` is replaced if a demo."""
    out = Path(out)
    _clear_previous_demo(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("created by vigie demo; safe to delete\n")
    incident = out / "incident"
    report = DemoReport(out=out, workspace=out / "workspace")

    def timed(stage: str, action: Callable[[], dict[str, Any]]) -> None:
        start = time.monotonic()
        summary = action()
        report.stages.append(StageTiming(stage, time.monotonic() - start, summary))

    from vigie.ingest import ingest_files
    from vigie.registry import add_registries
    from vigie.synth import generate

    timed("synth", lambda: _synth_summary(generate(incident, persons=persons, seed=seed)))
    ws_holder: list[Workspace] = []

    def init() -> dict[str, Any]:
        ws_holder.append(Workspace.create(report.workspace, incident / "incident.yaml"))
        return {}

    timed("init", init)
    ws = ws_holder[0]
    leak_files = sorted(p for p in (incident / "leak").iterdir() if p.is_file())
    timed("ingest", lambda: _ingest_summary(ingest_files(ws, leak_files)))

    def registries() -> dict[str, Any]:
        result = add_registries(ws, incident / "registries" / "controllers.csv")
        return {"files": len(result.files), "rows": sum(f.rows_stored for f in result.files)}

    timed("registry", registries)
    for stage, action in _later_stages(ws, incident):
        timed(stage, action)
        if stage == until:  # tests stop early to run a stage with their own options
            break
    return report


def _later_stages(ws: Workspace, incident: Path) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    """The analysis stages, in pipeline order; each returns its summary figures."""
    from vigie.assess.run import assess_workspace
    from vigie.link import LinkOptions, run_link
    from vigie.scan.evaluate import evaluate_scan
    from vigie.scan.stage import run_scan

    def scan() -> dict[str, Any]:
        result = run_scan(ws)
        evaluation = evaluate_scan(ws, incident / "truth")
        worst = min((min(s.precision, s.recall) for s in evaluation.elements.values()), default=1.0)
        return {
            "rows": result.rows,
            "elements": len(result.elements),
            "columns_correct": f"{evaluation.columns_correct}/{evaluation.columns_total}",
            "worst_element_p_r": round(worst, 3),
        }

    def link() -> dict[str, Any]:
        result = run_link(ws, LinkOptions(evaluate=incident / "truth"))
        evaluation = result.get("evaluation", {})
        figures = {k: result[k] for k in ("persons", "records", "unlinked", "review_queue")}
        cluster = evaluation.get("cluster", {}).get("f1")
        if cluster is not None:
            figures["cluster_f1"] = round(cluster, 4)
        return figures

    # The synthetic incident happened in 2021: the demo plays "the next morning", a day
    # after the controllers became aware, so the 72-hour clock reads as it would then.
    clock = _day_after_awareness(ws)

    def assess() -> dict[str, Any]:
        assessment, entry = assess_workspace(ws, now=clock)
        return {
            "severity": assessment.severity.level,
            "notify_cnil": bool(assessment.to_dict()["notify_sa"]["required"]),
            "register": str(entry.relative_to(ws.path)),
        }

    def report() -> dict[str, Any]:
        from vigie.report import build_report

        result = build_report(ws, now=clock)
        return {"html": str(result.html.relative_to(ws.path)), "kib": result.bytes // 1024}

    def notify() -> dict[str, Any]:
        from vigie.notify.run import NotifyOptions, notify_workspace

        letter_date = clock.date() if clock else None
        result = notify_workspace(ws, NotifyOptions(letter_date=letter_date))
        not_sent = result.get("not_sent", {})
        return {
            "letters": result["letters"],
            "not_sent": sum(v for v in not_sent.values() if isinstance(v, int)),
            "batches": result["batches"],
            "out": str(Path(result["out"]).relative_to(ws.path)),
        }

    def portal() -> dict[str, Any]:
        from vigie.portal import build_bundle

        built = build_bundle(ws, ws.path.parent / "portal")
        code = _code_on_first_letter(ws)
        return {"codes": built["codes"], "bundle": built["output"], "try_code": code}

    def console() -> dict[str, Any]:
        from vigie.console.accounts import add_user

        made = add_user(ws, DEMO_LEAD, "lead")
        return {"lead": made.login, "one_time_password": made.one_time_password}

    return [
        ("scan", scan),
        ("link", link),
        ("assess", assess),
        ("report", report),
        ("notify", notify),
        ("portal", portal),
        ("console", console),
    ]


def _code_on_first_letter(ws: Workspace) -> str:
    """A genuine code to try on the portal, read from a printed letter as a person would."""
    import re

    import pypdfium2 as pdfium

    first = sorted((ws.out_dir / "notify").glob("issue-*/letters/batch-0001.pdf"))[0]
    doc = pdfium.PdfDocument(str(first))
    try:
        text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(min(2, len(doc))))
    finally:
        doc.close()
    found = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", text)
    return found.group(0) if found else ""


def _day_after_awareness(ws: Workspace) -> datetime | None:
    aware = ws.facts().get("aware_at")
    if isinstance(aware, str):
        aware = datetime.fromisoformat(aware)
    return aware + timedelta(days=1) if isinstance(aware, datetime) else None


def _synth_summary(summary: Any) -> dict[str, Any]:
    data = summary.as_dict() if hasattr(summary, "as_dict") else dict(vars(summary))
    skip = {"out", "seconds", "seed"}
    return {k: v for k, v in data.items() if isinstance(v, int | float | str) and k not in skip}


def _ingest_summary(report: Any) -> dict[str, Any]:
    files = report.files
    return {
        "files": len(files),
        "rows_read": sum(f.rows_read for f in files),
        "rows_stored": sum(f.rows_stored for f in files),
        "rows_quarantined": sum(f.rows_quarantined for f in files),
    }


def _clear_previous_demo(out: Path) -> None:
    if not out.exists():
        return
    if not (out / MARKER).is_file():
        raise ConfigError(f"{out}: exists and was not made by `vigie demo`; choose another --out")
    manifest = out / "workspace" / "workspace.json"
    if manifest.is_file():
        with contextlib.suppress(json.JSONDecodeError, KeyError):
            key_path(json.loads(manifest.read_text())["id"]).unlink(missing_ok=True)
    shutil.rmtree(out)
