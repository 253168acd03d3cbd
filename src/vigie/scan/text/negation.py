"""Negation: does a cue such as "pas de" or "négatif" govern a span?

The scope is the clause: a cue before the span counts when no punctuation or
coordination separates them and it is at most a few words away; a cue after the span
counts under the same conditions ("sérologie VIH négative"). Another lexicon span in
between ends the scope, so in "VIH négatif, hépatite B positive" only VIH is negated.
"""

from __future__ import annotations

import re

_BEFORE = re.compile(
    r"(?:\b(?:pas|absence|sans|non|aucun|aucune|ni|jamais|exclu|exclue|nie|elimine)\b"
    r"(?:\s+(?:de|d|du|des|la|le|l|signe|signes|notion|trace|antecedent|antecedents))*"
    r"[\s']*(?:\w+[\s']+){0,2})$"
)
_AFTER = re.compile(
    r"^[\s:=]*(?:(?:est|sont|revient|revenu|revenue|reste|restee|resultat|test|tres)\s+)*"
    r"(?:negati\w*|neg\b|nega\b|absent\w*|non\s+detecte\w*|non\s+retrouve\w*|exclu\w*|"
    r"non\s+reactif\w*|non\s+reactive\w*|-(?=\s*(?:[,.;)]|$)))"
)
# What ends a negation's reach: punctuation, a new clause, a contrast.
_BREAK = re.compile(r"[.;,!?()\n/]|\b(?:mais|et|avec|sous|car|puis|donc)\b")
_REACH = 40


def is_negated(folded: str, start: int, end: int, left_limit: int, right_limit: int) -> bool:
    """Whether a negation cue governs ``folded[start:end]``.

    ``left_limit`` / ``right_limit`` are the ends of the neighbouring spans, so a cue is
    never shared across two findings.
    """
    left = folded[max(left_limit, start - _REACH) : start]
    breaks = list(_BREAK.finditer(left))
    if breaks:
        left = left[breaks[-1].end() :]
    if _BEFORE.search(left):
        return True
    right = folded[end : min(right_limit, end + _REACH)]
    after = _AFTER.match(right)
    if after is None:
        return False
    if after.group().endswith("-"):
        # A trailing "-" is a negative sign only where the clause ends ("VIH -,"), not a
        # dash between two findings ("HTA - vitamine D"): look past the next span too.
        rest = folded[end + after.end() :].lstrip()
        return not rest or rest[0] in ",.;)"
    return True
