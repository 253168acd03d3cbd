"""`vigie link --engine spark`: Splink's Spark backend (PySpark local mode) finds the same
persons as the default DuckDB engine on a ~5,000-row synth incident."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.link.incident import build_synth
from vigie.link import model
from vigie.link.pipeline import LinkOptions, run_link
from vigie.link.spark import spark_settings
from vigie.workspace import Workspace

pytest.importorskip("pyspark")


def _persons(ws: Workspace) -> tuple[set[tuple], set[tuple]]:
    with ws.connect() as con:
        leak = con.execute('SELECT person_id, "table", _row FROM person_records').fetchall()
        registry = con.execute(
            'SELECT person_id, controller, "table", _row FROM person_registry'
        ).fetchall()
    return set(leak), set(registry)


@pytest.mark.slow
def test_spark_engine_finds_the_same_persons_as_duckdb(
    tmp_path_factory: pytest.TempPathFactory, keys_env: Path
) -> None:
    root = tmp_path_factory.mktemp("link-spark")
    ws_path, synth_dir = build_synth(root, persons=1700, seed=3)
    ws = Workspace.open(ws_path)
    duck = run_link(ws, LinkOptions(engine="duckdb"))
    expected = _persons(ws)
    spark = run_link(ws, LinkOptions(engine="spark", evaluate=synth_dir / "truth"))
    assert duck["input_records"] >= 4500
    assert spark["persons"] == duck["persons"]
    assert _persons(ws) == expected
    assert spark["evaluation"]["cluster"]["f1"] >= 0.99
    assert not (ws.path / ".tmp" / "spark").exists()  # Spark's spill folder is removed


def test_model_sql_is_translated_for_spark() -> None:
    settings = model.build_settings({"surname_key", "first_name", "nir", "street", "postcode"})
    text = str(spark_settings(settings))
    assert "jaro_winkler(" in text and "arrays_overlap(" in text
    assert "jaro_winkler_similarity" not in text and "list_has_any" not in text
    assert "hamming(" not in text and "sequence(1, length(nir_l))" in text
    assert "jaro_winkler_similarity" in str(settings)  # the DuckDB spec is left as it was
