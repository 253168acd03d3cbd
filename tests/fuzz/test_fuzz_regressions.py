"""Each input a fuzz run found crashing or hanging a reader, kept as a seed, now handled.

The files in tests/fixtures/fuzz/ are those inputs, named after the fault they raised
before the fix (a UTF-16 text cut mid-unit, calamine's Rust panic, JSON nested past
Python's recursion limit, an unterminated dollar quote that looped pg_dump's lexer...).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import Worker

FOUND = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "fuzz").iterdir())


@pytest.mark.parametrize("path", FOUND, ids=[p.name for p in FOUND])
def test_fuzz_finding_ends_in_a_table_or_one_line_input_error(path: Path, worker: Worker) -> None:
    assert worker.run(path) in ("ok", "input")
