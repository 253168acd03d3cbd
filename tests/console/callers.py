"""Helpers for the call-centre tests: a code a caller can read out, a scratch copy of the
notified workspace for tests that change it, a person's identity as a caller says it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from vigie.notify import codes
from vigie.workspace import Workspace


def code_for(ws: Workspace, letter_id: str) -> str:
    """A fresh verification code of `letter_id`, stored as notify stores codes (the real
    ones were printed on the letters and never kept)."""
    code = codes.new_code()
    with ws.connect() as con:
        secret = codes.load_secret(con, create=False)
        assert secret is not None
        issuer, issued_on = con.execute(
            "SELECT issuer, issued_on FROM notify_codes WHERE letter_id = ? LIMIT 1", [letter_id]
        ).fetchall()[0]
        codes.store_codes(con, [(codes.code_hash(secret, code), letter_id, issuer, issued_on)])
    return code


def scratch(ws: Workspace, folder: Path) -> Workspace:
    """A copy of the workspace (same id, so the same key) for a test that changes it."""
    copy = folder / "workspace"
    shutil.copytree(ws.path, copy)
    return Workspace.open(copy)


def identity(ws: Workspace, person_id: str) -> dict[str, Any]:
    """What the person would tell an agent: name, first given name, birth date, postcode."""
    with ws.connect(read_only=True) as con:
        surname, first, birth, postcode = con.execute(
            "SELECT surname, first_names, birth_date, postcode FROM persons WHERE person_id = ?",
            [person_id],
        ).fetchall()[0]
    assert isinstance(birth, date)
    return {"nom": surname, "prenom": first.split(" ")[0], "naissance":
            birth.strftime("%d/%m/%Y"), "code_postal": postcode}  # fmt: skip


def letter_of(
    ws: Workspace, where: str = "true", params: list[Any] | None = None
) -> tuple[str, str]:
    """(letter id, person id) of a letter of the initial issue matching `where` (on l, p)."""
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT l.letter_id, l.person_id FROM notify_letters l JOIN persons p USING "
            f"(person_id) WHERE {where} ORDER BY l.letter_id LIMIT 1",
            params or [],
        ).fetchall()
    assert rows, where
    return rows[0][0], rows[0][1]
