"""Charts as inline SVG, drawn offline by matplotlib (no pyplot, no global backend state)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure
from datetime import date, datetime, time

# Text stays text (smaller files, the page's fonts, selectable); a fixed salt and no date
# make the same figures give the same SVG bytes.
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "vigie-report",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
}
INK = "#1f3a5f"
MUTED = "#9aa5b1"
CATEGORY_COLOURS = {
    "identity": "#1f3a5f",
    "contact": "#3c6e9f",
    "national_id": "#6f42c1",
    "financial": "#8c6d1f",
    "credentials": "#5f3dc4",
    "health": "#c92a2a",
    "genetic": "#862e9c",
    "other": MUTED,
}


@dataclass(frozen=True)
class Marker:
    """A dated vertical line on the timeline (e.g. the incident, the awareness)."""

    when: date
    label: str
    colour: str = "#c92a2a"


def _svg(fig: Figure, prefix: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # Several SVGs share one page: give each its own ids so clip paths do not collide.
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    text = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", text, count=1)
    return text.replace("<svg", f'<svg role="img" aria-labelledby="{prefix}-title"', 1)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _style() -> Any:
    import matplotlib

    return matplotlib.rc_context(_RC)  # type: ignore[arg-type]  # rc keys are Literal-typed


def _group(value: float) -> str:
    return f"{int(value):,}".replace(",", "\u202f")


MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
             "nov.", "déc.")  # fmt: skip


def _day(when: date) -> float:
    import matplotlib.dates as mdates

    moment = when if isinstance(when, datetime) else datetime.combine(when, time())
    return float(mdates.date2num(moment))


def _month_fr(value: float, _pos: object = None) -> str:
    """A date tick in French: the year alone in January, else `mars 2019`."""
    import matplotlib.dates as mdates

    when = mdates.num2date(value)
    return str(when.year) if when.month == 1 else f"{MONTHS_FR[when.month - 1]} {when.year}"


def hbar(
    name: str,
    pairs: Sequence[tuple[str, int]],
    unit: str,
    colours: Sequence[str] | None = None,
    width: float = 7.5,
) -> str:
    """Horizontal bars, largest first as given, each labelled with its count."""
    import matplotlib

    with _style():
        fig = _figure(width, 0.6 + 0.26 * max(1, len(pairs)))
        ax = fig.add_subplot()
        labels = [label for label, _ in pairs]
        values = [n for _, n in pairs]
        positions = range(len(pairs))
        ax.barh(positions, values, color=list(colours) if colours else INK, height=0.7)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        top = max(values, default=0) or 1
        ax.set_xlim(0, top * 1.15)
        for y, n in zip(positions, values, strict=True):
            ax.text(n + top * 0.01, y, _group(n), va="center", fontsize=8, color="#333333")
        ax.set_xlabel(unit)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: _group(v)))
        ax.tick_params(axis="y", length=0)
        return _svg(fig, name)


def vbar(
    name: str, pairs: Sequence[tuple[str, int]], unit: str, colours: Sequence[str] | None = None
) -> str:
    """Vertical bars for a few ordered classes (risk tiers)."""
    import matplotlib

    with _style():
        fig = _figure(7.5, 2.6)
        ax = fig.add_subplot()
        labels = [label for label, _ in pairs]
        values = [n for _, n in pairs]
        ax.bar(labels, values, color=list(colours) if colours else INK, width=0.6)
        top = max(values, default=0) or 1
        ax.set_ylim(0, top * 1.18)
        for x, n in enumerate(values):
            ax.text(x, n + top * 0.02, _group(n), ha="center", fontsize=9)
        ax.set_ylabel(unit)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: _group(v)))
        return _svg(fig, name)


def timeline(
    name: str,
    months: Sequence[tuple[str, int]],
    unit: str,
    shaded: tuple[date, date, str] | None = None,
    markers: Sequence[Marker] = (),
) -> str:
    """Counts per month (`YYYY-MM`) as bars, a shaded period and dated vertical lines."""
    import matplotlib
    import matplotlib.dates as mdates

    with _style():
        fig = _figure(7.5, 3.0)
        ax = fig.add_subplot()
        # Dates as matplotlib day numbers (floats), so the axis is a date axis.
        starts = [_day(datetime.strptime(m + "-01", "%Y-%m-%d")) for m, _ in months]
        ax.bar(starts, [n for _, n in months], width=25, align="edge", color=INK, zorder=2)
        ax.xaxis_date()
        if shaded:
            first, last, label = shaded
            ax.axvspan(
                _day(first), _day(last), color="#f2c94c", alpha=0.45, label=label, lw=0, zorder=0
            )
        for marker in markers:
            ax.axvline(_day(marker.when), color=marker.colour, lw=1.4, ls="--", label=marker.label)
        ends = [*starts, *(_day(m.when) for m in markers), *([_day(shaded[1])] if shaded else [])]
        if ends:
            ax.set_xlim(min(starts or ends), max(ends) + 45)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=10))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_month_fr))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: _group(v)))
        ax.set_ylabel(unit)
        # Below the plot, so it never hides a bar.
        if shaded or markers:
            fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
        return _svg(fig, name)
