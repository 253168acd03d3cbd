"""Helpers for the synth tests."""

from __future__ import annotations

import csv
from pathlib import Path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def sql_tuples(text: str, table: str) -> list[list[str | None]]:
    """Parse the INSERT lines of `table` in a mysqldump into rows of unescaped values."""
    unescape = {"n": "\n", "r": "\r", "0": "\0", "Z": "\x1a"}
    rows: list[list[str | None]] = []
    prefix = f"INSERT INTO `{table}` VALUES "
    for line in text.splitlines():
        if not line.startswith(prefix):
            continue
        i, s = len(prefix), line
        while i < len(s) and s[i] == "(":
            i += 1
            row: list[str | None] = []
            while True:
                if s[i] == "'":
                    i += 1
                    buf = []
                    while s[i] != "'":
                        if s[i] == "\\":
                            i += 1
                            buf.append(unescape.get(s[i], s[i]))
                        else:
                            buf.append(s[i])
                        i += 1
                    i += 1
                    row.append("".join(buf))
                else:
                    j = i
                    while s[i] not in ",)":
                        i += 1
                    token = s[j:i]
                    row.append(None if token == "NULL" else token)
                if s[i] == ",":
                    i += 1
                    continue
                i += 1  # ')'
                break
            rows.append(row)
            if i < len(s) and s[i] in ",;":
                i += 1
    return rows
