"""Keys declared in SQL dumps: PRIMARY KEY, UNIQUE and FOREIGN KEY ... REFERENCES.

mysqldump declares them inside CREATE TABLE (`PRIMARY KEY (`id`)`, `UNIQUE KEY `u` (`a`)`,
`CONSTRAINT `fk` FOREIGN KEY (`x`) REFERENCES `t` (`id`)`); pg_dump after all the data,
one `ALTER TABLE ONLY s.t ADD CONSTRAINT c PRIMARY KEY (id);` per key; phpMyAdmin-style
exports in `ALTER TABLE t ADD PRIMARY KEY (id), ADD KEY k (x);`; hand-written SQL may put
them on a column (`id int PRIMARY KEY`, `patient_id int REFERENCES patients(id)`). Plain
indexes (KEY, INDEX) are not keys and are ignored; so are CHECK and EXCLUDE constraints.
"""

from __future__ import annotations

import re

from vigie.ingest.readers.base import DeclaredKey
from vigie.ingest.readers.sql_names import ID, IDENT, QN, split_name, top_level, unquote

_COLS = r"\(((?:[^()]|\(\d+\))*)\)"  # a column list; MySQL prefix lengths `a`(10) allowed
_REFERENCES = r"REFERENCES\s+(" + QN + r")\s*(?:" + _COLS + r")?"
_TABLE_KEY = re.compile(
    r"(?:CONSTRAINT(?:\s+(" + ID + r"))?\s+)?"
    r"(?:(PRIMARY\s+KEY)|(UNIQUE)(?:\s+(?:KEY|INDEX))?|(FOREIGN\s+KEY))"
    r"(?:\s+(?!USING\b)(" + ID + r"))?\s*" + _COLS + r"(?:\s*" + _REFERENCES + r")?",
    re.I | re.S,
)
_COLUMN_PK = re.compile(r"\bPRIMARY\s+KEY\b", re.I)
_COLUMN_UNIQUE = re.compile(r"\bUNIQUE\b", re.I)
_COLUMN_REF = re.compile(r"\b" + _REFERENCES, re.I | re.S)
_STRING = re.compile(r"'(?:[^'\\]|\\.|'')*'", re.S)
_ALTER = re.compile(
    r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(" + QN + r")\s+(.*)", re.I | re.S
)
_ADD = re.compile(r"ADD\s+(?!COLUMN\b)(.*)", re.I | re.S)
_NOT_COLUMN = re.compile(
    r"(?:CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE|LIKE|KEY|INDEX|FULLTEXT|SPATIAL|PERIOD)\b",
    re.I,
)


def _names(cols: str) -> tuple[str, ...]:
    """`a`, b(10) DESC -> ('a', 'b')."""
    out = []
    for part in cols.split(","):
        m = IDENT.search(part)
        if m:
            out.append(unquote(m.group(0)))
    return tuple(out)


def _key(m: re.Match[str]) -> DeclaredKey:
    name, pk, _, fk, index_name, cols, ref, ref_cols = m.groups()
    kind = "primary" if pk else "foreign" if fk else "unique"
    if kind != "foreign" or not ref:
        return DeclaredKey(kind, _names(cols), name=unquote(name or index_name or ""))
    schema, table = split_name(ref)
    return DeclaredKey(
        kind,
        _names(cols),
        ref_table=table,
        ref_schema=schema or "",
        ref_columns=_names(ref_cols or ""),
        name=unquote(name or index_name or ""),
    )


def _element_keys(element: str) -> list[DeclaredKey]:
    """The keys of one CREATE TABLE element: a table constraint, or a column's own."""
    m = _TABLE_KEY.match(element)
    if m:
        return [_key(m)]
    if _NOT_COLUMN.match(element):
        return []
    first = IDENT.match(element)
    if first is None:
        return []
    column = (unquote(first.group(0)),)
    rest = _STRING.sub("''", element[first.end() :])  # a COMMENT may say "primary key"
    keys = []
    if _COLUMN_PK.search(rest):
        keys.append(DeclaredKey("primary", column))
    elif _COLUMN_UNIQUE.search(rest):
        keys.append(DeclaredKey("unique", column))
    ref = _COLUMN_REF.search(rest)
    if ref:
        schema, table = split_name(ref.group(1))
        keys.append(DeclaredKey("foreign", column, table, schema or "", _names(ref.group(2) or "")))
    return keys


def create_table_keys(text: str, start: int) -> list[DeclaredKey]:
    """Keys declared in a CREATE TABLE body starting just after its '('."""
    return [key for element in top_level(text, start) for key in _element_keys(element)]


def alter_table_keys(text: str) -> tuple[str, list[DeclaredKey]] | None:
    """(table, keys added) of an `ALTER TABLE ... ADD [CONSTRAINT]` statement, else None."""
    m = _ALTER.match(text)
    if m is None:
        return None
    keys = []
    for clause in top_level(m.group(2) + ")", 0):
        add = _ADD.match(clause)
        if add:
            found = _TABLE_KEY.match(add.group(1))
            if found:
                keys.append(_key(found))
    return m.group(1), keys
