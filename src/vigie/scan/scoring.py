"""Score every recognizer on a column sample: shape share, valid share, rules seen.

Speed: values are de-duplicated first (a sex or city column has few distinct values);
each recognizer's compiled shape regex runs on the distinct values (C speed), and only
values that match are validated: an evenly spaced subset of FIRST_ROUND distinct values,
extended to VALIDATE_CAP when the outcome is mixed; the valid share among them is scaled
to every shape match.
Recognizers sharing a validator (last and birth names, commune and birth place) share
the work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from vigie.scan.recognizers.base import Recognizer

VALIDATE_CAP = 1000  # distinct values validated per recognizer, at most
FIRST_ROUND = 300  # validated first; when nearly all or nearly none pass, that is enough
DIVERSE_MIN = 500  # sample size from which `diverse` kinds need > 1 % distinct values
HEAVY = 50  # the most frequent distinct values, always validated (they carry most weight)
CLEAR = 0.03  # "nearly": within 3 % of all or none
PREFILTER = 400  # distinct values tried first; too few shape matches there: skipped
MIN_SHAPE_SHARE = 0.2  # below this share of shape matches an unhinted recognizer is dropped


@dataclass
class Score:
    """How one recognizer fares on one column sample (shares of non-empty values)."""

    recognizer: Recognizer
    hinted: bool
    shape_share: float = 0.0
    valid_share: float = 0.0
    invalid_share: float = 0.0
    rules: Counter[str] = field(default_factory=Counter)
    details: Counter[str] = field(default_factory=Counter)
    example: str | None = None  # one valid value (kept in memory only, masked before output)
    shape_example: str | None = None  # one shape-matching value, when none validates


Outcome = tuple[bool, str, str]
# (value, count, weight factor, outcome): the factor scales a sampled value to its stratum
Validated = list[tuple[str, int, float, Outcome]]
CacheKey = tuple[Callable[[str], Outcome], str]


def _spread(items: list[tuple[str, int]], cap: int) -> list[tuple[str, int]]:
    """Up to `cap` items evenly spaced, ordered so that any prefix is itself spread out."""
    if len(items) > cap:
        step = len(items) / cap
        items = [items[int(i * step)] for i in range(cap)]
    stride = max(1, len(items) // FIRST_ROUND)
    return [x for offset in range(stride) for x in items[offset::stride]]


def _validate(
    rec: Recognizer, matched: list[tuple[str, int]], cache: dict[CacheKey, Validated]
) -> Validated:
    """Validate the HEAVY most frequent values, and a spread sample of the others."""
    key = (rec.validate, rec.shape.pattern)  # same shape and validator: same outcomes
    if key in cache:
        return cache[key]
    head, tail = matched[:HEAVY], matched[HEAVY:]
    done: Validated = [(v, c, 1.0, rec.validate(v)) for v, c in head]
    sample = _spread(tail, VALIDATE_CAP)
    first = [(v, c, rec.validate(v)) for v, c in sample[:FIRST_ROUND]]
    share = sum(o[0] for *_, o in first) / len(first) if first else 0.0
    if CLEAR < share < 1 - CLEAR:  # mixed: validate the whole sample
        first += [(v, c, rec.validate(v)) for v, c in sample[FIRST_ROUND:]]
    factor = len(tail) / len(first) if first else 1.0
    done += [(v, c, factor, o) for v, c, o in first]
    cache[key] = done
    return done


def _shape_example(rec: Recognizer, distinct: list[tuple[str, int]], hinted: bool) -> str | None:
    shape = rec.loose_shape if hinted and rec.loose_shape is not None else rec.shape
    return next((v for v, _ in distinct if shape.fullmatch(v)), None)


def _few_values(distinct: list[tuple[str, int]], total: int) -> bool:
    """Codes, not names: few distinct values, or (typos making a long tail) the ten
    most frequent covering most rows; the ten commonest French surnames cover ~2 %."""
    top = sum(c for _, c in sorted(distinct, key=lambda vc: -vc[1])[:10])
    return len(distinct) <= total / 100 or top > total / 2


def score_one(
    rec: Recognizer,
    distinct: list[tuple[str, int]],
    total: int,
    hinted: bool,
    cache: dict[CacheKey, Validated],
) -> Score | None:
    """Score `rec` on distinct (value, count) pairs; None when it plainly does not apply."""
    if rec.needs_header and not hinted:
        return None
    if rec.diverse and not hinted and total >= DIVERSE_MIN and _few_values(distinct, total):
        return None  # eight values repeated a thousand times are codes, not surnames
    fullmatch = rec.shape.fullmatch
    head = distinct[:PREFILTER]
    if not hinted and sum(1 for v, _ in head if fullmatch(v)) < MIN_SHAPE_SHARE / 2 * len(head):
        return None
    matched = [(v, c) for v, c in distinct if fullmatch(v)]
    score = Score(rec, hinted, shape_share=sum(c for _, c in matched) / total)
    if hinted and rec.loose_shape is not None:
        loose = rec.loose_shape.fullmatch
        score.shape_share = sum(c for v, c in distinct if loose(v)) / total
    score.shape_example = _shape_example(rec, distinct, hinted)
    if not matched or (not hinted and score.shape_share < MIN_SHAPE_SHARE):
        return score if hinted else None
    valid_weight = invalid_weight = 0.0
    for value, count, factor, (valid, rule, detail) in _validate(rec, matched, cache):
        weight = count * factor
        score.rules[rule] += round(weight)
        if valid:
            valid_weight += weight
            score.details[detail] += round(weight)
            score.example = score.example or value
        else:
            invalid_weight += weight
    score.valid_share = valid_weight / total
    score.invalid_share = invalid_weight / total
    return score


def score_all(
    recognizers: tuple[Recognizer, ...], distinct: list[tuple[str, int]], hints: frozenset[str]
) -> list[Score]:
    """Scores of every recognizer that applies to the column."""
    total = sum(c for _, c in distinct)
    cache: dict[CacheKey, Validated] = {}
    scores = []
    for rec in recognizers:
        score = score_one(rec, distinct, total, rec.name in hints, cache)
        if score is not None:
            scores.append(score)
    return scores
