"""Text encoding of a leak file, decided on a sample before streaming it.

A strict UTF-8 try comes first (most files are UTF-8, and a valid UTF-8 sample is almost
never anything else). Otherwise charset-normalizer rules out non-Latin scripts; among the
Western single-byte encodings, cp1252 and latin-1 differ only in bytes 0x80-0x9F: printable
in cp1252 (€, œ, ’, …), control codes in latin-1, so their presence decides.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

SAMPLE_BYTES = 1 << 20

# charset-normalizer guesses among these; the Latin ones are then told apart by our rule,
# because on short French text it often picks cp1250 or a Baltic code page.
_CANDIDATES = ["cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251", "iso8859_7", "mac_roman"]
_LATIN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "mac_roman", "iso8859_2"}
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


@dataclass(frozen=True)
class TextEncoding:
    name: str  # codec name for Python: utf-8, utf-8-sig, utf-16, cp1252, latin-1, ...
    label: str  # what the report says: utf-8, utf-8-bom, utf-16, cp1252, latin-1, ...


def detect_encoding(sample: bytes) -> TextEncoding:
    """Pick the encoding of a file from its first bytes (at most SAMPLE_BYTES)."""
    if sample.startswith(codecs.BOM_UTF8):
        return TextEncoding("utf-8-sig", "utf-8-bom")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TextEncoding("utf-16", "utf-16")
    if _is_utf8(sample):
        return TextEncoding("utf-8", "utf-8")
    guess = _charset_normalizer_guess(sample)
    if guess is not None and guess not in _LATIN and _letters_in_runs(sample):
        return TextEncoding(guess, guess.replace("_", "-"))
    return _cp1252_or_latin1(sample)


def _letters_in_runs(sample: bytes) -> bool:
    """Whether most high letters (0xC0-0xFF) sit in runs of three or more.

    Cyrillic or Greek single-byte text spells whole words with high bytes; French in
    cp1252 has its accented letters alone among ASCII ones. This keeps charset-normalizer
    from reading short French samples as cp1251, which it otherwise does.
    """
    high = in_runs = run = 0
    for byte in [*sample[:65536], 0]:
        if byte >= 0xC0:
            run += 1
            continue
        high += run
        if run >= 3:
            in_runs += run
        run = 0
    return high > 0 and in_runs * 2 > high


def _is_utf8(sample: bytes) -> bool:
    # The sample may end inside a multi-byte character: an incremental decode allows that.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < SAMPLE_BYTES)
    except UnicodeDecodeError:
        return False
    return True


def _charset_normalizer_guess(sample: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:65536], cp_isolation=_CANDIDATES).best()
    return best.encoding if best is not None else None


def _cp1252_or_latin1(sample: bytes) -> TextEncoding:
    high = {b for b in set(sample) if 0x80 <= b <= 0x9F}
    if high and not high & _CP1252_UNDEFINED:
        return TextEncoding("cp1252", "cp1252")
    return TextEncoding("latin-1", "latin-1")
