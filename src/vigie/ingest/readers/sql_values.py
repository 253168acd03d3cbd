"""Tokenizers for the VALUES lists of MySQL and PostgreSQL INSERT statements.

`parse_rows` walks `(...), (...)` tuples. A fast path matches one whole tuple of the
expected width with one compiled regex (strings, NULL and numbers only); anything else
(introducers, hex, E'' strings, a wrong width) goes through a general tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from vigie.ingest.readers.sql_lexing import Charset, charset_for, hex_or_text

Parsed = tuple[tuple[str | None, ...] | None, str | None, int, int]  # values, fault, start, end
_SURROGATE = re.compile("[\udc80-\udcff]")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"

_MY_ESCAPES = {
    "0": "\0",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "Z": "\x1a",
    "%": "\\%",
    "_": "\\_",
}
_MY_ESC = re.compile(r"\\(.)|''|\"\"", re.S)


def mysql_unescape(s: str) -> str:
    """Undo MySQL string escapes (\\% and \\_ keep their backslash, as MySQL does)."""
    if "\\" not in s.replace("\\'", "") and "''" not in s:
        return s.replace("\\'", "'")  # the common case: only escaped quotes

    def sub(m: re.Match[str]) -> str:
        c = m.group(1)
        if c is None:
            return m.group(0)[0]
        return _MY_ESCAPES.get(c, c)

    return _MY_ESC.sub(sub, s)


_PG_ESC = re.compile(
    r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S
)
_PG_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def pg_unescape(s: str, charset: Charset, copy: bool) -> str:
    """Undo E'' string escapes (copy=False) or COPY text escapes (copy=True, adds \\v).

    Octal and hex escapes are bytes in the dump's encoding, so they are gathered and decoded.
    """
    simple = _PG_SIMPLE if copy else {k: v for k, v in _PG_SIMPLE.items() if k != "v"}
    has_bytes = False

    def sub(m: re.Match[str]) -> str:
        nonlocal has_bytes
        octal, hexa, u4, u8, other = m.groups()
        if octal or hexa:
            n = int(octal, 8) & 0xFF if octal else int(hexa, 16)
            if n < 0x80:
                return chr(n)
            has_bytes = True
            return chr(0xDC00 + n)
        if (u4 or u8) and not copy:
            return chr(int(u4 or u8, 16))
        if u4 or u8:
            return m.group(0)[1:]
        return simple.get(other, other)

    out = _PG_ESC.sub(sub, s)
    if has_bytes:
        out = charset.encode(out).decode(
            charset.name if charset.name != "mysql-latin1" else "cp1252", "replace"
        )
    return out


def fix_binary(values: tuple[str | None, ...], charset: Charset) -> tuple[str | None, ...]:
    """Values holding bytes invalid in the charset are binary data: UTF-8 text or hex."""
    return tuple(
        hex_or_text(charset.encode(v)) if v is not None and _SURROGATE.search(v) else v
        for v in values
    )


class ValuesParser:
    """Common tuple walking; subclasses supply the fast pattern and the general token step."""

    fast_value: str

    def __init__(self) -> None:
        self._fast: Callable[[int], re.Pattern[str]] = lru_cache(maxsize=64)(self._fast_pattern)

    def _fast_pattern(self, n: int) -> re.Pattern[str]:
        return re.compile(r"\(" + ",".join([self.fast_value] * n) + r"\)\s*(?:,\s*)?", re.S)

    def convert_fast(self, g: tuple[str | None, ...], row: str) -> tuple[str | None, ...]:
        raise NotImplementedError

    def slow_row(
        self, body: str, pos: int, ctx: dict[str, object]
    ) -> tuple[list[str | None] | None, str | None, int]:
        raise NotImplementedError

    def parse_rows(
        self, body: str, pos: int, width: int | None, ctx: dict[str, object]
    ) -> list[Parsed]:
        """Parse tuples from `pos` to the end of `body`; a fault stops the walk."""
        out: list[Parsed] = []
        end = len(body)
        fast = self._fast(width) if width else None
        convert = self.convert_fast
        while pos < end:
            m = fast.match(body, pos) if fast else None
            if m:
                out.append((convert(m.groups(), m.group(0)), None, pos, m.end()))
                pos = m.end()
                continue
            values, fault, new = self.slow_row(body, pos, ctx)
            out.append((tuple(values) if values is not None else None, fault, pos, new))
            if fault:
                return out
            pos = new
        return out


class MysqlValues(ValuesParser):
    # mysqldump writes tuples without spaces; one group per value, quotes kept, is the
    # fastest form for the regex engine (rows with spaces take the general path).
    fast_value = r"('(?:[^'\\]*+(?:\\.[^'\\]*+)*+)'|NULL|[-+]?\.?[0-9][0-9.eE+-]*+)"
    _tok = re.compile(
        r"""\s*(?:'((?:[^'\\]++|\\.|'')*+)'|"((?:[^"\\]++|\\.|"")*+)"|[xX]'([0-9A-Fa-f]*)'"""
        r"""|0x([0-9A-Fa-f]+)\b|[bB]'([01]*)'|0b([01]+)\b|(_[A-Za-z0-9]+)\b|([^\s,()'"`]+)|([,()]))""",
        re.S,
    )

    def convert_fast(self, g: tuple[str | None, ...], row: str) -> tuple[str | None, ...]:
        vals = [None if x == "NULL" else (x[1:-1] if x[0] == "'" else x) for x in g]  # type: ignore[index]
        if "\\" in row:
            vals = [mysql_unescape(v) if v is not None and "\\" in v else v for v in vals]
        return tuple(vals)

    def slow_row(
        self, body: str, pos: int, ctx: dict[str, object]
    ) -> tuple[list[str | None] | None, str | None, int]:
        tok = self._tok
        m = tok.match(body, pos)
        if not m or m.group(9) != "(":
            return None, _fault(body, pos), len(body)
        pos = m.end()
        vals: list[str | None] = []
        charset = ctx["charset"]
        assert isinstance(charset, Charset)
        intro: str | None = None
        while True:
            m = tok.match(body, pos)
            if not m or not m.group(0).strip():
                return None, _fault(body, pos), len(body)
            sq, dq, xq, x0, bq, b0, introducer, word, punct = m.groups()
            pos = m.end()
            if punct:
                if punct == "(" or (punct == "," and (intro or (len(vals) == 0 and False))):
                    return None, "unexpected '('", len(body)
                if punct == ")":
                    break
                continue
            if introducer:
                intro = introducer[1:]
                continue
            if sq is not None or (dq is not None and not ctx.get("ansi")):
                text = mysql_unescape(sq if sq is not None else dq or "")
                vals.append(_introduced(text, intro, charset) if intro else text)
            elif xq is not None or x0 is not None:
                vals.append(hex_or_text(bytes.fromhex(_even(xq if xq is not None else x0 or ""))))
            elif bq is not None or b0 is not None:
                vals.append(str(int(bq or b0 or "0", 2)))
            elif word is not None:
                vals.append(None if word.upper() == "NULL" else word)
            else:
                return None, "identifier where a value is expected", len(body)
            intro = None
        m = re.compile(r"\s*(?:,\s*)?").match(body, pos)
        return vals, None, m.end() if m else pos


