"""One masking function per kind of value: what an inventory may show, never more.

Each keeps a fixed, small number of characters (the parts that say what kind of value it
is: NIR sex and year, phone prefix, postcode département) and replaces the rest with
`*`. Masks never show more characters of the value than documented here, whatever its
length, and say nothing for values too short to mask safely.
"""

from __future__ import annotations

import re

from vigie.scan.recognizers.text_norm import digits_only, fold

_DIGITS = re.compile(r"\d")


def mask_nir(value: str) -> str:
    """`2 85 ** ** *** *** 12`: sex, birth year and key only."""
    d = digits_only(value).upper()
    if len(d) != 15:
        return mask_id(value)
    return f"{d[0]} {d[1:3]} ** ** *** *** {d[13:]}"


def mask_id(value: str) -> str:
    """Identifiers: the first two and last two characters, at most; stars between."""
    d = digits_only(value)
    if len(d) < 8:
        return "*" * len(d)
    return d[:2] + "*" * (len(d) - 4) + d[-2:]


def mask_iban(value: str) -> str:
    """`FR76 **** … **12`: country, check digits and the last two characters."""
    d = digits_only(value).replace(" ", "").upper()
    if len(d) < 10:
        return "*" * len(d)
    body = d[:4] + "*" * (len(d) - 6) + d[-2:]
    return " ".join(body[i : i + 4] for i in range(0, len(body), 4))


def mask_phone(value: str) -> str:
    """`06 ** ** ** 78`: the prefix (operator kind) and the last two digits."""
    d = re.sub(r"\D", "", value)
    if len(d) < 8:
        return "*" * len(d)
    if value.strip().startswith("+"):
        return f"+{d[:3]} ** ** ** {d[-2:]}"
    return f"{d[:2]} ** ** ** {d[-2:]}"


def mask_name(value: str) -> str:
    """`J*** D***`: the initial of each word (at most three words)."""
    words = fold(value).replace("-", " ").split()
    return " ".join(w[0] + "***" for w in words[:3] if w[0].isalpha())


def mask_email(value: str) -> str:
    """`j***@e***.fr`: initials of the user and the domain, and the top-level domain."""
    user, _, domain = value.strip().partition("@")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    if not user or not domain or len(tld) > 6:
        return "***@***"
    return f"{user[0]}***@{domain[0]}***.{tld}"


def mask_date(value: str) -> str:
    """`**/**/19**`: the century of a four-digit year, nothing else."""
    year = re.search(r"(?<!\d)(1[89]|20)\d\d(?!\d)", value)
    return "**/**/" + (year.group(0)[:2] + "**" if year else "****")


def mask_postcode(value: str) -> str:
    """`35***`: the département only."""
    d = digits_only(value)
    return d[:2] + "*" * max(len(d) - 2, 0) if len(d) >= 4 else "*" * len(d)


def mask_address(value: str) -> str:
    """`** RUE D** L***`: street types kept, numbers starred, other words by initial."""
    from vigie.scan.recognizers.street import STREET_TYPES  # lazy: avoid an import cycle

    out = []
    for word in fold(value).replace(",", " ").split()[:5]:
        if word in STREET_TYPES:
            out.append(word)
        elif word[0].isalpha():
            out.append(word[0] + "**")
        else:
            out.append("**")
    return " ".join(out)


def mask_code(value: str) -> str:
    """Short codes (sex, blood group): nothing shown, only their length."""
    return "*" * min(len(value.strip()), 8)


def mask_hash(value: str) -> str:
    """Hashes and secrets: the length only."""
    return f"[{len(value.strip())} characters]"


def mask_text(value: str) -> str:
    """Free text: its length only."""
    return f"[text, {len(value)} characters]"
