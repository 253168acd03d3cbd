"""`make bench`: speed and memory of vigie's stages, written to BENCHMARKS.md.

Each measurement runs the real `vigie` command in a child process, several times; we
report the median and the child's peak RSS. The machine is shared and noisy, so where an
issue names a peer tool it runs in the same session and we report the ratio.

Sections live in scripts/benches/, one module per stage, each with `TITLE` and
`run_section(ctx) -> list[str]` (Markdown lines). `--only NAME` runs some of them.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benches.common import ROOT, Context, machine

# Pipeline order; a section whose module does not exist yet is skipped.
SECTIONS = [
    "foundation", "scan", "link", "relational", "spark", "notify", "portal", "console",
    "callcentre", "resources", "scale", "reference",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--large", type=int, default=500_000)
    parser.add_argument("--only", action="append", choices=SECTIONS)
    parser.add_argument(
        "--sizes",
        type=lambda text: tuple(int(x) for x in text.split(",")),
        default=(),
        help="persons per size for the scale section, e.g. 20000,100000 (default: its own)",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-"))
    ctx = Context(work=work, repeats=args.repeats, large=args.large, sizes=args.sizes)
    body: list[str] = []
    try:
        for name in args.only or SECTIONS:
            try:
                module = importlib.import_module(f"benches.{name}")
            except ModuleNotFoundError:
                continue
            print(f"bench: {module.TITLE}...", file=sys.stderr)
            body += [*module.run_section(ctx), ""]
            _write(args, body)  # after each section: a long run killed late keeps the rest
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(args.output.read_text())


def _write(args: argparse.Namespace, body: list[str]) -> None:
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
            f"Machine: {machine()}.",
            f"Each figure is the median of {args.repeats} runs of the real command in a child "
            "process; peak RSS is the largest of those runs. The machine is shared: compare "
            "ratios to the peer measured in the same session rather than absolute times.",
            "",
            *body,
        ]
    )
    args.output.write_text(text)


if __name__ == "__main__":
    main()
