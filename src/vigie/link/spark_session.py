"""The Spark session behind `vigie link --engine spark`: local mode, or a cluster.

One code path for both: vigie starts the driver JVM itself (PySpark's `launch_gateway`)
with its output in a private log file, so nothing Java ever reaches the terminal; what
the user sees is vigie's one-line error, worked out from that log. With `--spark-master`
(a standalone master `spark://host:port`, `k8s://…` or `yarn`):

- the master is checked reachable before any JVM starts;
- RPC authentication (`spark.authenticate`) and AES network encryption
  (`spark.network.crypto.enabled`) are on, and cannot be turned off from vigie; a
  standalone cluster needs the shared secret of its master and workers
  (`VIGIE_SPARK_SECRET_FILE`, or `VIGIE_SPARK_SECRET`), set on the driver's JVM through
  Py4J, never on a command line; Kubernetes and YARN make one per application;
- spills, shuffles and cached blocks written on the executors' disks are encrypted
  (`spark.io.encryption.enabled`, a key per application, never written);
- vigie waits for executors (`VIGIE_SPARK_WAIT` seconds, 90) and checks they run the
  driver's Spark version.

Everything else about the cluster (executor memory and cores, the driver's address the
workers call back) comes from Spark's own `spark-defaults.conf` (`SPARK_CONF_DIR`).
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigie.errors import ConfigError

log = logging.getLogger(__name__)

SPARK_HINT = "--engine spark needs PySpark: pip install 'vigie[spark]' (pyspark>=3.5)"
SECRET_FILE_ENV = "VIGIE_SPARK_SECRET_FILE"
SECRET_ENV = "VIGIE_SPARK_SECRET"
WAIT_ENV = "VIGIE_SPARK_WAIT"
MEMORY_ENV = "VIGIE_SPARK_MEMORY"
DEFAULT_WAIT = 90.0  # seconds for the first executor: a busy cluster may take a while
_CONNECT_TIMEOUT = 5.0
_STANDALONE = re.compile(r"^spark://([^/]+)$")
_KUBERNETES = re.compile(r"^k8s://(https?://)?([^/:]+)(?::(\d+))?/?$")
# Settings vigie always sets on a cluster: a spark-defaults.conf cannot turn them off.
CLUSTER_SECURITY = {
    "spark.authenticate": "true",
    "spark.network.crypto.enabled": "true",
    "spark.io.encryption.enabled": "true",
}


@dataclass(frozen=True)
class Target:
    """Where Spark runs: local mode (master None) or a cluster's master URL."""

    master: str | None = None
    secret: str | None = field(default=None, repr=False)

    @property
    def local(self) -> bool:
        return self.master is None


