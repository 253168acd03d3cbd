"""French grammar for the texts vigie writes (letters, messages, filings, the report, the
assessment's reasons): possessives that agree, elision, lists, counted nouns.

Every phrase of the letters that names something of the person's is written once with a
*possessive slot* naming the gender and number of the noun it goes with:
`{sa} date de naissance`, `{son} nom`, `{ses} prénoms`. `voice` fills the slots for the
reader: the person themself (votre / vos) or a minor's legal representatives, who read
about their child (son / sa / ses, and "son" before a vowel or a mute h: "son adresse").
So "son date de naissance" cannot be produced: the gender travels with the phrase.

`typographic` is French typography for print (the letters' Typst template applies the
same rules, parts.typ `styles`); the plain-text channels keep the text as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

NBSP, NNBSP = "\u00a0", "\u202f"  # no-break space; narrow no-break space
_SLOT = re.compile(r"\{(son|sa|ses)\}(\s*)(\S?)")
# The first letter of a word that takes elision ("l'adresse", "d'Aaron", "son adresse"):
# a vowel or a mute h. An aspirated h ("le héros", "de Hugues") is rare in the words and
# first names vigie prints; the names it cannot know are treated as mute, as usage does.
_VOWELS = set("aeiouyh")


def starts_with_vowel(word: str) -> bool:
    """True when a word takes elision: it begins with a vowel or an h (accents ignored)."""
    if not word:
        return False
    first, second = (unicodedata.normalize("NFKD", c)[0].lower() for c in (word + " ")[:2])
    if first == "y":  # a consonant before a vowel (Yann, Yolande), a vowel before one (Yves)
        return second.isalpha() and second not in _VOWELS
    return first in _VOWELS


def voice(text: str, *, third_person: bool) -> str:
    """Fill the possessive slots: the reader's own (votre, vos) or a third person's (son,
    sa, ses), a feminine singular before a vowel becoming "son" ("son adresse")."""

    def fill(found: re.Match[str]) -> str:
        slot, space, next_letter = found.group(1), found.group(2), found.group(3)
        if not third_person:
            word = "vos" if slot == "ses" else "votre"
        elif slot == "sa" and starts_with_vowel(next_letter):
            word = "son"
        else:
            word = slot
        return word + space + next_letter

    return _SLOT.sub(fill, text)


def of(name: str) -> str:
    """The preposition "de" before a name, elided where French elides: "d'Aaron",
    "d'Élodie", "de Yann"."""
    return f"d'{name}" if starts_with_vowel(name) else f"de {name}"


def number(value: int) -> str:
    """`491 840`: thousands apart with a narrow no-break space, as French prints them."""
    return f"{value:,}".replace(",", NNBSP)


def count(value: int, singular: str, plural: str | None = None) -> str:
    """`0 fichier`, `1 fichier`, `2 fichiers`, `491 840 personnes concernées`: the noun
    phrase agrees with the number (singular below 2, as French counts); `plural` for a
    phrase whose plural is not its words each with an s."""
    if abs(value) < 2:
        return f"{number(value)} {singular}"
    return f"{number(value)} {plural or _plural(singular)}"


def _plural(phrase: str) -> str:
    return " ".join(w if w.endswith(("s", "x", "z")) else w + "s" for w in phrase.split())


def enumerate_fr(items: Sequence[str], conjunction: str = "et") -> str:
    """ "A", "A et B", "A, B et C" (no serial comma, as French writes it)."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


# Print typography (Imprimerie nationale usage): a no-break space before ":", a narrow
# no-break space before ";", "!", "?", inside « », and the typographic apostrophe.
_BEFORE = re.compile(r" ([:;!?»])")


def typographic(text: str) -> str:
    """The text as the printed letter shows it: `Objet : x` -> `Objet\u00a0: x`, `d'un`
    -> `d’un`, `« x »` -> `«\u202fx\u202f»`. The letters' template applies these rules
    itself (parts.typ); this function says the same for tests and other printed text."""
    text = text.replace("'", "’").replace("« ", "«" + NNBSP)
    return _BEFORE.sub(lambda m: (NBSP if m.group(1) == ":" else NNBSP) + m.group(1), text)
