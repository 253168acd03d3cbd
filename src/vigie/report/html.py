"""The report page: figures and decisions into the French template, charts inline."""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from typing import Any

from vigie.french import count
from vigie.report import charts
from vigie.report import labels as fr
from vigie.report.data import UNKNOWN, Figures, Pairs
from vigie.report.decision import Clock


def when_fr(stamp: datetime | None) -> str:
    """`23/02/2021 à 09:00 (UTC+01:00)`."""
    if stamp is None:
        return "inconnue"
    offset = stamp.strftime("%z")
    zone = f" (UTC{offset[:3]}:{offset[3:]})" if offset else ""
    return f"{stamp:%d/%m/%Y à %H:%M}{zone}"


def _hours_fr(hours: float) -> str:
    if hours >= 48:
        return f"{fr.number_fr(round(hours / 24))} jours ({fr.number_fr(round(hours))} h)"
    return f"{fr.number_fr(round(hours, 1))} h"


def clock_view(clock: Clock | None) -> dict[str, Any]:
    """The 72-hour clock as the page shows it: a headline, a colour and a gauge."""
    if clock is None:
        return {"status": "unknown", "headline": "Pas encore d'évaluation : lancez `vigie assess`"}
    status = clock.status
    headline = {
        "not_required": "Notification à la CNIL non requise",
        "no_deadline": "Notifier sans délai (date de connaissance inconnue)",
        "notified": f"Notifiée à temps, le {when_fr(clock.notified_at)}",
        "notified_late": f"Notifiée en retard de {_hours_fr(clock.late_by_hours)}",
        "running": f"Il reste {_hours_fr(clock.hours_left)}",
        "late": f"En retard de {_hours_fr(clock.late_by_hours)}",
    }[status]
    return {
        "status": status,
        "headline": headline,
        "aware_at": when_fr(clock.aware_at),
        "deadline": when_fr(clock.deadline),
        "now": when_fr(clock.now),
        "percent": round(100 * clock.elapsed_fraction),
        "late_note": status in ("late", "notified_late"),
    }


def _yes_no(flag: object) -> str:
    return {True: "oui", False: "non"}.get(flag, "inconnu")  # type: ignore[call-overload]


