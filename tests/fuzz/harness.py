"""Byte-level mutation fuzzing of the readers in a watched child process.

Hypothesis draws a mutation plan (bit flips, truncation, splices of the seed into
itself, insertion of structural characters such as quotes, brackets, `<`, `,`, NUL);
the mutated file goes to `worker.py` in a child process. A finding is a crash (any
exception but a one-line InputError naming the file), a hang past the per-file timeout
or memory past the worker's limit (the child dies). Each finding's input is kept.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

PER_FILE_TIMEOUT = 20.0  # seconds; a seed reads in well under one
STRUCTURAL = [
    b'"',
    b"'",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r",
    b"\x00",
    b"{",
    b"}",
    b"[",
    b"]",
    b"<",
    b">",
    b"(",
    b")",
    b"\\",
    b"PK\x03\x04",
    b"\xff\xfe",
    b"9" * 12,
]
ROOT = Path(__file__).resolve().parents[2]


def budget_seconds(default: float) -> float:
    """Seconds of fuzzing per reader: VIGIE_FUZZ_SECONDS (make fuzz) or the short default."""
    return float(os.environ.get("VIGIE_FUZZ_SECONDS", default))


_op = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(range(len(STRUCTURAL)))),
    st.tuples(st.just("splice"), st.floats(0, 1), st.integers(0, 2**16)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(2, 1000)),
)
plans = st.lists(_op, min_size=1, max_size=8)


def mutate(seed: bytes, plan: list[tuple[str, float, int]]) -> bytes:
    data = bytearray(seed)
    for op, where, arg in plan:
        at = min(int(where * len(data)), max(len(data) - 1, 0))
        if op == "flip" and data:
            data[at] ^= 1 << arg
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = STRUCTURAL[arg]
        elif op == "splice" and data:
            start = arg % len(data)
            data[at:at] = data[start : start + 256]
        elif op == "delete":
            del data[at : at + arg]
        elif op == "repeat" and data:
            data[at:at] = data[at : at + 8] * arg
    return bytes(data)


@dataclass
class Tally:
    reader: str
    executions: int = 0
    stored: int = 0
    refused: int = 0
    findings: list[str] = field(default_factory=list)


class Worker:
    """One child process reading files as ingest does; restarted after it dies."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("worker.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a library's own warnings might quote the file
            text=True,
            cwd=ROOT,
        )
        assert self._answer(proc, 60.0) == "ready"
        return proc

    def run(self, path: Path, timeout: float = PER_FILE_TIMEOUT) -> str:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        answer = self._answer(self.proc, timeout)
        if answer is not None:
            return answer
        code = self.proc.poll()
        self.close()
        if code is not None:
            return f"crash killed (exit status {code}: a signal, an abort or the memory limit)"
        if timeout == PER_FILE_TIMEOUT:
            # a loaded machine (CI shares its cores) can stretch one read past the limit:
            # a real hang hangs again with three times the time, in a fresh process
            return self.run(path, timeout * 3)
        return f"crash hang (no answer in {timeout:.0f} s, twice)"

    @staticmethod
    def _answer(proc: subprocess.Popen[str], timeout: float) -> str | None:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        line = proc.stdout.readline() if ready else ""
        return line.rstrip("\n") or None

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def record(tally: Tally, answer: str, data: bytes, findings_dir: Path) -> None:
    tally.executions += 1
    if answer == "ok":
        tally.stored += 1
    elif answer == "input":
        tally.refused += 1
    else:
        findings_dir.mkdir(parents=True, exist_ok=True)
        kept = findings_dir / f"{tally.reader}-{len(tally.findings)}.bin"
        kept.write_bytes(data)
        tally.findings.append(f"{answer} ({kept.name})")


def deadline(seconds: float) -> float:
    return time.monotonic() + seconds
