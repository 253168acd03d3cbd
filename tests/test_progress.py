"""Progress lines on a terminal: counts, share, and a rate only where it means something."""

from __future__ import annotations

import io

from vigie.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rows_show_a_rate_steps_do_not() -> None:
    rows, steps = _Terminal(), _Terminal()
    with Progress("ingest", total=10, stream=rows, interval=0) as bar:
        bar.advance(10)
    with Progress(
        "link: records", total=3, unit="steps", stream=steps, interval=0, rate=False
    ) as bar:
        bar.advance(0)
        bar.label = "link: done"
        bar.advance(3)
    assert "rows/s" in rows.getvalue() and "10 / 10 rows  100 %" in rows.getvalue()
    assert "link: records  0 / 3 steps" in steps.getvalue()
    assert "link: done  3 / 3 steps  100 %" in steps.getvalue()
    assert "/s" not in steps.getvalue()


def test_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    with Progress("scan", total=5, stream=stream, interval=0) as bar:
        bar.advance(5)
    assert stream.getvalue() == ""
