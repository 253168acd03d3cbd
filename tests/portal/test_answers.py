"""`vigie portal requests import`: requests sealed by the live portal are opened with the
store's key and answered by post only: concerned, or by hand when nothing on record
matches (the small synth's `persons` holds leak persons only, so no "not concerned")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.cli.runner import vigie
from tests.portal.conftest import Portal
from tests.portal.live import live_portal
from tests.portal.test_selfcheck import OUTSIDER, _post
from vigie.workspace import Workspace


def _person(con: Any) -> dict[str, str]:
    row = con.execute(
        "SELECT surname, first_names, birth_date, postcode FROM persons "
        "WHERE leak_rows > 0 AND address IS NOT NULL ORDER BY person_id LIMIT 1"
    ).fetchone()
    assert row is not None
    # Typed as a person would: lower case, no accents needed, first given name only.
    return {"nom": row[0].lower(), "prenom": row[1].split()[0].title(),
            "date_naissance": row[2].isoformat(), "code_postal": row[3], "email": ""}  # fmt: skip


def test_import_answers_by_post_only(built: Portal, tmp_path: Path, portal_env: Path) -> None:
    with Workspace.open(built.workspace).connect() as con:
        inside = _person(con)
    sealed = tmp_path / "requests.sealed"
    with live_portal(built.bundle, requests_file=sealed) as base, httpx.Client() as client:
        for values in (inside, OUTSIDER):
            assert _post(client, base, values).status_code == 200
    with sealed.open("ab") as f:
        f.write(b"bm90IHNlYWxlZA==\n")  # a forged line: opens with no key
    run = vigie("portal", "requests", "import", str(built.workspace), str(sealed), "--json",
                env={"VIGIE_KEY_DIR": str(portal_env)})  # fmt: skip
    assert run.code == 0, run.stderr
    assert run.json() == {"requests": 2, "unreadable": 1, "concerned": 1, "not_concerned": 0,
                          "by_hand": 1}  # fmt: skip
    with Workspace.open(built.workspace).connect() as con:
        outcomes = con.execute("SELECT outcome, person_id IS NULL FROM portal_answers "
                               "ORDER BY request_no").fetchall()  # fmt: skip
    assert outcomes == [("concerned", False), ("by_hand", True)]
    audit = (built.workspace / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    assert json.loads(audit)["verb"] == "portal requests import"
    for values in (inside, OUTSIDER):
        assert values["nom"] not in audit.lower() and values["date_naissance"] not in audit