def _even(h: str) -> str:
    return h if len(h) % 2 == 0 else "0" + h


def _introduced(text: str, intro: str, charset: Charset) -> str:
    raw = charset.encode(text)
    if intro.lower() == "binary":
        return hex_or_text(raw)
    target = charset_for(intro, mysql=True)
    if target is None:
        return text
    decoded, dirty = target.decode(raw)
    return hex_or_text(raw) if dirty else decoded


def _fault(body: str, pos: int) -> str:
    rest = body[pos:].lstrip()
    if not rest:
        return "statement ends inside a row"
    if rest[0] in "'\"":
        return "unterminated string"
    return "unexpected text where a value is expected"


class PgValues(ValuesParser):
    fast_value = r"\s*(?:'((?:[^']++|'')*+)'|(NULL|true|false|" + _NUMBER + r"))\s*"
    _tok = re.compile(
        r"""\s*(?:'((?:[^']++|'')*+)'|[eE]'((?:[^'\\]++|\\.|'')*+)'|[bBxX]'([0-9A-Fa-f]*)'"""
        r"""|\$((?:[A-Za-z_]\w*)?)\$(.*?)\$\4\$|([^\s,()']+)|([,()]))""",
        re.S,
    )

    def convert_fast(self, g: tuple[str | None, ...], row: str) -> tuple[str | None, ...]:
        vals = [
            a if a is not None else (None if b == "NULL" else b)
            for a, b in zip(g[::2], g[1::2], strict=True)
        ]
        if "''" in row:
            vals = [v.replace("''", "'") if v is not None and "''" in v else v for v in vals]
        return tuple(vals)

    def slow_row(
        self, body: str, pos: int, ctx: dict[str, object]
    ) -> tuple[list[str | None] | None, str | None, int]:
        tok = self._tok
        m = tok.match(body, pos)
        if not m or m.group(7) != "(":
            return None, _fault(body, pos), len(body)
        pos = m.end()
        charset = ctx["charset"]
        assert isinstance(charset, Charset)
        vals: list[str | None] = []
        while True:
            m = tok.match(body, pos)
            if not m or not m.group(0).strip():
                return None, _fault(body, pos), len(body)
            std, esc, bits, _tag, dollar, word, punct = m.groups()
            pos = m.end()
            if punct == ")":
                break
            if punct == "(":
                return None, "unexpected '('", len(body)
            if punct:
                continue
            if std is not None:
                vals.append(std.replace("''", "'"))
            elif esc is not None:
                vals.append(pg_unescape(esc.replace("''", "'"), charset, copy=False))
            elif bits is not None:
                vals.append(bits)
            elif dollar is not None:
                vals.append(dollar)
            else:
                vals.append(None if word and word.upper() == "NULL" else word)
        m = re.compile(r"\s*(?:,\s*)?").match(body, pos)
        return vals, None, m.end() if m else pos
