"""The public wording of the incident for the portal's pages.

Only what the press release and every letter already say: the controllers, the dates,
the cause in plain words, the measures. Counts, exposures, tiers and anything about a
person stay out: the bundle is public.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from vigie.notify.variants import DEFAULT_MEASURES, french_date
from vigie.notify.wording import CAUSES

ABOUT = (
    "Ce courrier vous informe d'une violation de données personnelles qui vous concerne "
    "(article 34 du RGPD) : ce qui s'est passé, les données en cause et ce que vous pouvez faire."
)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date() if value else None
    except ValueError:
        return None


def public_incident(facts: dict[str, Any]) -> dict[str, Any]:
    """Title, dates, cause phrase, processor and measures, as the pages show them."""
    occurred = _day(facts.get("occurred_at"))
    cause = CAUSES.get(str(facts.get("cause") or "other"), CAUSES["other"])
    controllers = [str(c["name"]) for c in facts.get("controllers") or [] if isinstance(c, dict)
                   and c.get("name")]  # fmt: skip
    # A long list of labs reads badly in a sentence: the contacts section lists them all.
    holders = (
        ", ".join(controllers) if len(controllers) <= 3 else f"{len(controllers)} responsables"
    )
    happened = f"Des données personnelles détenues par {holders or 'le responsable'}"
    happened += f" {cause}"
    if occurred:
        happened += f" le {french_date(occurred)}"
    processor = facts.get("processor")
    if processor:
        happened += f", par l'intermédiaire de leur prestataire ({processor})"
    happened += "."
    if facts.get("published"):
        happened += " Une partie de ces données a été publiée sur Internet."
    return {
        "title": str(facts.get("title") or "Violation de données personnelles"),
        "happened": happened,
        "measures": DEFAULT_MEASURES,
        "about": ABOUT,
    }
