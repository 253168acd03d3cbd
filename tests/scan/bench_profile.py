"""Speed of column profiling on 10,000-value samples (not a test: `make bench` material).

    python -m tests.scan.bench_profile [--runs 5]

Prints a Markdown table: per column kind, the median milliseconds of profile_column on a
10,000-value sample (reference lists already loaded), and the total for the table.
"""

from __future__ import annotations

import argparse
import statistics
import time

from tests.scan.synthetic import people
from vigie.scan import profile_column


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    cols = people(args.rows)
    for values in cols.values():  # warm up: load the commune and first-name lists once
        profile_column("t", "COL", values)
    print(f"| column ({args.rows:,} values, headers COLn) | element | median ms |")
    print("|---|---|---|")
    total = 0.0
    for element, values in cols.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            found = profile_column("t", "COL", values).element
            times.append(1000 * (time.perf_counter() - start))
        median = statistics.median(times)
        total += median
        print(f"| {element} | {found} | {median:.1f} |")
    print(f"| all {len(cols)} columns | | {total:.1f} |")


if __name__ == "__main__":
    main()
