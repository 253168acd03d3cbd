"""The breach-register record (GDPR Art. 33(5)): facts, decisions, reasons, timestamps.

Each assessment writes its own entry file under out/register/ and register.json keeps the
current entry with the history of every earlier assessment.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from pathlib import Path
from typing import Any

from vigie.assess.assessment import Assessment
from vigie.assess.facts import facts_to_dict

REGISTER_DIR = "register"
CURRENT = "register.json"


def facts_digest(assessment: Assessment) -> str:
    text = json.dumps(facts_to_dict(assessment.facts), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_entry(assessment: Assessment) -> dict[str, Any]:
    """The register record of one assessment (no personal value: facts and figures only)."""
    doc = assessment.to_dict()
    return {
        "kind": "vigie breach register entry",
        "cites": "RGPD art. 33(5)",
        "assessed_at": doc["assessed_at"],
        "facts_digest": facts_digest(assessment),
        "incident": doc["facts"],
        "persons": doc["persons"],
        "data_categories": doc["data_categories"],
        "decisions": {
            key: doc[key]
            for key in ("severity", "notify_sa", "notify_ds", "health_report", "register")
        },
        "persons_by_tier": doc["persons_by_tier"],
        "assumptions": doc["assumptions"],
        "rules_fired": doc["rules_fired"],
    }


def _summary(entry: dict[str, Any], file_name: str) -> dict[str, Any]:
    decisions = entry["decisions"]
    return {
        "assessed_at": entry["assessed_at"],
        "facts_digest": entry["facts_digest"],
        "file": file_name,
        "severity": decisions["severity"]["level"],
        "notify_sa": decisions["notify_sa"]["required"],
        "notify_ds": decisions["notify_ds"]["required"],
        "health_report": decisions["health_report"]["required"],
    }


def write_entry(out_dir: Path, assessment: Assessment) -> Path:
    """Write this assessment's entry and update register.json; returns the entry's path."""
    folder = out_dir / REGISTER_DIR
    folder.mkdir(parents=True, exist_ok=True)
    entry = build_entry(assessment)
    stamp = assessment.assessed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"entry-{stamp}.json"
    n = 1
    while path.exists() and _read(path) != entry:
        n += 1
        path = folder / f"entry-{stamp}-{n}.json"
    if path.exists():  # the same entry, written by a run killed before it ended
        return path if _listed(folder / CURRENT, path.name) else _append(folder, entry, path)
    _write_json(path, entry)
    return _append(folder, entry, path)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _listed(current: Path, name: str) -> bool:
    doc = _read(current)
    history = doc.get("history", []) if isinstance(doc, dict) else []
    return any(isinstance(h, dict) and h.get("file") == name for h in history)


def _append(folder: Path, entry: dict[str, Any], path: Path) -> Path:
    current = folder / CURRENT
    history: list[dict[str, Any]] = []
    if current.is_file():
        try:
            history = list(json.loads(current.read_text(encoding="utf-8")).get("history", []))
        except (json.JSONDecodeError, AttributeError):
            history = []  # a damaged current file: the entry files still hold every version
    history.append(_summary(entry, path.name))
    _write_json(current, {**entry, "history": history})
    return path


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
