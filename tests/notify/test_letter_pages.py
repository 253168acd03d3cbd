"""Look again: every letter variant rendered once with the real Typst path, and the text of
its first page read back from the PDF and compared with the wording expected for that
variant (reader, sex, tier, exposure, cause): nothing missing, nothing extra, in order,
and printed with French typography (apostrophes, no-break spaces)."""

from __future__ import annotations

import difflib
import re
from collections import Counter

import pytest

from tests.notify.conftest import RenderedVariants
from tests.notify.letter_variants import Variant, expected_first_page
from vigie.french import typographic

Rendered = tuple[list[Variant], list[str]]


def _words(text: str) -> str:
    """Words in order, one ordinary space between them (line breaks are layout)."""
    return " ".join(text.split())


def _printed(text: str) -> str:
    """As _words, but keeping no-break spaces (they are the typography under test)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


@pytest.fixture
def rendered(rendered_variants: RenderedVariants) -> Rendered:
    """(variants, text of every page exactly as printed)."""
    return rendered_variants.variants, rendered_variants.pages


def test_every_variant_is_one_sheet(rendered: Rendered) -> None:
    variants, pages = rendered
    assert len(pages) == 2 * len(variants)
    kinds = Counter(v.planned.variant for v in variants)
    assert set(kinds) == {"adult", "minor", "minor_generic", "minor_own"}, kinds


def test_first_page_reads_as_expected_for_each_variant(rendered: Rendered) -> None:
    variants, pages = rendered
    wrong = []
    for i, variant in enumerate(variants):
        # the printed page is the expected wording with French typography applied
        expected = _printed(typographic(expected_first_page(variant, i)))
        found = _printed(pages[2 * i])
        if found != expected:
            diff = difflib.unified_diff(expected.split(), found.split(), lineterm="", n=3)
            wrong.append(f"{variant.name}:\n" + "\n".join(list(diff)[2:20]))
    print(f"first pages compared: {len(variants)}, differing: {len(wrong)}")
    assert not wrong, "\n\n".join(wrong[:5])


def test_the_comparison_sees_a_wrong_word(rendered: Rendered) -> None:
    """A letter whose page differs from its variant's wording is caught (the check bites)."""
    variants, pages = rendered
    minor = next(i for i, v in enumerate(variants) if v.planned.variant == "minor")
    adult = next(i for i, v in enumerate(variants) if v.planned.variant == "adult")
    page = _printed(pages[2 * minor])
    assert page == _printed(typographic(expected_first_page(variants[minor], minor)))
    assert page != _printed(typographic(expected_first_page(variants[adult], minor)))
    assert page != _printed(expected_first_page(variants[minor], minor))  # typography seen


def test_no_straight_apostrophe_or_loose_colon_is_printed(rendered: Rendered) -> None:
    """Both pages, template text included: French print typography throughout."""
    _, pages = rendered
    for page in set(pages):
        assert "'" not in page and " :" not in page and " ;" not in page, page[:200]
