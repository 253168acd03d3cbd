"""`vigie link --engine spark`: Splink's Spark backend finds the same persons as the default
DuckDB engine on a ~5,000-row synth incident, on a real standalone cluster (a master and
two workers started from the pyspark installation on loopback) and, with
VIGIE_SPARK_LOCAL=1, in local mode (the same session code: left out of `make test` for
time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.link.incident import build_synth
from tests.link.spark_cluster import java_available, standalone_cluster
from vigie.link import model
from vigie.link.pipeline import LinkOptions, run_link
from vigie.link.spark import spark_settings
from vigie.workspace import Workspace

pytest.importorskip("pyspark")
needs_java = pytest.mark.skipif(not java_available(), reason="Spark needs Java 17")

Persons = tuple[set[tuple], set[tuple]]


def _persons(ws: Workspace) -> Persons:
    with ws.connect() as con:
        leak = con.execute('SELECT person_id, "table", _row FROM person_records').fetchall()
        registry = con.execute(
            'SELECT person_id, controller, "table", _row FROM person_registry'
        ).fetchall()
    return set(leak), set(registry)


@pytest.fixture(scope="module")
def linked_by_duckdb(
    tmp_path_factory: pytest.TempPathFactory, link_keys: Path
) -> tuple[Path, Path, dict, Persons]:
    """(workspace, synth dir, DuckDB's result, DuckDB's persons): ~5,000 records."""
    root = tmp_path_factory.mktemp("link-spark")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(link_keys))
        mp.delenv("VIGIE_KEY", raising=False)
        ws_path, synth_dir = build_synth(root, persons=1700, seed=3)
        ws = Workspace.open(ws_path)
        duck = run_link(ws, LinkOptions(engine="duckdb"))
        return ws_path, synth_dir, duck, _persons(ws)


@pytest.mark.slow
@pytest.mark.spark
@needs_java
@pytest.mark.skipif(
    not os.environ.get("VIGIE_SPARK_LOCAL"),
    reason="local mode runs the cluster test's session code (1.5-2.5 minutes more); "
    "VIGIE_SPARK_LOCAL=1 runs it",
)
def test_spark_engine_finds_the_same_persons_as_duckdb(
    linked_by_duckdb: tuple[Path, Path, dict, Persons], keys_env: Path
) -> None:
    ws_path, synth_dir, duck, expected = linked_by_duckdb
    ws = Workspace.open(ws_path)
    spark = run_link(ws, LinkOptions(engine="spark", evaluate=synth_dir / "truth"))
    assert duck["input_records"] >= 4500
    assert spark["persons"] == duck["persons"]
    assert _persons(ws) == expected
    assert spark["evaluation"]["cluster"]["f1"] >= 0.99
    assert not (ws.path / ".tmp" / "spark").exists()  # Spark's spill folder is removed


def _vigie(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigie", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=1800,  # minutes on a loaded 2-core machine; a hang must still end
    )


def _quiet(stderr: str) -> None:
    """Nothing of Java's on the terminal: no stack frame, no log4j line."""
    for marker in ("\tat ", "Exception", " WARN ", " ERROR ", "log4j", "py4j"):
        assert marker not in stderr, stderr[-2000:]


@pytest.mark.slow
@pytest.mark.spark
@needs_java
def test_spark_cluster_finds_the_same_persons_as_duckdb(
    linked_by_duckdb: tuple[Path, Path, dict, Persons],
    keys_env: Path,
    tmp_path: Path,
) -> None:
    ws_path, synth_dir, duck, expected = linked_by_duckdb
    with standalone_cluster(tmp_path / "cluster", workers=0) as cluster:
        env = {**cluster.env(), "VIGIE_KEY_DIR": str(keys_env), "VIGIE_SPARK_WAIT": "3"}
        master = ["--engine", "spark", "--spark-master", cluster.master_url]
        # a master without workers: one line, no Java
        alone = _vigie(["link", str(ws_path), *master], env)
        assert alone.returncode == 4, alone.stderr[-2000:]
        assert "gave no executor in 3 s" in alone.stderr
        assert alone.stderr.count("\n") == 1
        _quiet(alone.stderr)

        cluster.add_workers(2)
        args = ["link", str(ws_path), *master, "--evaluate", str(synth_dir / "truth"), "--json"]
        done = _vigie(args, env)
        assert done.returncode == 0, done.stderr[-3000:]
        _quiet(done.stderr)
    result = json.loads(done.stdout)
    assert result["persons"] == duck["persons"]
    assert _persons(Workspace.open(ws_path)) == expected
    assert result["evaluation"]["cluster"]["f1"] >= 0.99
    assert not (ws_path / ".tmp" / "spark").exists()
    # the executors ran on the workers: each wrote its application folder there
    assert any((tmp_path / "cluster" / f"work{n}").glob("app-*") for n in range(2))
    assert "spark_master" in (ws_path / "audit.jsonl").read_text()


