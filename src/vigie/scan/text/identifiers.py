"""Identifiers written in notes: phone numbers, e-mails, NIRs, IBANs.

Each shape is validated, never taken from a regex alone: phonenumbers for phones,
stdnum for the NIR key and the IBAN check digits.
"""

from __future__ import annotations

import re

import phonenumbers
from stdnum import iban
from stdnum.fr import nir

from vigie.scan.text.span import Span

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])")
# 13 or 15 characters, spaced or not: S YY MM DD(2A/2B) CCC OOO [KK].
NIR_SHAPE = re.compile(
    r"(?<![\w])([1-478])[ .]?(\d{2})[ .]?(\d{2})[ .]?(\d{2}|2[AaBb])[ .]?(\d{3})[ .]?(\d{3})"
    r"(?:[ .]?(\d{2}))?(?![\w])"
)
IBAN_SHAPE = re.compile(r"(?<![\w])FR\d{2}(?:\s?[0-9A-Z]{4}){5}\s?[0-9A-Z]{3}(?![\w])", re.I)
_DIGITS = re.compile(r"\d")
# Numbers that say what they are: a bar code, an invoice or a tube number is not a NIR.
_NOT_NIR = re.compile(
    r"(?i)(?:code[\s-]*barre|ean|lot|facture|tube|dossier|ref\w*|commande|n°\s*de\s*demande)"
    r"\W*(?:n°|no|num\w*)?\W*$"
)
# The overseas départements have their own country codes: a "0690..." number is only
# valid when parsed with its own region (DOMAIN.md), so those regions are tried too
# when a number starts like an overseas one.
_OVERSEAS = ("GP", "MQ", "GF", "RE", "YT")
_OVERSEAS_START = re.compile(r"(?<!\d)0\s?(?:5\s?9|6\s?9|2\s?6|6\s?3)")


def _month_ok(month: int) -> bool:
    # Real months, plus the fictitious (20-30, 50-99) and pseudo-fictitious (31-42) ones.
    return 1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99


def find_nirs(text: str) -> list[Span]:
    """NIRs: 15 characters with a valid key, or 13 with a plausible structure."""
    spans = []
    for m in NIR_SHAPE.finditer(text):
        if not _month_ok(int(m.group(3))) or _NOT_NIR.search(
            text[max(0, m.start() - 25) : m.start()]
        ):
            continue
        if m.group(7) is not None:
            if not nir.is_valid(re.sub(r"[ .]", "", m.group())):
                continue
            detail = "a 15-character NIR whose key checks"
            rule = "nir.keyed"
        else:
            detail = "a 13-character NIR (no key) with a plausible sex, month and place"
            rule = "nir.unkeyed"
        spans.append(Span(m.start(), m.end(), "national_id.nir", rule, detail=detail))
    return spans


def find_phones(text: str) -> list[Span]:
    """Valid phone numbers (metropolitan and overseas), as phonenumbers finds them."""
    spans: list[Span] = []
    taken: set[int] = set()
    regions = ("FR", *_OVERSEAS) if _OVERSEAS_START.search(text) else ("FR",)
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            if match.start in taken:
                continue
            taken.add(match.start)
            spans.append(
                Span(
                    match.start,
                    match.end,
                    "contact.phone",
                    "phone.valid",
                    detail=f"a valid phone number (region {region})",
                )
            )
    return spans


def find_emails(text: str) -> list[Span]:
    """E-mail addresses."""
    return [
        Span(m.start(), m.end(), "contact.email", "email.shape", detail="an e-mail address")
        for m in EMAIL.finditer(text)
    ]


def find_ibans(text: str) -> list[Span]:
    """French IBANs whose check digits verify."""
    return [
        Span(m.start(), m.end(), "financial.iban", "iban.valid", detail="an IBAN that checks")
        for m in IBAN_SHAPE.finditer(text)
        if iban.is_valid(m.group())
    ]


def find_identifiers(text: str) -> list[Span]:
    """Every identifier in ``text``; cheap shape tests first so most notes cost nothing."""
    spans: list[Span] = []
    if "@" in text:
        spans.extend(find_emails(text))
    if len(_DIGITS.findall(text)) >= 8:
        nirs = find_nirs(text)
        spans.extend(nirs)
        spans.extend(find_ibans(text))
        spans.extend(p for p in find_phones(text) if not any(_overlaps(p, n) for n in nirs))
    return spans


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end
