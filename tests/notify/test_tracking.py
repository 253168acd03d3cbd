"""Delivery status per letter, and resending returned letters to a newer address.

Runs on the shared notified workspace after test_letters (it adds a resend issue)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.notify.conftest import Notified
from tests.notify.pdftext import page_texts
from vigie.cli import _register_verbs, app
from vigie.errors import InputError
from vigie.notify.run import NotifyOptions
from vigie.notify.tracking import import_status, resend_returned, status_counts
from vigie.workspace import Workspace, quote_ident

# The shared synth incident takes ~25 s to build (synth -> link -> assess -> notify).
pytestmark = [pytest.mark.usefixtures("notify_env"), pytest.mark.slow]
_register_verbs()


def _manifest(notified: Notified) -> list[dict[str, str]]:
    with (Path(notified.result["out"]) / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["letter_id", "status", "date"])
        writer.writerows([(lid, status, "2021-03-10") for lid, status in rows])
    return path


def test_bad_status_file_lists_every_problem(notified: Notified, tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.csv", [("L99-000001", "sent"), ("L01-000001", "lost")])
    with pytest.raises(InputError, match="line 2: unknown letter id; line 3: unknown status"):
        import_status(Workspace.open(notified.workspace), bad)


def test_status_import_and_resend_to_the_newer_registry_address(
    notified: Notified, tmp_path: Path
) -> None:
    ws = Workspace.open(notified.workspace)
    ids = [r["letter_id"] for r in _manifest(notified)]
    rows = [(lid, "sent") for lid in ids] + [(ids[0], "NPAI"), (ids[1], "returned")]
    source = _write(tmp_path / "laposte.csv", rows)
    assert import_status(ws, source)["returned"] == 2
    import_status(ws, source)  # the same file again replaces its rows
    assert status_counts(ws) == {"returned": 2, "sent": len(ids) - 2}
    # The lab updated its patient index after the first letter was returned.
    with ws.connect() as con:
        pid = con.execute(
            "SELECT person_id FROM notify_letters WHERE letter_id = ?", [ids[0]]
        ).fetchall()[0][0]
        table, row = con.execute(
            'SELECT "table", _row FROM person_registry WHERE person_id = ? '
            "ORDER BY probability DESC LIMIT 1",
            [pid],
        ).fetchall()[0]
        column = con.execute(
            "SELECT column_name FROM scan_columns WHERE table_name = ? AND "
            "element = 'contact.address' LIMIT 1",
            [table],
        ).fetchall()[0][0]
        con.execute(
            f"UPDATE {quote_ident(table)} SET {quote_ident(column)} = "
            "'17 rue des Nouveaux Quartiers' WHERE _row = ?",
            [row],
        )
    result = resend_returned(ws, NotifyOptions(processes=1))
    assert result["returned"] == 2
    assert result["letters"] >= 1 and result["letters"] + result["no_newer_address"] == 2
    pdf = Path(result["out"]) / "letters" / "batch-0001.pdf"
    assert any("17 RUE DES NOUVEAUX QUARTIERS" in page for page in page_texts(pdf))
    again = resend_returned(ws, NotifyOptions(processes=1))
    assert again["letters"] == 0  # already resent


def test_verify_cli_exit_codes(notified: Notified) -> None:
    from tests.notify.test_letters import _codes_from_pages

    code = next(iter(_codes_from_pages(notified).values()))
    ok = CliRunner().invoke(app, ["verify", str(notified.workspace), code.lower()])
    assert ok.exit_code == 0 and "genuine" in ok.output
    altered = code[:-1] + ("0" if code[-1] != "0" else "1")
    bad = CliRunner().invoke(app, ["verify", str(notified.workspace), altered, "--json"])
    assert bad.exit_code == 1 and '"genuine": false' in bad.output
