"""SQL identifiers as dumps write them: quoted or bare, maybe schema-qualified."""

from __future__ import annotations

import re

ID = r"""(?:`(?:[^`]|``)+`|"(?:[^"]|"")+"|[\w$]+)"""
QN = ID + r"(?:\s*\.\s*" + ID + r")?"
IDENT = re.compile(ID)
# One token of a statement body: a quoted string or name, a parenthesis, a comma, or a run
# of anything else; enough to walk a CREATE TABLE body at depth 0.
ITEM = re.compile(r"""'(?:[^'\\]|\\.|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|[(),]|[^'"`(),]+""", re.S)


def unquote(ident: str) -> str:
    """An identifier without its quotes (doubled quotes undone)."""
    if ident[:1] in '`"' and len(ident) >= 2:
        q = ident[0]
        return ident[1:-1].replace(q + q, q)
    return ident


def split_name(qn: str) -> tuple[str | None, str]:
    parts = [unquote(p) for p in IDENT.findall(qn)]
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])


def top_level(text: str, start: int) -> list[str]:
    """The comma-separated elements of a parenthesised body starting just after its '('."""
    out: list[str] = []
    depth = 0
    current: list[str] = []
    for m in ITEM.finditer(text, start):
        tok = m.group(0)
        if tok == "(":
            depth += 1
        elif tok == ")":
            if depth == 0:
                break
            depth -= 1
        elif tok == "," and depth == 0:
            out.append("".join(current).strip())
            current = []
            continue
        current.append(tok)
    out.append("".join(current).strip())
    return [e for e in out if e]
