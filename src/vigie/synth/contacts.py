"""Phones, e-mails and blood groups; phones are written the ways people type them."""

from __future__ import annotations

import numpy as np

from vigie.synth import pools
from vigie.synth.households import CHILD, Households

# Landline prefixes (02 + two digits) of each département.
LANDLINE = {"22": "0296", "35": "0299", "56": "0297", "27": "0232", "45": "0238", "41": "0254"}
DOMAINS = np.array(
    [
        "orange.fr",
        "gmail.com",
        "wanadoo.fr",
        "free.fr",
        "hotmail.fr",
        "laposte.net",
        "sfr.fr",
        "yahoo.fr",
        "outlook.fr",
        "icloud.com",
    ],
    dtype=object,
)
DOMAIN_W = np.array([25, 25, 10, 10, 8, 6, 6, 5, 3, 2], dtype=float)
BLOOD = np.array(["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"], dtype=object)
BLOOD_W = np.array([36, 37, 9, 3, 6, 7, 1, 1], dtype=float)


def phones(rng: np.random.Generator, hh: Households, home_dep: np.ndarray) -> np.ndarray:
    """A 10-digit national number ('0612345678') or '' - minors often have a parent's."""
    n = len(hh)
    old = hh.birth < np.datetime64("1960-01-01")
    has = rng.random(n) < np.where(old, 0.6, 0.78)
    landline = rng.random(n) < np.where(old, 0.3, 0.08)
    mobile_prefix = rng.choice(np.array(["06", "07"], dtype=object), size=n, p=[0.65, 0.35])
    # 069x and 0639 are overseas mobiles (other country codes): keep to metropolitan ranges.
    mobile_third = np.where(
        mobile_prefix == "07", rng.integers(3, 10, n), rng.choice([0, 1, 2, 4, 5, 6, 7, 8], size=n)
    )
    digits = rng.integers(0, 10**7, n)
    land_digits = rng.integers(0, 10**6, n)
    out = np.array(
        [
            (LANDLINE[d] + f"{ld:06d}" if lan else f"{mp}{m3}{dg:07d}") if h else ""
            for h, lan, d, ld, mp, m3, dg in zip(
                has.tolist(),
                landline.tolist(),
                home_dep.tolist(),
                land_digits.tolist(),
                mobile_prefix.tolist(),
                mobile_third.tolist(),
                digits.tolist(),
                strict=True,
            )
        ],
        dtype=object,
    )
    first = _first_index(hh)
    minor = hh.minor & (hh.role == CHILD)
    use_parent = minor & (rng.random(n) < 0.6)
    out[minor] = ""
    out[use_parent] = out[first[use_parent]]
    return out


def _first_index(hh: Households) -> np.ndarray:
    size = np.bincount(hh.household, minlength=hh.n_households)
    return (np.cumsum(size) - size)[hh.household]


def format_phone(number: str, style: int) -> str:
    """The ways people type one number: spaced, packed, dotted, +33, +33 spaced."""
    if not number:
        return ""
    if style == 0:
        return " ".join(number[i : i + 2] for i in range(0, 10, 2))
    if style == 1:
        return number
    if style == 2:
        return ".".join(number[i : i + 2] for i in range(0, 10, 2))
    if style == 3:
        return "+33" + number[1:]
    return "+33 " + number[1] + " " + " ".join(number[i : i + 2] for i in range(2, 10, 2))


def emails(
    rng: np.random.Generator, hh: Households, first_name: np.ndarray, last_name: np.ndarray
) -> np.ndarray:
    n = len(hh)
    adult = ~hh.minor
    has = adult & (rng.random(n) < 0.43)
    style = rng.integers(0, 4, n)
    num = rng.integers(1, 99, n)
    year = (hh.birth.astype("datetime64[Y]").astype(int) + 1970) % 100
    dom = rng.choice(DOMAINS, size=n, p=DOMAIN_W / DOMAIN_W.sum())
    out = np.full(n, "", dtype=object)
    idx = np.flatnonzero(has)
    for i in idx.tolist():
        f = _mail_part(first_name[i])
        last = _mail_part(last_name[i])
        s = style[i]
        local = (f"{f}.{last}", f"{f[0]}{last}", f"{f}.{last}{num[i]}", f"{last}{f}{year[i]:02d}")[
            s
        ]
        out[i] = f"{local}@{dom[i]}"
    minor = hh.minor & (rng.random(n) < 0.25)
    out[minor] = out[_first_index(hh)[minor]]
    return out


def _mail_part(name: str) -> str:
    plain = pools.strip_accents(name).lower()
    return "".join(ch for ch in plain.replace(" ", "-") if ch.isalnum() or ch == "-") or "x"


def blood_groups(rng: np.random.Generator, n: int) -> np.ndarray:
    """A blood group known for ~40 % of persons, '' otherwise."""
    bg = rng.choice(BLOOD, size=n, p=BLOOD_W / BLOOD_W.sum())
    bg[rng.random(n) >= 0.4] = ""
    return bg