def test_unreachable_master_and_missing_secret_are_one_line_errors(
    linked_by_duckdb: tuple[Path, Path, dict, Persons], keys_env: Path, tmp_path: Path
) -> None:
    ws_path = linked_by_duckdb[0]
    secret = tmp_path / "secret"
    secret.write_text("not-a-real-secret\n")
    env = {"VIGIE_KEY_DIR": str(keys_env), "VIGIE_SPARK_SECRET_FILE": str(secret)}
    closed = _free_port()
    cases = [
        (f"spark://127.0.0.1:{closed}", env, "cannot reach the Spark master"),
        ("spark://127.0.0.1", env, "expected spark://HOST:PORT"),
        ("mesos://127.0.0.1:5050", env, "expected spark://HOST:PORT, k8s://HOST:PORT or yarn"),
        (f"spark://127.0.0.1:{closed}", {"VIGIE_KEY_DIR": str(keys_env)}, "shared secret"),
    ]
    for url, case_env, message in cases:
        out = _vigie(["link", str(ws_path), "--engine", "spark", "--spark-master", url], case_env)
        assert out.returncode == 4, out.stderr[-2000:]
        assert out.stderr.startswith("vigie: error: ") and out.stderr.count("\n") == 1
        assert message in out.stderr
    out = _vigie(["link", str(ws_path), "--spark-master", "spark://127.0.0.1:7077"], env)
    assert out.returncode == 4 and "--spark-master needs --engine spark" in out.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_model_sql_is_translated_for_spark() -> None:
    settings = model.build_settings({"surname_key", "first_name", "nir", "street", "postcode"})
    text = str(spark_settings(settings))
    assert "jaro_winkler(" in text and "arrays_overlap(" in text
    assert "jaro_winkler_similarity" not in text and "list_has_any" not in text
    assert "hamming(" not in text and "sequence(1, length(nir_l))" in text
    assert "jaro_winkler_similarity" in str(settings)  # the DuckDB spec is left as it was


@pytest.mark.parametrize(
    ("log_text", "expected"),
    [
        (
            "ERROR Exception while bootstrapping client after 391 ms\n"
            "ERROR Application has been killed. Reason: All masters are unresponsive!",
            "refused vigie's connection: its spark.authenticate secret differs",
        ),
        (
            "WARN Failed to connect to master 10.0.0.5:7077\n"
            "ERROR Application has been killed. Reason: All masters are unresponsive!",
            "did not register vigie's application: it runs another Spark version",
        ),
        ("", "Spark could not start on spark://10.0.0.5:7077 (ValueError)"),
    ],
)
def test_a_session_that_does_not_start_is_explained_from_the_driver_log(
    log_text: str, expected: str
) -> None:
    from vigie.link.spark_session import Target, _start_failure

    target = Target("spark://10.0.0.5:7077", "secret")
    assert expected in _start_failure(target, log_text, ValueError("x"))
    assert "secret" not in repr(target)  # the secret is kept out of reprs


def test_a_failed_job_names_the_java_exception_never_its_message() -> None:
    from vigie.link.spark_session import Target, job_failure

    message = (
        "An error occurred while calling o123.collect.\n: org.apache.spark.SparkException: "
        "Job aborted due to stage failure: Task 0 in stage 3.0 failed 4 times (executor 1): "
        'java.lang.NumberFormatException: For input string: "DUPONT"\n\tat java.base/...'
    )
    error = str(job_failure(Target("spark://h:7077"), RuntimeError(message)))
    assert "java.lang.NumberFormatException" in error
    assert "DUPONT" not in error and "\n" not in error
    oom = job_failure(Target(), RuntimeError("java.lang.OutOfMemoryError: Java heap space"))
    assert "local mode" in str(oom) and "spark.executor.memory" in str(oom)
