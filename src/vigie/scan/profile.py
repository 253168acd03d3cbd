"""Column profiling: classify a column from a sample of its values and its header.

Decision rules (thresholds below, documented in docs/recognizers.md):
1. Every recognizer is scored on the sample: the share of non-empty values that match
   its shape and validate (scoring.py).
2. A recognizer is *eligible* when its valid share reaches ACCEPT; or, when the header
   hints it, HINTED_ACCEPT; or, for recognizers whose lists cannot be complete
   (`header_trusts_shape`: first names, communes, postcodes...), when the header hints it
   and its shape share reaches SHAPE_ACCEPT. Recognizers that `need_header` (ADELI, INS,
   other national ids, birth names, birth places) are eligible only when hinted. A header
   alone never classifies a checksummed identifier: a NIR-named column of random digits
   stays unclassified.
3. Among eligible recognizers within MARGIN of the best valid share (or hinted), the
   hinted one wins, then the most specific (a first-name list beats name-likeness).
4. Dates become `care.exam` with an exam header (DATE_PRELEV...) or, without a birth
   header, when their years are recent and narrow (birth dates span decades).
5. Long, wordy values with no eligible recognizer (or a COMMENTAIRE-like header) are
   `text.free`; so is a lab test's label (LIBELLE, INTITULE...), however short.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace

from vigie.scan import headers
from vigie.scan.consistency import add_nir_consistency
from vigie.scan.masking import mask_text
from vigie.scan.recognizers.dates import parse_date
from vigie.scan.recognizers.registry import all_recognizers
from vigie.scan.scoring import Score, score_all

ACCEPT = 0.6  # valid share needed without a header hint
HINTED_ACCEPT = 0.3  # valid share needed when the header hints the recognizer
SHAPE_ACCEPT = 0.8  # shape share for header-trusted recognizers (lists cannot be complete)
MARGIN = 0.15  # recognizers this close to the best share compete on hint and specificity
# A checksum-validated identifier this sure of itself beats a header hint: a column named
# "ssn" full of valid NIRs holds NIRs, whatever the header's author meant.
PROOF_SPECIFICITY = 5
EXAM_SPREAD_YEARS = 12  # exam dates: 80 % of years within this span...
EXAM_MIN_YEAR = 1990  # ...and after this year
FREE_TEXT_WORDS = 2.0  # unrecognized columns with this many words per value on average...
FREE_TEXT_PROSE = 0.3  # ...and this share of values with a lowercase word are free text
SAMPLE_NOTE_MIN = 10_000  # say "sample of N" when the sample is smaller than the column


_LOWER_WORD = re.compile(r"(?<![\w'])[a-zà-ÿœ]{3,}(?![\w'])")


@dataclass(frozen=True)
class ColumnProfile:
    """What a column holds, how sure we are, and why (no raw value, a masked example)."""

    table: str
    column: str
    element: str | None
    recognizer: str | None
    confidence: float
    evidence: str
    non_empty: int
    valid: int
    invalid: int
    sample_size: int
    example: str | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary."""
        return asdict(self)


def _non_empty(values: Sequence[str | None]) -> list[str]:
    return [s for v in values if v is not None and (s := str(v).strip())]


def _eligible(score: Score) -> bool:
    rec = score.recognizer
    if rec.needs_header and not score.hinted:
        return False
    if score.valid_share >= ACCEPT:
        return True
    if not score.hinted:
        return False
    if score.valid_share >= HINTED_ACCEPT:
        return True
    return rec.header_trusts_shape and score.shape_share >= SHAPE_ACCEPT


def choose(scores: list[Score]) -> Score | None:
    """The winning score among eligible ones (rules 2-3 of the module docstring)."""
    eligible = [s for s in scores if _eligible(s)]
    if not eligible:
        return None
    best = max(s.valid_share for s in eligible)
    contenders = [s for s in eligible if s.hinted or s.valid_share >= best - MARGIN]
    return max(
        contenders,
        key=lambda s: (_proven(s), s.hinted, s.recognizer.specificity, s.valid_share),
    )


