"""A real Spark standalone cluster on loopback, from the pyspark installation (test and
bench support): one master and N workers started with `bin/spark-class`, on ephemeral
ports, with RPC authentication and network encryption on, logs in a temp folder.

    with standalone_cluster(tmp, workers=2) as cluster:
        ... cluster.master_url, cluster.secret_file, cluster.conf_dir ...

Every process is started in its own session and killed (its whole process group) on
exit, whatever happened.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

_MASTER_URL = re.compile(r"Starting Spark master at (spark://[\d.]+:\d+)")
START_TIMEOUT = 120.0  # JVMs start slowly on two busy cores


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def java_available() -> bool:
    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


@dataclass
class Cluster:
    root: Path
    master_url: str = ""
    secret_file: Path = field(default_factory=Path)
    conf_dir: Path = field(default_factory=Path)  # SPARK_CONF_DIR for the driver
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    worker_cores: int = 1
    worker_memory: str = "1g"
    workers: int = 0

    def add_workers(self, count: int) -> None:
        """Start `count` more workers and wait until the master has registered them."""
        for _ in range(count):
            n = self.workers
            self.workers += 1
            _start(
                self,
                f"worker{n}",
                [
                    "org.apache.spark.deploy.worker.Worker",
                    *_LOOPBACK,
                    "--cores",
                    str(self.worker_cores),
                    "--memory",
                    self.worker_memory,
                    "--work-dir",
                    str(self.root / f"work{n}"),
                    self.master_url,
                ],
            )
        if count:
            _wait_for(self, "master", re.compile(r"Registering worker"), count=self.workers)

    def env(self) -> dict[str, str]:
        """What a `vigie link --spark-master` process needs to use this cluster."""
        return {
            "VIGIE_SPARK_SECRET_FILE": str(self.secret_file),
            "SPARK_CONF_DIR": str(self.conf_dir),
            "SPARK_LOCAL_IP": "127.0.0.1",
        }

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _daemon_env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_DAEMON_MEMORY": "256m",  # the master and workers themselves
        "SPARK_LOCAL_DIRS": str(root / "local"),
        "SPARK_WORKER_DIR": str(root / "work"),
        "SPARK_CONF_DIR": str(root / "daemon-conf"),
    }


def _start(cluster: Cluster, name: str, args: list[str]) -> None:
    spark_class = spark_home() / "bin" / "spark-class"
    out = (cluster.root / f"{name}.log").open("wb")
    proc = subprocess.Popen(
        [str(spark_class), *args],
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=_daemon_env(cluster.root),
        start_new_session=True,  # its own process group: killed whole on exit
    )
    out.close()
    cluster.processes.append(proc)


def _wait_for(cluster: Cluster, name: str, pattern: re.Pattern[str], count: int = 1) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        found = pattern.findall(cluster.log(name))
        if len(found) >= count:
            return str(found[0])
        for proc in cluster.processes:
            if proc.poll() is not None:
                raise RuntimeError(f"spark {name}: a daemon exited:\n{cluster.log(name)[-3000:]}")
        time.sleep(0.5)
    raise RuntimeError(f"spark {name}: not started in {START_TIMEOUT:.0f} s")


def _write_conf(cluster: Cluster, executor_memory: str) -> None:
    secret = secrets.token_urlsafe(32)
    old = os.umask(0o077)
    try:
        cluster.secret_file = cluster.root / "spark.secret"
        cluster.secret_file.write_text(secret + "\n")
        daemon_conf = cluster.root / "daemon-conf"
        daemon_conf.mkdir(exist_ok=True)
        (daemon_conf / "spark-defaults.conf").write_text(
            "spark.authenticate true\n"
            f"spark.authenticate.secret {secret}\n"
            "spark.network.crypto.enabled true\n"
            "spark.master.rest.enabled false\n"
            "spark.worker.cleanup.enabled true\n"
        )
        cluster.conf_dir = cluster.root / "driver-conf"
        cluster.conf_dir.mkdir(exist_ok=True)
        (cluster.conf_dir / "spark-defaults.conf").write_text(
            "spark.driver.host 127.0.0.1\n"
            "spark.driver.bindAddress 127.0.0.1\n"
            f"spark.executor.memory {executor_memory}\n"
        )
    finally:
        os.umask(old)


_LOOPBACK = ["--host", "127.0.0.1", "--port", "0", "--webui-port", "0"]


@contextmanager
def standalone_cluster(
    root: Path,
    *,
    workers: int = 2,
    worker_cores: int = 1,
    worker_memory: str = "1g",
    executor_memory: str = "768m",
) -> Iterator[Cluster]:
    """A master and `workers` workers on 127.0.0.1, all stopped on exit (more can be
    added with `cluster.add_workers`)."""
    root.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(root, worker_cores=worker_cores, worker_memory=worker_memory)
    _write_conf(cluster, executor_memory)
    try:
        _start(cluster, "master", ["org.apache.spark.deploy.master.Master", *_LOOPBACK])
        cluster.master_url = _wait_for(cluster, "master", _MASTER_URL)
        cluster.add_workers(workers)
        yield cluster
    finally:
        stop(cluster)


def stop(cluster: Cluster) -> None:
    """Kill every daemon's process group (TERM, then KILL after 10 s)."""
    for proc in cluster.processes:
        _signal(proc, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc in cluster.processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)
            proc.wait()
    cluster.processes.clear()


def _signal(proc: subprocess.Popen[bytes], sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
