"""Do two column names say they hold the same identifier? (key discovery's name rule)

A referencing column *relates* to a key column of table T when, after folding and dropping
generic words (ID, NUM, CODE, REF...) and plural endings:
- the key's words all appear in the column's name (`IPP` -> `IPP`, `IPP_MERE`, `PATIENT_IPP`),
- or the column's words all name the table or the key (`patient_id` -> `patients.id`,
  `NUM_DEMANDE` -> `demandes.ID`, `ID_LABO` -> `laboratoires.ID`).
Words match when equal, when one, at least 3 letters long, starts the other (`LABO` and
`LABORATOIRE`, `PAT` and `PATIENT`), or when a lab synonym says so (`IPP`, the patient's
permanent identifier, is a `PATIENT` word). Two columns named just `id` do not relate: nothing
distinctive is left of either.
"""

from __future__ import annotations

from vigie.scan.headers import normalise

GENERIC = frozenset(
    {
        "ID", "IDS", "IDENT", "IDENTIFIANT", "NUM", "NUMERO", "NO", "NR", "N", "NB", "CODE",
        "CD", "CLE", "KEY", "REF", "FK", "PK", "UID", "UUID", "TBL", "TABLE", "T",
    }
)  # fmt: skip


def words(name: str) -> frozenset[str]:
    """Distinctive words of a column or table name, singular."""
    out = set()
    for word in normalise(name).split("_"):
        if not word or word in GENERIC or word.isdigit():
            continue
        if len(word) > 3 and word[-1] in "SX":
            word = word[:-1]
        out.add(word)
    return frozenset(out)


SYNONYMS = {"IPP": "PATIENT", "NIP": "PATIENT"}


def _same(a: str, b: str) -> bool:
    a, b = SYNONYMS.get(a, a), SYNONYMS.get(b, b)
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))


def _covered(these: frozenset[str], by: frozenset[str]) -> bool:
    return bool(these) and all(any(_same(w, v) for v in by) for w in these)


def related(column: str, key_column: str, key_table: str) -> bool:
    """The column's name says it holds `key_table.key_column` values (rules above)."""
    mine = words(column)
    key = words(key_column)
    return _covered(key, mine) or _covered(mine, key | words(key_table))
