"""What every benchmark section shares: child-process runs, medians, the machine."""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VIGIE = [sys.executable, "-m", "vigie", "--quiet"]
BENCH_ENV = {"VIGIE_KEY": "bench-key-not-secret"}


@dataclass
class Context:
    """Shared by the sections of one `make bench` run."""

    work: Path
    repeats: int
    large: int
    sizes: tuple[int, ...] = ()  # the scale section's sizes (--sizes)
    cache: dict[str, Path] = field(default_factory=dict)

    def incident(self, persons: int, seed: int = 1) -> Path:
        """A synth incident of that size, generated once per run and reused by sections."""
        key = f"{persons}-{seed}"
        if key not in self.cache:
            out = self.work / f"incident-{key}"
            run([*VIGIE, "synth", str(out), "--persons", str(persons), "--seed", str(seed)])
            self.cache[key] = out
        return self.cache[key]


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    output: str
    cpu: float = 0.0  # user + system seconds of the command and its children


def run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, capture_output=True, env={**os.environ, **(env or {})})
    if proc.returncode:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stderr.decode()[-2000:]}")


def run_isolated(cmd: list[str], env: dict[str, str] | None = None) -> Sample:
    """Run through a tiny wrapper that reports the child's own peak RSS."""
    wrapper = (
        "import subprocess,sys,json,time;t=time.monotonic();"
        "p=subprocess.Popen(sys.argv[1:],stdout=subprocess.PIPE);o,_=p.communicate();"
        "import resource;r=resource.getrusage(resource.RUSAGE_CHILDREN);m=r.ru_maxrss;"
        "sys.stdout.write(json.dumps({'rc':p.returncode,'s':time.monotonic()-t,'kb':m,"
        "'cpu':r.ru_utime+r.ru_stime,'out':o.decode()}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd],
        capture_output=True,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode:
        raise SystemExit(f"bench: wrapper failed: {proc.stderr.decode()[-2000:]}")
    doc = json.loads(proc.stdout)
    if doc["rc"]:
        # vigie's own last line: a one-line error, never a personal value
        said = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["(nothing)"]
        raise SystemExit(f"bench: {' '.join(cmd)} exited {doc['rc']}: {said[0][:300]}")
    return Sample(doc["s"], doc["kb"] / 1024, doc["out"], doc["cpu"])


def median(samples: list[Sample]) -> tuple[float, float]:
    return statistics.median(s.seconds for s in samples), max(s.peak_mb for s in samples)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import duckdb

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, load average {load} at the end; "
        f"{platform.platform()}; "
        f"Python {platform.python_version()}; DuckDB {duckdb.__version__}"
    )


def wait_for_server(port: int, server: subprocess.Popen[bytes], what: str) -> None:
    """Return once the server (`what`, for the error) accepts on loopback; at most 120 s
    (a portal loading a million hashes or a console over 500,000 persons takes seconds)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{what} exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")