def require_pyspark() -> None:
    """A ConfigError saying how to install the extra when PySpark is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError(SPARK_HINT) from None


def cluster_target(master: str) -> Target:
    """The cluster named by `--spark-master`, checked: a known kind of URL, a reachable
    master, and for a standalone master the shared secret."""
    master = master.strip()
    standalone = _STANDALONE.match(master)
    kube = _KUBERNETES.match(master)
    if master.startswith("local"):
        raise ConfigError("--spark-master: for local mode leave it out (--engine spark alone)")
    if not (standalone or kube or master == "yarn"):
        raise ConfigError(
            f"--spark-master: expected spark://HOST:PORT, k8s://HOST:PORT or yarn, "
            f"not {master[:80]!r}"
        )
    if standalone:
        addresses = [a.rpartition(":") for a in standalone.group(1).split(",")]  # HA: several
        if any(not host or not port.isdigit() for host, _, port in addresses):
            raise ConfigError(f"--spark-master: expected spark://HOST:PORT, not {master!r}")
        secret = _secret(master)
        for host, _, port in addresses:
            _reachable(master, host, int(port))
        return Target(master, secret)
    if kube:
        https = kube.group(1) != "http://"
        _reachable(master, kube.group(2), int(kube.group(3) or (443 if https else 80)))
    return Target(master)


def _reachable(master: str, host: str, port: int) -> None:
    try:
        with socket.create_connection((host.strip("[]"), port), timeout=_CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, TimeoutError | socket.timeout):
            reason = f"no answer in {_CONNECT_TIMEOUT:.0f} s"
        raise ConfigError(f"cannot reach the Spark master {master}: {reason.lower()}") from None


def _secret(master: str) -> str:
    path = os.environ.get(SECRET_FILE_ENV)
    if path:
        try:
            secret = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{SECRET_FILE_ENV}: cannot read {path}: {exc.strerror}") from None
    else:
        secret = os.environ.get(SECRET_ENV, "").strip()
    if not secret:
        raise ConfigError(
            f"{master}: a standalone cluster needs its shared secret (spark.authenticate."
            f"secret of its master and workers) in the file named by {SECRET_FILE_ENV}"
            f" or in {SECRET_ENV}"
        )
    return secret


# -- the driver JVM ----------------------------------------------------------------------

_GATEWAY: Any = None  # the driver JVM vigie started in this process, reused by later runs
_LOG: Path | None = None


def _log_path() -> Path:
    """The driver JVM's output: a private file, removed when the process ends (a Spark
    error can quote a value; it must not outlive the run)."""
    global _LOG
    if _LOG is None:
        folder = Path(tempfile.mkdtemp(prefix="vigie-spark-"))
        atexit.register(shutil.rmtree, folder, True)
        _LOG = folder / "driver.log"
    return _LOG


def _gateway() -> Any:
    """Start the driver JVM once per process, its stdout and stderr in the log file."""
    global _GATEWAY
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from splink.backends.spark import similarity_jar_location

    existing = getattr(SparkContext, "_gateway", None)  # started by someone else: reuse
    if existing is not None:
        return existing
    if _GATEWAY is None:
        # Only what the JVM needs at start: it is on spark-submit's command line (no secret)
        launch = SparkConf(loadDefaults=False)
        launch.set("spark.driver.memory", os.environ.get(MEMORY_ENV, "4g"))
        launch.set("spark.jars", similarity_jar_location())  # Splink's Scala similarity UDFs
        with _log_path().open("ab") as out:
            _GATEWAY = launch_gateway(launch, popen_kwargs={"stdout": out, "stderr": out})
    return _GATEWAY


def _conf(gateway: Any, target: Target, work_dir: Path) -> Any:
    from pyspark import SparkConf

    conf = SparkConf(_jvm=gateway.jvm)  # spark-submit's settings (spark-defaults.conf)
    conf.setAppName("vigie-link")
    conf.setMaster(target.master or f"local[{max(1, os.cpu_count() or 1)}]")
    conf.set("spark.local.dir", str(work_dir))  # the driver's spills; executors: their own
    conf.set("spark.io.encryption.enabled", "true")
    conf.set("spark.ui.enabled", "false")
    conf.set("spark.ui.showConsoleProgress", "false")
    conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    # never a local relation (the records inside every query plan): see spark._ship
    conf.set("spark.sql.execution.arrow.localRelationThreshold", "0")
    if not target.local:
        for key, value in CLUSTER_SECURITY.items():
            conf.set(key, value)
        if target.secret:  # through Py4J into the JVM: never on a command line or in a log
            conf.set("spark.authenticate.secret", target.secret)
    return conf


@contextmanager
def open_session(target: Target, work_dir: Path, rows: int) -> Iterator[Any]:
    """A SparkSession on the target, stopped (and the driver's spills removed) on exit."""
    require_pyspark()
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    logging.getLogger("py4j").setLevel(logging.ERROR)
    work_dir.mkdir(parents=True, exist_ok=True)
    gateway = _gateway()
    mark = _log_size()
    try:
        context = SparkContext(conf=_conf(gateway, target, work_dir), gateway=gateway)
    except Exception as exc:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise ConfigError(_start_failure(target, _log_since(mark), exc)) from None
    spark = SparkSession(context)
    try:
        if not target.local:
            _wait_for_executors(spark, target, mark)
            _check_versions(spark, target)
        cores = max(1, context.defaultParallelism)
        partitions = str(max(cores, min(64, rows // 100_000)))  # small jobs: few partitions
        spark.conf.set("spark.sql.shuffle.partitions", partitions)
        yield spark
    finally:
        _stop(spark)
        shutil.rmtree(work_dir, ignore_errors=True)  # the driver's (encrypted) spills


def _stop(spark: Any) -> None:
    """Stop the session; a driver JVM already gone (killed) must not hide the error that
    brought us here behind a Py4J traceback."""
    from py4j.protocol import Py4JError

    try:
        spark.catalog.clearCache()
        spark.stop()
    except (Py4JError, OSError) as exc:
        log.debug("spark: stopping the session failed: %s", type(exc).__name__)


def _wait_for_executors(spark: Any, target: Target, mark: int) -> None:
    """At least one executor within VIGIE_SPARK_WAIT seconds, else a ConfigError."""
    wait = float(os.environ.get(WAIT_ENV, DEFAULT_WAIT))
    tracker = spark.sparkContext._jsc.sc().statusTracker()  # no Python API for executors
    deadline = time.monotonic() + wait
    while len(tracker.getExecutorInfos()) < 2:  # the driver is listed too
        if spark.sparkContext._jsc.sc().isStopped():
            raise ConfigError(_start_failure(target, _log_since(mark), None))
        if time.monotonic() > deadline:
            raise ConfigError(
                f"the Spark cluster {target.master} gave no executor in {wait:.0f} s: no "
                "worker registered with the master, or none with the cores and memory asked "
                f"(spark.executor.memory, spark.executor.cores; {WAIT_ENV} to wait longer)"
            )
        time.sleep(0.5)


def _check_versions(spark: Any, target: Target) -> None:
    """The executors' Spark (the workers' installation) is the driver's major.minor."""
    import pyspark

    count = max(2, spark.sparkContext.defaultParallelism)
    probe = spark.range(0, count, 1, count).selectExpr(
        "reflect('org.apache.spark.package', 'SPARK_VERSION') AS v"
    )
    versions = sorted({row.v for row in probe.distinct().collect()})
    ours = pyspark.__version__
    if any(v.split(".")[:2] != ours.split(".")[:2] for v in versions):
        raise ConfigError(
            f"Spark version mismatch: the cluster {target.master} runs Spark "
            f"{', '.join(versions)}, vigie's driver {ours}: install the cluster's "
            f"version (pip install 'pyspark=={versions[0]}')"
        )


def _log_size() -> int:
    try:
        return _log_path().stat().st_size
    except OSError:
        return 0


def _log_since(mark: int) -> str:
    try:
        with _log_path().open("rb") as fh:
            fh.seek(mark)
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _start_failure(target: Target, log_text: str, exc: Exception | None) -> str:
    """One line saying why the session did not start, from the driver's log."""
    where = target.master or "local mode"
    if "JAVA_GATEWAY_EXITED" in str(exc) or "Java gateway process exited" in str(exc):
        return "Spark's driver JVM did not start: is Java 17 installed (java -version)?"
    if "bootstrapping client" in log_text or "Authentication failed" in log_text:
        return (
            f"the Spark master {where} refused vigie's connection: its spark.authenticate "
            f"secret differs from {SECRET_FILE_ENV}'s, it runs without authentication or "
            "network encryption, or it runs another Spark version"
        )
    if "All masters are unresponsive" in log_text or "Failed to connect to master" in log_text:
        return (
            f"the Spark master {where} did not register vigie's application: it runs "
            "another Spark version than vigie's driver, or it is not a Spark master"
        )
    return f"Spark could not start on {where} ({_exception_name(exc)})"


_JAVA_EXCEPTION = re.compile(r"\b((?:java|javax|scala|org\.apache)\.[\w.$]+(?:Exception|Error))")


def _exception_name(exc: BaseException | None) -> str:
    """The Java exception's class name only: a message may quote a value."""
    found = _JAVA_EXCEPTION.findall(str(exc or ""))
    return found[-1] if found else type(exc).__name__


def job_failure(target: Target, exc: BaseException) -> ConfigError:
    """A failed Spark job as one line: the Java exception's name, never its message."""
    where = target.master or "local mode"
    text = str(exc)
    hint = ""
    if "OutOfMemoryError" in text or "Java heap space" in text:
        hint = f": give executors more memory (spark.executor.memory) or the driver ({MEMORY_ENV})"
    elif isinstance(exc, ConnectionError) or "Py4JNetworkError" in type(exc).__name__:
        hint = f": the driver JVM stopped (out of memory? {MEMORY_ENV})"
    elif "ExecutorLostFailure" in text or "Lost executor" in text:
        hint = ": an executor was lost (a worker stopped or ran out of memory)"
    return ConfigError(f"the link job failed on Spark ({where}): {_exception_name(exc)}{hint}")