def _proven(score: Score) -> bool:
    """Validated by its values: a checksum identifier, or a hinted non-catch-all recognizer."""
    if score.valid_share < ACCEPT:
        return False
    specificity = score.recognizer.specificity
    return specificity >= PROOF_SPECIFICITY or (score.hinted and specificity > 0)


def _confidence(score: Score) -> float:
    share = score.valid_share if score.valid_share >= HINTED_ACCEPT else score.shape_share / 2
    return round(min(1.0, share + (0.1 if score.hinted else 0.0)), 3)


def _date_element(header: str, score: Score, values: list[str]) -> tuple[str | None, str]:
    """care.exam or identity.birth_date (rule 4), and why."""
    if headers.is_non_personal_date(header):
        return None, "a record timestamp by its header"
    if headers.is_exam_date(header):
        return "care.exam", "exam dates by their header"
    if score.hinted:
        return "identity.birth_date", "birth dates by their header"
    years = sorted(d.year for v in values[:2000] if (d := parse_date(v)) is not None)
    if not years:
        return "identity.birth_date", "dates"
    lo, hi = years[len(years) // 10], years[len(years) * 9 // 10 - (len(years) >= 10)]
    if hi - lo <= EXAM_SPREAD_YEARS and lo >= EXAM_MIN_YEAR:
        return "care.exam", f"recent dates within {hi - lo + 1} years (exam dates)"
    return "identity.birth_date", f"dates spanning {hi - lo + 1} years (birth dates)"


def _evidence(score: Score, non_empty: int, sample: int, what: str) -> str:
    """Counts and shares only: rule ids, never a value nor a value-derived detail."""
    scope = f"{non_empty:,} non-empty values" + (
        f" (sample of {sample:,})" if sample < non_empty else ""
    )
    if score.valid_share < HINTED_ACCEPT:
        return (
            f"{100 * score.shape_share:.1f} % of {scope} have the shape of {what} and the "
            "header names them; no list or checksum confirms them"
        )
    pct = 100 * score.valid_share
    seen = sum(score.rules.values())
    rules = ", ".join(f"{rule} {100 * n / seen:.1f} %" for rule, n in score.rules.most_common(3))
    header = "; header agrees" if score.hinted else ""
    return f"{pct:.1f} % of {scope} are {what}{header}" + (f" (rules: {rules})" if rules else "")


def _free_text(table: str, column: str, values: list[str], total: int) -> ColumnProfile | None:
    """Wordy values written as sentences (lowercase words), or a COMMENTAIRE-like header."""
    words = sum(len(v.split()) for v in values) / len(values)
    prose = sum(1 for v in values if _LOWER_WORD.search(v)) / len(values)
    # A test's label may be one word ("TSH", "Ferritine"); other hinted notes have more.
    hinted = headers.is_free_text(column) and (words >= 1.2 or headers.is_label(column))
    if not hinted and (words < FREE_TEXT_WORDS or prose < FREE_TEXT_PROSE):
        return None
    longest = max(values, key=len)
    evidence = (
        f"free text: {words:.1f} words per value on average, {100 * prose:.0f} % with "
        f"lowercase words, over {total:,} non-empty values"
        + ("; header agrees" if headers.is_free_text(column) else "")
    )
    return ColumnProfile(
        table,
        column,
        "text.free",
        None,
        0.9 if hinted else 0.7,
        evidence,
        total,
        0,
        0,
        len(values),
        mask_text(longest),
    )


def profile_column(
    table: str, column: str, values: Sequence[str | None], total_non_empty: int | None = None
) -> ColumnProfile:
    """Classify one column from a sample of its values (see the module docstring)."""
    sample = _non_empty(values)
    total = max(total_non_empty or 0, len(sample))
    if not sample:
        return ColumnProfile(table, column, None, None, 1.0, "no non-empty values", 0, 0, 0, 0)
    distinct = Counter(sample).most_common()
    hints = headers.hinted_recognizers(column)
    best = choose(score_all(all_recognizers(), distinct, hints))
    free_header = headers.is_free_text(column)
    if best is None or free_header:
        # a column whose header names a structured kind is never free text (ADDRESS_2);
        # a RESULTAT column of sentences is (the lab result recognizers fit short values)
        structured = hints - {"result_value", "lab_value"}
        text = _free_text(table, column, sample, total) if free_header or not structured else None
        if text is not None:
            return text
        if best is None:
            why = f"no recognizer validates enough of {total:,} non-empty values"
            return ColumnProfile(table, column, None, None, 0.5, why, total, 0, 0, len(sample))
    rec = best.recognizer
    element, what = rec.element, rec.noun
    if rec.name == "date":
        element, why = _date_element(column, best, sample)
        what = f"{what}: {why}"
    elif not rec.personal:
        what += " (an organisation's identifier, not personal data)"
    return ColumnProfile(
        table,
        column,
        element,
        rec.name,
        _confidence(best),
        _evidence(best, total, len(sample), what),
        total,
        round(best.valid_share * total),
        round(best.invalid_share * total),
        len(sample),
        _masked(best),
    )


def _masked(score: Score) -> str | None:
    value = score.example or score.shape_example
    return score.recognizer.mask(value) if value else None


def _with(profile: ColumnProfile, element: str, why: str) -> ColumnProfile:
    return ColumnProfile(
        profile.table,
        profile.column,
        element,
        profile.recognizer,
        profile.confidence,
        f"{profile.evidence}; {why}",
        profile.non_empty,
        profile.valid,
        profile.invalid,
        profile.sample_size,
        profile.example,
    )


def _resolve_names(profiles: list[ColumnProfile]) -> list[ColumnProfile]:
    """Two last-name columns: the one with more values is the last name, others birth names."""
    names = [p for p in profiles if p.element == "identity.last_name"]
    if len(names) < 2:
        return profiles
    hinted = [p for p in names if "last_name" in headers.hinted_recognizers(p.column)]
    keep = max(hinted or names, key=lambda p: p.non_empty)
    return [
        _with(p, "identity.birth_name", "a second last-name column (birth name)")
        if p in names and p is not keep
        else p
        for p in profiles
    ]


def _resolve_addresses(profiles: list[ColumnProfile]) -> list[ColumnProfile]:
    """Unclassified columns with an address header beside a street column are address lines."""
    if not any(p.element == "contact.address" for p in profiles):
        return profiles
    return [
        _with(p, "contact.address", "an address-line header beside a street column")
        if p.element is None and p.non_empty and "street" in headers.hinted_recognizers(p.column)
        else p
        for p in profiles
    ]


ORGANISATION_IDS = frozenset({"finess", "siren", "siret"})
PERSON_ELEMENTS = frozenset(
    {
        "identity.first_name",
        "identity.birth_name",
        "identity.birth_date",
        "identity.sex",
        "national_id.nir",
        "national_id.ins",
    }
)
_ORGANISATION_SIDE = ("contact.", "identity.last_name")


def _resolve_organisation(profiles: list[ColumnProfile]) -> list[ColumnProfile]:
    """A table of establishments (a FINESS/SIREN/SIRET column, no column about a person):
    its name and address columns describe the organisation, not a person."""
    if any(p.element in PERSON_ELEMENTS for p in profiles) or not any(
        p.recognizer in ORGANISATION_IDS for p in profiles
    ):
        return profiles
    why = "an establishments table (organisation identifier, no person column)"
    return [
        replace(p, element=None, evidence=f"{p.evidence}; {why}")
        if p.element and p.element.startswith(_ORGANISATION_SIDE)
        else p
        for p in profiles
    ]


def profile_table(
    columns: Mapping[str, Sequence[str | None]],
    table: str = "",
    totals: Mapping[str, int] | None = None,
) -> list[ColumnProfile]:
    """Profile every column of a table, then resolve conflicts across its columns.

    `totals` gives each column's non-empty count in the whole table (defaults to the
    sample's). When all samples have the same length they are taken as the same rows,
    and a NIR column is checked against the table's birth-date and sex columns.
    """
    totals = totals or {}
    profiles = [profile_column(table, c, v, totals.get(c)) for c, v in columns.items()]
    profiles = _resolve_organisation(_resolve_addresses(_resolve_names(profiles)))
    return add_nir_consistency(profiles, columns)
