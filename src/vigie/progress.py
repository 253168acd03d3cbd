"""Progress on stderr for long work; silent when stderr is not a terminal or when quiet."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

_enabled = True


def set_enabled(enabled: bool) -> None:
    """Called by the CLI once (e.g. off under --quiet); libraries never print otherwise."""
    global _enabled
    _enabled = enabled


class Progress:
    """A progress line: `label  1,234,567 / 2,000,000 rows  61 %  412,000 rows/s`."""

    def __init__(
        self,
        label: str,
        total: float | None = None,
        unit: str = "rows",
        stream: TextIO | None = None,
        interval: float = 0.2,
        rate: bool = True,
    ) -> None:
        self.label = label
        self.rate = rate  # rows/s means something; steps/s does not
        self.total = total
        self.unit = unit
        self.done = 0.0
        self.stream = stream or sys.stderr
        self.interval = interval
        self._start = time.monotonic()
        self._last = 0.0
        self._active = _enabled and self.stream.isatty()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def advance(self, amount: float = 1) -> None:
        self.done += amount
        now = time.monotonic()
        if self._active and now - self._last >= self.interval:
            self._last = now
            self._draw(now)

    def set(self, done: float) -> None:
        self.advance(done - self.done)

    def close(self) -> None:
        if self._active:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
            self._active = False

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        text = f"\r{self.label}  {self.done:,.0f}"
        if self.total:
            text += f" / {self.total:,.0f} {self.unit}  {100 * self.done / self.total:3.0f} %"
        else:
            text += f" {self.unit}"
        if self.rate:
            text += f"  {rate:,.0f} {self.unit}/s"
        self.stream.write(text.ljust(78))
        self.stream.flush()
