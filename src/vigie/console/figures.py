"""The dashboard's figures as rows the page shows: French labels, display order.

Counts come from the data layer (`Reader.dashboard`, scoped to who asks); this module
only orders and names them, so the template stays a plain loop. Charts are HTML tables
whose bars (SVG, no inline style under the CSP) repeat the figures written beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigie.assess.tiers import TIERS
from vigie.console import labels
from vigie.console.data import Dashboard

Rows = list[tuple[str, int]]


@dataclass(frozen=True)
class Bars:
    caption: str
    head: str
    rows: Rows
    unit: str = "Personnes"
    whole: int | None = None  # what a share is of (the persons, when rows overlap)

    @property
    def total(self) -> int:
        return self.whole if self.whole is not None else sum(n for _, n in self.rows)

    @property
    def largest(self) -> int:
        return max((n for _, n in self.rows), default=0)


def charts(board: Dashboard) -> list[Bars]:
    """The person charts of the report, in its order: tiers, départements, categories."""
    tiers = [(labels.TIERS_FR[t], board.per_tier.get(t, 0)) for t in TIERS]
    tiers += [(k, n) for k, n in board.per_tier.items() if k not in TIERS]
    departements = [(labels.departement_fr(d or None), n) for d, n in board.per_departement.items()]
    categories = [(labels.label(labels.CATEGORIES_FR, c), n) for c, n in board.per_category.items()]
    return [
        Bars("Personnes par niveau de risque, du plus élevé au plus faible", "Niveau", tiers),
        Bars("Personnes par département de résidence", "Département", departements),
        Bars(
            "Personnes par catégorie de données exposées (une personne compte dans chaque "
            "catégorie qui la touche)",
            "Catégorie",
            categories,
            whole=board.persons,
        ),
    ]


def letters(board: Dashboard) -> Bars:
    """Where the letters stand: La Poste's latest news of each, and the resent ones."""
    order = ("unknown", "sent", "delivered", "returned")
    rows = [(labels.LETTER_STATUS[s], board.letter_status.get(s, 0)) for s in order]
    rows += [(s, n) for s, n in board.letter_status.items() if s not in order]
    return Bars("Courriers émis, par dernière nouvelle de La Poste", "État", rows, "Courriers")


def not_sent(board: Dashboard) -> Bars:
    rows = [(labels.label(labels.NOT_SENT, r), n) for r, n in board.not_sent.items()]
    return Bars("Personnes sans courrier, par motif", "Motif", rows)


def portal(board: Dashboard) -> Bars | None:
    if board.portal is None:
        return None
    rows = [(labels.label(labels.PORTAL_OUTCOMES, k), n) for k, n in board.portal.items()]
    return Bars("Demandes reçues par le portail, par suite donnée", "Suite", rows, "Demandes")


def controllers(board: Dashboard) -> Bars:
    return Bars(
        "Personnes par responsable de traitement (une personne peut en avoir plusieurs)",
        "Responsable de traitement",
        list(board.per_controller.items()),
        whole=board.persons,
    )


def counts_text(counts: dict[str, object]) -> str:
    """A run's numeric counts, `persons 2 000, records 3 306` (nested ones left out)."""
    shown = [
        f"{key} {labels.number_fr(value)}"
        for key, value in counts.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    return ", ".join(shown[:6])
