"""The stages that write, in pipeline order, as the CLI commands the harness kills."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.crash.harness import LETTER_DATE, NOW, Pipeline, Stage


def _controllers(p: Pipeline) -> list[tuple[str, Path]]:
    folder = p.incident / "registries"
    with (folder / "controllers.csv").open(encoding="utf-8", newline="") as handle:
        return [(row["controller"], folder / row["file"]) for row in csv.DictReader(handle)]


def _first_registry(p: Pipeline) -> list[str]:
    controller, path = _controllers(p)[0]
    return ["registry", "add", str(p.ws), "--controller", controller, str(path)]


def _leak(p: Pipeline) -> list[str]:
    return [str(f) for f in sorted((p.incident / "leak").iterdir()) if f.is_file()]


def _export(p: Pipeline) -> list[str]:
    output = p.ws / "out" / "persons.csv"
    # --force: a killed export may have put its file in place (audited) before it died;
    # without it the re-run stops, rightly, at "already exists".
    return ["export", str(p.ws), "persons", "--format", "csv", "--output", str(output), "--force"]


STAGES = [
    Stage("ingest", "init", lambda p: ["ingest", str(p.ws), *_leak(p)]),
    Stage("registry", "ingest", _first_registry, verb="registry add"),
    Stage("scan", "registries", lambda p: ["scan", str(p.ws)]),
    # A narrow link band puts pairs in the queue for `review` at this small size.
    Stage("link", "scan", lambda p: ["link", str(p.ws), "--upper", "0.99999"]),
    Stage("review", "link", lambda p: ["review", str(p.ws), "--accept", str(p.extra["pair"])]),
    Stage("assess", "review", lambda p: ["assess", str(p.ws), "--now", NOW]),
    Stage("report", "assess", lambda p: ["report", str(p.ws), "--now", NOW]),
    Stage("notify", "report", lambda p: ["notify", "run", str(p.ws), "--date", LETTER_DATE]),
    Stage("export", "notify", _export),
    Stage("purge", "export", lambda p: ["purge", str(p.ws), "--yes"]),
]


def remaining_registries(p: Pipeline) -> list[list[str]]:
    return [
        ["registry", "add", str(p.ws), "--controller", controller, str(path)]
        for controller, path in _controllers(p)[1:]
    ]
