"""The fuzz summary: executions and findings per reader, printed and optionally written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.harness import Tally, Worker

TALLIES: list[Tally] = []


@pytest.fixture(scope="session")
def worker() -> Iterator[Worker]:
    child = Worker()
    yield child
    child.close()


def summary() -> str:
    lines = [
        f"{'reader':<11} {'executions':>10} {'stored':>8} {'refused':>8} {'findings':>8}",
        *(
            f"{t.reader:<11} {t.executions:>10} {t.stored:>8} {t.refused:>8} {len(t.findings):>8}"
            for t in TALLIES
        ),
    ]
    for t in TALLIES:
        lines += [f"  {t.reader}: {finding}" for finding in t.findings]
    return "\n".join(lines) + "\n"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLIES:
        return
    terminalreporter.write_sep("-", "fuzz: executions and findings per reader")
    terminalreporter.write(summary())
    report = os.environ.get("VIGIE_FUZZ_REPORT")
    if report:
        Path(report).write_text(summary(), encoding="utf-8")
