"""`vigie link` end to end on a small synth incident (real ingest, registries, scan)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vigie.cli import (
    app,
    link_verbs,  # noqa: F401  (registers link and review on `app`)
)
from vigie.link.pipeline import LinkOptions, run_link
from vigie.link.scope import parse_period
from vigie.workspace import Workspace, table_names


@pytest.fixture(scope="module")
def linked(synth_small: tuple[Path, Path], link_keys: Path) -> tuple[Workspace, Path, dict]:
    ws_path, synth_dir = synth_small
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(link_keys))
        ws = Workspace.open(ws_path)
        options = LinkOptions(
            period=parse_period("2018-06-01..2019-02-05"), evaluate=synth_dir / "truth"
        )
        return ws, synth_dir, run_link(ws, options)


def test_synth_persons_and_controllers_are_found(linked, keys_env) -> None:
    _, _, result = linked
    evaluation = result["evaluation"]
    assert evaluation["cluster"]["f1"] >= 0.99
    assert evaluation["pairwise_leak"]["f1"] >= 0.99
    assert evaluation["controllers"]["accuracy"] >= 0.995
    assert result["persons"] == pytest.approx(2000, rel=0.01)


def test_outputs_have_the_documented_columns(linked, keys_env) -> None:
    ws, _, _ = linked
    with ws.connect() as con:
        cols = {
            t: [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()]
            for t in ("person_records", "person_registry", "persons", "person_exposure")
        }
    # DESIGN.md's four columns, then the path a row reached its person by (issue 13)
    assert cols["person_records"] == ["person_id", "table", "_row", "probability", "via"]
    assert cols["person_registry"] == ["person_id", "controller", "table", "_row", "probability"]
    assert {"person_id", "controllers", "age_group", "deceased", "confidence"} <= set(
        cols["persons"]
    )


def test_every_leak_row_belongs_to_exactly_one_person(linked, keys_env) -> None:
    ws, _, result = linked
    with ws.connect() as con:
        rows = con.execute(
            'SELECT count(*), count(DISTINCT ("table", _row)) FROM person_records'
        ).fetchall()[0]
    assert rows[0] == rows[1] == result["records"]


def test_period_scope_and_departements(linked, keys_env) -> None:
    _, _, result = linked
    period = result["period"]
    assert 0 < period["persons"] <= result["persons"]
    assert set(result["per_departement"]) >= {"22", "35", "56"}


def test_splink_tables_never_reach_the_store(linked, keys_env) -> None:
    ws, _, _ = linked
    with ws.connect() as con:
        names = table_names(con)
    assert not [n for n in names if n.startswith("__splink") or n.startswith("link_records")]
    assert "link_models" in names


def test_model_saved_and_only_its_digest_audited(linked, keys_env) -> None:
    ws, _, result = linked
    with ws.connect() as con:
        digests = [r[0] for r in con.execute("SELECT digest FROM link_models").fetchall()]
    assert result["model_digest"] in digests
    entries = [json.loads(line) for line in ws.audit_path.read_text().splitlines()]
    link_entries = [e for e in entries if e.get("verb") == "link"]
    assert link_entries
    assert "model" not in json.dumps(link_entries[-1]).replace("model_digest", "").replace(
        "model_version", ""
    )


def test_rerun_gives_the_same_persons(linked, keys_env) -> None:
    ws, _, first = linked
    with ws.connect() as con:
        before = con.execute("SELECT * FROM person_records ORDER BY ALL").fetchall()
    again = run_link(ws)
    with ws.connect() as con:
        after = con.execute("SELECT * FROM person_records ORDER BY ALL").fetchall()
    assert again["persons"] == first["persons"]
    assert before == after


def test_cli_link_json_and_review_decisions_kept(linked, keys_env) -> None:
    ws, _, _ = linked
    runner = CliRunner()
    out = runner.invoke(
        app, ["link", str(ws.path), "--json", "--upper", "0.999999", "--lower", "0.001"]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert {"persons", "records", "per_controller", "unlinked", "review_queue"} <= set(doc)
    listed = runner.invoke(app, ["review", str(ws.path), "--list", "--json"])
    pairs = json.loads(listed.stdout)["pairs"]
    if not pairs:
        pytest.skip("no pair in the review band for this incident")
    first = pairs[0]
    assert all(
        "*" in f["left"] or f["left"] in ("", "M", "F")
        for f in first["fields"]
        if f["field"] in ("last_name", "nir")
    )
    for _ in range(2):  # the same decision again (a re-run after a kill) is still one
        decided = runner.invoke(app, ["review", str(ws.path), "--reject", str(first["pair_id"])])
        assert decided.exit_code == 0, decided.output
    runner.invoke(app, ["link", str(ws.path), "--upper", "0.999999", "--lower", "0.001"])
    with ws.connect() as con:
        kept = con.execute("SELECT count(*) FROM link_decisions").fetchall()[0][0]
        queued = con.execute(
            "SELECT count(*) FROM link_review WHERE unique_id_l = ? AND unique_id_r = ?",
            [first["left"], first["right"]],
        ).fetchall()[0][0]
    assert kept == 1 and queued == 0
    # the workspace is shared by the module's tests: back to the default thresholds
    with ws.connect() as con:
        con.execute("DELETE FROM link_decisions")
    run_link(ws)


def test_spark_engine_without_pyspark_says_how_to_install(
    keys_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if the extra were not installed
    out = CliRunner().invoke(app, ["link", str(tmp_path), "--engine", "spark"])
    assert out.exit_code != 0
    assert "pip install 'vigie[spark]'" in str(out.exception or out.output)


def test_registry_deceased_flag_reaches_persons(linked, keys_env) -> None:
    from tests.link.test_scale import deceased_agreement

    ws, synth_dir, result = linked
    dead, flagged, wrongly = deceased_agreement(ws, synth_dir / "truth")
    assert dead > 0
    assert flagged == dead
    assert wrongly == 0
    assert result["deceased"] == flagged


def test_the_model_does_not_depend_on_the_order_of_the_records(synth_small, keys_env) -> None:
    """The records are built unsorted (sorting them doubled their build at 2M persons):
    Splink 5 samples them by a hash of their id, so reversing and shuffling them gives
    the same model and the same scored pairs."""
    from vigie.link import model, records, train

    ws_path, _ = synth_small
    with Workspace.open(ws_path).connect(read_only=True) as con:
        records.build_records(con, records.source_tables(con))
        fields = train.present_fields(con, records.RECORDS)
        settings = model.build_settings(fields)
        results = []
        for order in ("unique_id", "unique_id DESC", "hash(unique_id, 'shuffled')"):
            con.execute(
                f"CREATE OR REPLACE TABLE {records.RECORDS} AS "
                f"SELECT * FROM {records.RECORDS} ORDER BY {order}"
            )
            trained = train.train_and_predict(con, records.RECORDS, settings, fields, lower=0.5)
            pairs = con.execute(
                f"SELECT unique_id_l, unique_id_r, round(match_probability, 9) FROM {train.PAIRS} "
                "ORDER BY ALL"
            ).fetchall()
            results.append((trained.digest, pairs))
    assert results[0][1], "the small synth scores pairs"
    assert results[0] == results[1] == results[2]


def test_person_exposure_is_stored_in_person_order(linked, keys_env) -> None:
    """The console reads a person's elements by person_id: stored in that order, a lookup
    reads one block (DuckDB's zone maps) instead of the whole table."""
    ws, _, _ = linked
    with ws.connect() as con:
        stored = [r[0] for r in con.execute("SELECT person_id FROM person_exposure").fetchall()]
    assert len(stored) > 1000
    assert stored == sorted(stored)
