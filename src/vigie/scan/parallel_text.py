"""Free-text detection over many distinct notes, spread over worker processes.

``find_spans_batch`` is pure Python plus spaCy: one process uses one core. A large leak
holds ~100,000 distinct notes, so ``detect_notes`` cuts them into chunks and runs them in
a pool (the spaCy model is loaded once per worker), merging results in input order. The
results are exactly those of one ``find_spans_batch`` call over the same notes: a note's
spans depend only on its text (tested).

On Linux the model is loaded once, in this process, and the workers are forked from it:
they share it instead of each spending ~3 s of CPU loading their own. Elsewhere workers
are spawned and load it themselves. Small inputs stay in-process: starting workers costs
more than it saves below ``PARALLEL_MIN`` notes.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence

from vigie.scan.text import find_spans_batch

# (start, end, element, rule, negated, exposes): what scan_spans stores of a Span, as a
# plain tuple because it crosses process boundaries by the hundred thousand.
SpanRow = tuple[int, int, str, str, bool, bool]

PARALLEL_MIN = 5_000  # distinct notes below which one process is faster
CHUNK = 2_000  # notes per task: small enough to balance two workers, big enough for NER
WORKERS_ENV = "VIGIE_SCAN_WORKERS"


def default_workers() -> int:
    """Worker processes: VIGIE_SCAN_WORKERS if set, else the usable cores (at most 4)."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured.isdigit():
        return max(1, int(configured))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def detect_chunk(notes: Sequence[str | None]) -> list[list[SpanRow]]:
    """The spans of each note, in order, as plain tuples."""
    return [
        [(s.start, s.end, s.element, s.rule, s.negated, s.exposes) for s in spans]
        for spans in find_spans_batch(notes)
    ]


def _warm_worker() -> None:
    # Load the model before the first chunk so that chunk timings stay even.
    from vigie.scan.text import nlp

    nlp.load_model()


def detect_notes(
    notes: Sequence[str | None],
    workers: int | None = None,
    advance: Callable[[int], None] | None = None,
) -> list[list[SpanRow]]:
    """Spans of every note, in input order; ``advance(n)`` is called as chunks finish."""
    workers = default_workers() if workers is None else max(1, workers)
    chunks = [notes[i : i + CHUNK] for i in range(0, len(notes), CHUNK)]
    results: list[list[SpanRow]] = []
    if workers == 1 or len(notes) < PARALLEL_MIN:
        for chunk in chunks:
            results.extend(detect_chunk(chunk))
            if advance:
                advance(len(chunk))
        return results
    if sys.platform == "linux":
        _warm_worker()
        context, initializer = multiprocessing.get_context("fork"), None
    else:
        context, initializer = multiprocessing.get_context("spawn"), _warm_worker
    with context.Pool(min(workers, len(chunks)), initializer=initializer) as pool:
        for chunk, found in zip(chunks, pool.imap(detect_chunk, chunks), strict=True):
            results.extend(found)
            if advance:
                advance(len(chunk))
    return results