def facts_rows(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The incident facts in French, in the order a reader asks about them."""

    def stamp(key: str) -> str:
        value = facts.get(key)
        return when_fr(datetime.fromisoformat(value)) if isinstance(value, str) else "inconnue"

    controllers = facts.get("controllers") or []
    types = facts.get("breach_types") or []
    return [
        ("Secteur", fr.SECTORS_FR.get(facts.get("controller_sector") or "", "inconnu")),
        ("Responsables de traitement", fr.number_fr(len(controllers))),
        ("Sous-traitant", facts.get("processor") or "—"),
        ("Survenue de la violation", stamp("occurred_at")),
        ("Prise de connaissance", stamp("aware_at")),
        ("Nature", ", ".join(fr.BREACH_TYPES_FR.get(t, t) for t in types) or "inconnue"),
        ("Cause", fr.CAUSES_FR.get(facts.get("cause") or "", "inconnue")),
        ("Acte malveillant", _yes_no(facts.get("malicious"))),
        ("Chiffrement", fr.ENCRYPTION_FR.get(facts.get("encryption_state") or "", "inconnu")),
        ("Exfiltration confirmée", _yes_no(facts.get("exfiltration_confirmed"))),
        ("Données publiées", _yes_no(facts.get("published"))),
        ("Sauvegarde disponible", _yes_no(facts.get("backup_available"))),
        ("Données récupérées", _yes_no(facts.get("data_recovered"))),
    ]


def obligations(decision: dict[str, Any]) -> list[dict[str, Any]]:
    """Each decision: what, whether required, the detail that matters, the reasons."""
    sa, ds = decision["notify_sa"], decision["notify_ds"]
    health, register = decision["health_report"], decision["register"]
    ds_detail = ""
    if ds.get("exception"):
        ds_detail = "Exception retenue : " + fr.EXCEPTIONS_FR.get(ds["exception"], ds["exception"])
    health_detail = ""
    if health.get("required"):
        health_detail = (
            f"Sans délai, à l'{health.get('authority', 'ARS')} ({health.get('portal', '')})"
        )
    exceptions = [
        {
            "name": fr.EXCEPTIONS_FR.get(e["name"], e["name"]),
            "applies": e["applies"],
            "reason": e["reason"],
        }
        for e in ds.get("exceptions_examined", [])
    ]
    items = [
        {"key": "notify_sa", "title": "Notification à la CNIL (RGPD art. 33)",
         "required": sa["required"], "detail": "", "reasons": sa.get("reasons", []),
         "more": sa.get("late_notification_must_add", [])},
        {"key": "notify_ds", "title": "Communication aux personnes concernées (art. 34)",
         "required": ds["required"], "detail": ds_detail, "reasons": ds.get("reasons", []),
         "exceptions": exceptions},
        {"key": "health_report",
         "title": "Signalement d'incident de sécurité des systèmes d'information de santé",
         "required": health["required"], "detail": health_detail,
         "reasons": health.get("reasons", [])},
        {"key": "register", "title": "Inscription au registre des violations (art. 33(5))",
         "required": True, "detail": "", "reasons": register.get("reasons", [])},
    ]  # fmt: skip
    for item in items:
        item.setdefault("more", [])
        item.setdefault("exceptions", [])
    return items


def _chart(key: str, title: str, intro: str, pairs: Pairs | None, **extra: Any) -> dict[str, Any]:
    return {"key": key, "title": title, "intro": intro, "pairs": pairs, **extra}


def chart_views(
    figures: Figures, decision: dict[str, Any] | None, period: tuple[str, str] | None
) -> list[dict[str, Any]]:
    """Every chart: its data (for the table and the data attribute) and its SVG."""
    c = figures.charts
    views = [
        _chart("controllers", "Personnes concernées par responsable de traitement",
               "Une personne suivie par plusieurs laboratoires compte pour chacun.",
               c["controllers"], labels=None),
        _chart("departements", "Personnes concernées par département de résidence",
               "D'après le code postal de l'adresse retenue pour chaque personne.",
               c["departements"], labels=_departement_label),
        _chart("elements", "Personnes concernées par donnée exposée",
               "Une personne compte pour chaque donnée la concernant dans la fuite.",
               c["elements"], labels=fr.element_fr),
        _chart("categories", "Personnes concernées par catégorie de données",
               "Catégories utilisées pour l'évaluation de la gravité.",
               c["categories"], labels=lambda k: fr.CATEGORIES_FR.get(k, k)),
        _chart("tiers", "Personnes par niveau de risque individuel",
               "Niveau tiré des données exposées de chaque personne (vigie assess).",
               c["tiers"], labels=lambda k: fr.TIERS_FR.get(k, k)),
        _chart("exams", "Examens de la fuite par mois", _exams_intro(figures, period),
               c["exams"], labels=None),
    ]  # fmt: skip
    for view in views:
        view["display"] = _display(view)
        view["data_json"] = json.dumps(view["pairs"], ensure_ascii=False)
        view["svg"] = _draw(view, figures, decision, period) if view["pairs"] else None
    return views


def _exams_intro(figures: Figures, period: tuple[str, str] | None) -> str:
    text = "Lignes de la fuite par mois de la date d'examen (prélèvement)"
    if figures.exam_span:
        first, last = figures.exam_span
        text += f" ; la fuite couvre les examens du {first:%d/%m/%Y} au {last:%d/%m/%Y}"
    if period:
        text += " ; en jaune, la période étudiée"
    return text + ". Traits : survenue de la violation et prise de connaissance."


def _departement_label(code: str) -> str:
    return "Inconnu" if code == UNKNOWN else fr.departement_fr(code)


def _display(view: dict[str, Any]) -> list[tuple[str, str]]:
    label = view["labels"] or (lambda k: k)
    return [(label(k), fr.number_fr(n)) for k, n in view["pairs"] or []]


def _draw(
    view: dict[str, Any],
    figures: Figures,
    decision: dict[str, Any] | None,
    period: tuple[str, str] | None,
) -> str:
    key, pairs = view["key"], view["pairs"]
    shown = [(label, int(n.replace("\u202f", ""))) for label, n in view["display"]]
    if key == "tiers":
        return charts.vbar(key, shown, "personnes", [fr.TIER_COLOURS[k] for k, _ in pairs])
    if key == "exams":
        return _exams_chart(pairs, figures, decision, period)
    colours: list[str] | None = None
    if key == "elements":
        from vigie.vocabulary import category

        colours = [charts.CATEGORY_COLOURS.get(category(k), charts.MUTED) for k, _ in pairs]
    return charts.hbar(key, shown, "personnes", colours)


def _exams_chart(
    pairs: Pairs, figures: Figures, decision: dict[str, Any] | None, period: tuple[str, str] | None
) -> str:
    facts = (decision or {}).get("facts") or {}
    markers = [
        charts.Marker(datetime.fromisoformat(facts[k]).date(), label, colour)
        for k, label, colour in (
            ("occurred_at", "Survenue de la violation", "#c92a2a"),
            ("aware_at", "Prise de connaissance", "#e8590c"),
        )
        if isinstance(facts.get(k), str)
    ]
    shaded = None
    if period:
        first, last = date.fromisoformat(period[0]), date.fromisoformat(period[1])
        shaded = (first, last, f"Période étudiée ({first:%d/%m/%Y} – {last:%d/%m/%Y})")
    return charts.timeline("exams", pairs, "lignes de la fuite", shaded, markers)


def vigie_version() -> str:
    try:
        return version("vigie")
    except PackageNotFoundError:
        return "dev"


def count_fr(value: int | None, singular: str, plural: str | None = None) -> str:
    """`1 fichier`, `3 fichiers`: the noun agrees with the number; `—` when unknown."""
    return "—" if value is None else count(value, singular, plural)


def render(context: dict[str, Any]) -> str:
    """The page from `template.html`; every value is escaped unless marked safe (the SVGs)."""
    import jinja2

    source = files("vigie.report").joinpath("template.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["num"] = fr.number_fr
    env.filters["count"] = count_fr
    env.filters["element_fr"] = fr.element_fr
    env.filters["category_fr"] = lambda k: fr.CATEGORIES_FR.get(k, k)
    return env.from_string(source).render(**context)
