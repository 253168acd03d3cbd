"""`vigie synth` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigie.cli import main


def test_synth_json_reports_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["synth", str(tmp_path / "inc"), "--persons", "200", "--seed", "4", "--json"])
    assert done.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["persons_in_leak"] == 200
    assert "leak/export_sil.sql" in data["files"]
    facts = (tmp_path / "inc" / "incident.yaml").read_text(encoding="utf-8")
    assert facts.count("dpo_email:") == 28 and "persons: null" in facts


def test_synth_refuses_too_few_persons(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as done:
        main(["synth", str(tmp_path / "inc"), "--persons", "3"])
    assert done.value.code != 0


def test_synth_shape_relational_writes_the_lis_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(
            ["synth", str(tmp_path / "inc"), "--persons", "100", "--shape", "relational", "--json"]
        )
    assert done.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["shape"] == "relational"
    assert "leak/sil_prod.sql" in data["files"] and "truth/keys.csv" in data["files"]
    assert data["rows_per_file"]["csv/laboratoires.csv"] == 28
