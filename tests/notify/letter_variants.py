"""Every letter variant, generated from the library (test support for test_grammar and
test_letter_pages): readers of each age band and sex go through `people.plan` (so the
minors' policy picks adult, minor, minor_generic or minor_own as it does in a run), for
each risk tier and each exposed element alone and in combinations, over every cause of
incident and three kinds of sender name."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vigie.notify import letters, wording
from vigie.notify.address import Recipient
from vigie.notify.people import Person, Planned, plan
from vigie.notify.variants import IncidentText, LetterText, letter_text
from vigie.vocabulary import ELEMENTS

DPO = "dpo@example.org"
CODE = "7KQ2-M9XD-4TRB"
SENDERS = ("Laboratoire Bio Armor Lannion", "Océalab", "Biolam")
TIERS = ("very_high", "high", "medium", "low")
SEXES = ("F", "M", "")
AGES = (40, 16, 10)  # an adult; minors above and under the policy's own-letter age
COMBINATIONS = (
    ("identity.last_name", "identity.first_name", "identity.birth_date"),
    ("identity.last_name", "contact.address", "contact.city", "contact.postcode"),
    ("national_id.nir", "health.hiv", "health.pregnancy", "contact.phone", "contact.email"),
    ("identity.last_name", "health.sexual", "health.result"),
    tuple(ELEMENTS),
)


def incidents() -> list[IncidentText]:
    """One incident per cause, with and without dates, processor, publication, URL."""
    return [
        IncidentText(
            date(2021, 2, 12) if i % 2 else None,
            date(2021, 2, 23),
            cause,
            "Éditeur SIL" if i % 3 else None,
            bool(i % 2),
            date(2021, 3, 1),
            "https://verifier.example.org/verifier" if i % 2 else None,
        )
        for i, cause in enumerate(wording.CAUSES)
    ]


@dataclass(frozen=True)
class Variant:
    """One letter as notify writes it: whom to, which wording, what it names."""

    name: str
    planned: Planned
    sender: str
    inc: IncidentText

    @property
    def to_parents(self) -> bool:
        return self.planned.to_parents

    def text(self) -> LetterText:
        """The fields, composed as issue.py composes them."""
        p = self.planned
        return letter_text({"sex": p.person.recipient.sex}, address=p.address,
                           minor=p.to_parents, tier=p.tier, elements=list(p.named),
                           sender=self.sender, dpo=DPO, inc=self.inc)  # fmt: skip


def letter_variants() -> list[Variant]:
    """Every reader (age band x sex) x tier x exposure, each planned by `people.plan`."""
    exposures = [(e,) for e in ELEMENTS] + list(COMBINATIONS)
    causes = incidents()
    people: list[tuple[Person, str, IncidentText]] = []
    for n, (age, sex, tier, elements) in enumerate(
        itertools.product(AGES, SEXES, TIERS, exposures)
    ):
        recipient = Recipient(sex, "Aaron", "Bruno", "1 rue de la Paix", "35000", "Rennes",
                              minor=age < 18)  # fmt: skip
        person = Person(f"P{n:05d}", recipient, False, (), None, None, tier, elements, age)
        people.append((person, SENDERS[n % len(SENDERS)], causes[n % len(causes)]))
    planned, not_sent = plan([p for p, _, _ in people])
    assert not not_sent
    by_id = {p.person.person_id: p for p in planned}
    return [
        Variant(
            f"{by_id[p.person_id].variant} {p.recipient.sex or '?'} {p.tier} "
            f"{'+'.join(p.elements)}",
            by_id[p.person_id],
            sender,
            inc,
        )
        for p, sender, inc in people
    ]


def letter_id(index: int) -> str:
    return f"L01-{index + 1:06d}"


def render(
    variants: list[Variant], out: Path, *, large_print: bool = False, accessible: bool = False
) -> Path:
    """Every variant rendered once, in one batch, through the real Typst path (parts
    typeset once into fragments.pdf, letters placed from them); letter i is on pages
    2i+1 and 2i+2 of the returned PDF (large print: on new sheets, see render_batches)."""
    parts = letters.PartTable()
    live = []
    for i, variant in enumerate(variants):
        text = variant.text()
        pages = {kind: parts.add(kind, fields) for kind, fields in text.parts.items()}
        live.append({**text.live, "variant": variant.planned.variant, "id": letter_id(i),
                     "code": CODE, "parts": pages})  # fmt: skip
    build = out / "build"
    letters.prepare_build(letters.DEFAULT_TEMPLATE_DIR, build, parts)
    name = "large-print-0001" if large_print else "batch-0001"
    job = letters.BatchJob(name, out / f"{name}.pdf", live, accessible=accessible,
                           large_print=large_print)  # fmt: skip
    list(letters.render_batches([job], build, processes=1))
    return job.path


def expected_first_page(variant: Variant, index: int) -> str:
    """Page 1 as the template lays it out, in reading order, from the variant's fields."""
    text = variant.text()
    live, parts = text.live, text.parts
    exposure = parts["exposure"]
    lines = [
        parts["sender"]["name"],
        "Délégué à la protection des données",
        parts["sender"]["dpo"],
        *live["address"],
        live["date"],
        f"Objet : {live['subject']}",
        f"{live['salutation']},",
        parts["happened"]["text"],
        "Les informations concernées",
        exposure["which"],
        *(f"• {item}" for item in exposure["elements"]),
        exposure["tier_sentence"],
        "Ce que cela peut entraîner",
        exposure["consequences"],
        f"Réf. {letter_id(index)} page 1/2",
    ]
    return "\n".join(lines)
