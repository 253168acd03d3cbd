"""NIR (numéro de sécurité sociale), FINESS and RPPS numbers, built vectorised.

NIR layout `S YY MM DD CCC OOO KK` (DOMAIN.md §1): key = 97 - (N mod 97), with 2A -> 19
and 2B -> 18 for the key only.
"""

from __future__ import annotations

import numpy as np

# Countries (INSEE codes, after 99) people born abroad here often come from.
COUNTRIES = np.array([350, 352, 351, 139, 134, 127, 109, 122, 132, 341, 131, 212, 243, 324])
COUNTRY_WEIGHTS = np.array([18, 16, 8, 14, 7, 6, 5, 4, 3, 5, 4, 3, 4, 3], dtype=float)
# Départements people of these six often were born in (neighbours, Paris), then others.
NEAR = ("29", "44", "53", "50", "14", "61", "76", "28", "18", "36", "37", "49", "72", "75")
ALL_DEPS = (*tuple(f"{d:02d}" for d in range(1, 96) if d != 20), "2A", "2B")


def dep_number(dep: np.ndarray) -> np.ndarray:
    """Numeric value of the département field for the key (2A -> 19, 2B -> 18)."""
    out = np.zeros(len(dep), dtype=np.int64)
    for code in np.unique(dep):
        value = {"2A": 19, "2B": 18}.get(str(code))
        out[dep == code] = int(code) if value is None else value
    return out


def nir_key(
    sex: np.ndarray,
    year: np.ndarray,
    month: np.ndarray,
    dep: np.ndarray,
    commune: np.ndarray,
    order: np.ndarray,
) -> np.ndarray:
    n = (
        sex.astype(np.int64) * 10**12
        + (year % 100).astype(np.int64) * 10**10
        + month.astype(np.int64) * 10**8
        + dep_number(dep) * 10**6
        + commune.astype(np.int64) * 10**3
        + order.astype(np.int64)
    )
    return 97 - n % 97


def build_nirs(
    sex: np.ndarray,
    year: np.ndarray,
    month: np.ndarray,
    dep: np.ndarray,
    commune: np.ndarray,
    order: np.ndarray,
) -> np.ndarray:
    """15-character NIR strings (object array) with a valid key."""
    key = nir_key(sex, year, month, dep, commune, order)
    yy = year % 100
    return np.array(
        [
            f"{s}{y:02d}{m:02d}{d}{c:03d}{o:03d}{k:02d}"
            for s, y, m, d, c, o, k in zip(
                sex.tolist(),
                yy.tolist(),
                month.tolist(),
                dep.tolist(),
                commune.tolist(),
                order.tolist(),
                key.tolist(),
                strict=True,
            )
        ],
        dtype=object,
    )


def is_valid_key(nir: str) -> bool:
    body = nir[:13].replace("2A", "19").replace("2B", "18")
    return len(nir) == 15 and body.isdigit() and 97 - int(body) % 97 == int(nir[13:])


def mistype(nir: str, rng: np.random.Generator) -> str:
    """One digit changed or two adjacent digits swapped: the key then fails (97 is prime)."""
    chars = list(nir)
    digits = [i for i, c in enumerate(chars) if c.isdigit()]
    for _ in range(20):
        if rng.random() < 0.5:
            i = digits[int(rng.integers(len(digits)))]
            chars[i] = str((int(chars[i]) + int(rng.integers(1, 10))) % 10)
        else:
            pairs = [i for i in digits[:-1] if i + 1 in digits and chars[i] != chars[i + 1]]
            if not pairs:
                continue
            i = pairs[int(rng.integers(len(pairs)))]
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        out = "".join(chars)
        if out != nir and not is_valid_key(out):
            return out
        chars = list(nir)
    return nir[:13] + f"{(int(nir[13:]) % 97) + 1:02d}"


def luhn_digit(body: str) -> int:
    """The Luhn check digit to append to `body`."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10


def luhn_ok(number: str) -> bool:
    return luhn_digit(number[:-1]) == int(number[-1])


def finess(dep: str, order: int) -> str:
    """FINESS: département + '0' + 5-digit order + Luhn key."""
    body = f"{dep}0{order:05d}"
    return body + str(luhn_digit(body))


def rpps(numbers: np.ndarray) -> np.ndarray:
    """11-digit RPPS-like numbers ('10' + 8 digits + Luhn digit, as real ones look)."""
    return np.array(
        [f"10{n:08d}" + str(luhn_digit(f"10{n:08d}")) for n in numbers.tolist()], dtype=object
    )
