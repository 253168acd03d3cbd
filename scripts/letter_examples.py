"""Regenerate docs/letter-example.png, docs/letter-minor-example.png and
docs/letter-large-print-example.png: an adult's letter, a letter to a minor's legal
representatives, and the adult's letter in large print (`--large-print`), every page side
by side, rendered with the shipped template through the same Typst path as `vigie notify`
(synthetic person, fixed code, so the images only change when the letters do).

    python scripts/letter_examples.py            # writes the three PNGs under docs/
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from vigie.notify import letters
from vigie.notify.address import Recipient, format_address
from vigie.notify.variants import IncidentText, letter_text

DOCS = Path(__file__).resolve().parents[1] / "docs"
SENDER = "Laboratoire Bio Armor Lannion"
DPO = "dpo.laboratoire_bio_armor_lannion@example.org"
INCIDENT = IncidentText(
    occurred=date(2021, 2, 12),
    aware=date(2021, 2, 23),
    cause="exfiltration",
    processor="Éditeur de logiciel de laboratoire (synthétique)",
    published=True,
    letter_date=date(2021, 3, 1),
    verify_url="https://verifier.example.org/verifier",
)
EXAMPLES = {
    "letter-example.png": (
        Recipient("M", "Julien", "Lejeunet", "25 allée des Pommiers", "22100", "Saint-Hélen"),
        "high",
        ["identity.last_name", "identity.first_name", "identity.birth_date", "identity.sex",
         "national_id.nir", "contact.address", "contact.postcode", "contact.city",
         "provider.prescriber", "care.exam", "health.treatment"],
    ),
    "letter-minor-example.png": (
        Recipient("M", "Arthur", "Cassartin", "7 lotissement de la Chesnaie", "22600",
                  "La Motte", minor=True),
        "high",
        ["identity.last_name", "identity.first_name", "identity.birth_date", "identity.sex",
         "national_id.nir", "contact.address", "contact.postcode", "contact.city",
         "provider.prescriber", "care.exam", "health.result"],
    ),
}  # fmt: skip
LARGE_PRINT = {"letter-large-print-example.png": "letter-example.png"}  # name: as which
DPI = 110
GAP = 16  # grey px around and between the pages


def render(
    recipient: Recipient, tier: str, elements: list[str], out: Path, large_print: bool = False
) -> Path:
    address = format_address(recipient)
    if not isinstance(address, tuple):
        raise SystemExit(f"example address does not fit the norm: {address.reason}")
    text = letter_text({"sex": recipient.sex}, address=address, minor=recipient.minor,
                       tier=tier, elements=elements, sender=SENDER, dpo=DPO,
                       inc=INCIDENT)  # fmt: skip
    parts = letters.PartTable()
    pages = {kind: parts.add(kind, fields) for kind, fields in text.parts.items()}
    live = {**text.live, "id": "L01-000012", "code": "K2Y9-VSW7-2WBQ", "parts": pages}
    letters.prepare_build(letters.DEFAULT_TEMPLATE_DIR, out / "build", parts)
    job = letters.BatchJob("example", out / "example.pdf", [live], INCIDENT.verify_url,
                           large_print=large_print)  # fmt: skip
    list(letters.render_batches([job], out / "build", processes=1))
    return job.path


def side_by_side(pdf: Path, target: Path) -> None:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = [doc[i].render(scale=DPI / 72).to_pil() for i in range(len(doc))]
    finally:
        doc.close()
    width = sum(p.width for p in pages) + GAP * (len(pages) + 1)
    height = max(p.height for p in pages) + 2 * GAP
    sheet = Image.new("RGB", (width, height), (200, 200, 200))
    x = GAP
    for page in pages:
        sheet.paste(page, (x, GAP))
        x += page.width + GAP
    sheet.save(target, optimize=True)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for name, (recipient, tier, elements) in EXAMPLES.items():
            folder = Path(tmp) / name
            side_by_side(render(recipient, tier, elements, folder), DOCS / name)
            print(DOCS / name)
        for name, like in LARGE_PRINT.items():
            folder = Path(tmp) / name
            side_by_side(render(*EXAMPLES[like], folder, large_print=True), DOCS / name)
            print(DOCS / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
