"""Charts as inline SVG computed on the server: no chart library, no script, no style attributes (the CSP forbids
inline style), so the geometry is worked out here and the template only writes elements and CSS classes.

Each chart carries its own data table, so the page reads the same with a screen reader or without images.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH = 640
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28
Formatter = Callable[[float], str]


def plain(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float) -> str:
    return f"{value:.1%}"


def dollars(cents: float) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


def seconds(milliseconds: float) -> str:
    return f"{milliseconds / 1000:.1f} s"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str  # the bar's own tooltip (an SVG <title>)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Line:
    points: str
    css: str


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    height: int
    head: list[str]
    rows: list[list[str]]
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    grid: list[float] = field(default_factory=list)  # y of each horizontal grid line
    labels: list[Text] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (name, css class)
    width: int = WIDTH
    left: int = LEFT  # where the plot starts, right of the y-axis labels


def nice_ceiling(value: float, minimum: float = 2) -> float:
    """The axis top: 1, 2, 4, 6 or 8 times a power of ten (so the middle tick is a round number too), at least
    `value` and at least `minimum` (so a nearly empty chart keeps whole ticks: 0, 1, 2 rather than 0, 0.5, 1)."""
    if value <= minimum:
        return float(minimum)
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 4, 6, 8, 10) if step * power >= value)


def _y_axis(top: float, fmt: Formatter) -> tuple[list[float], list[Text]]:
    plot = HEIGHT - TOP - BOTTOM
    grid, labels = [], []
    for share in (0.0, 0.5, 1.0):
        y = round(TOP + plot * (1 - share), 1)
        grid.append(y)
        labels.append(Text(x=LEFT - 6, y=y + 4, text=fmt(top * share), anchor="end"))
    return grid, labels


def _day_labels(days: Sequence[date], slot: float) -> list[Text]:
    """A date under every seventh bar, counted back from today so the latest day is always labelled."""
    last = len(days) - 1
    return [
        Text(x=round(LEFT + slot * (index + 0.5), 1), y=HEIGHT - 8, text=day.strftime("%b %-d"))
        for index, day in enumerate(days)
        if (last - index) % 7 == 0
    ]


def _table(
    days: Sequence[date], series: Sequence[tuple[str, Sequence[float | None]]], fmt: Formatter
) -> list[list[str]]:
    return [
        [day.isoformat(), *("no data" if values[index] is None else fmt(values[index] or 0) for _, values in series)]
        for index, day in enumerate(days)
    ]


def daily_bars(
    *,
    slug: str,
    title: str,
    description: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[float]]],
    fmt: Formatter = plain,
    minimum: float = 2,
) -> Chart:
    """One bar per day, the series stacked in order. Negative days (refunds above sales) draw as zero-height bars
    and keep their true value in the tooltip and the table."""
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    plot = HEIGHT - TOP - BOTTOM
    totals = [sum(max(values[index], 0) for _, values in series) for index in range(len(days))]
    top = nice_ceiling(max(totals, default=0), minimum)
    rects = []
    for index, day in enumerate(days):
        base = 0.0
        for number, (name, values) in enumerate(series):
            value = max(values[index], 0)
            height = plot * value / top
            y = TOP + plot * (1 - base / top) - height
            label = f"{day:%b %-d}: {fmt(values[index])}" + (f" {name}" if len(series) > 1 else "")
            rects.append(
                Rect(
                    round(LEFT + slot * index + slot * 0.15, 1),
                    round(y, 1),
                    round(slot * 0.7, 1),
                    round(height, 1),
                    f"series-{number}",
                    label,
                )
            )
            base += value
    grid, labels = _y_axis(top, fmt)
    return Chart(
        slug=slug,
        title=title,
        description=description,
        height=HEIGHT,
        head=["Day", *(name for name, _ in series)],
        rows=_table(days, series, fmt),
        rects=rects,
        grid=grid,
        labels=labels + _day_labels(days, slot),
        legend=[(name, f"series-{number}") for number, (name, _) in enumerate(series)] if len(series) > 1 else [],
    )


def daily_lines(
    *,
    slug: str,
    title: str,
    description: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Formatter = plain,
    minimum: float = 2,
) -> Chart:
    """One line per series; a day without data breaks the line rather than dropping it to zero."""
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    plot = HEIGHT - TOP - BOTTOM
    top = nice_ceiling(
        max((value for _, values in series for value in values if value is not None), default=0), minimum
    )
    lines = []
    for number, (_, values) in enumerate(series):
        run: list[str] = []
        for index, value in enumerate([*values, None]):
            if value is not None:
                run.append(f"{LEFT + slot * (index + 0.5):.1f},{TOP + plot * (1 - value / top):.1f}")
            elif run:
                lines.append(Line(points=" ".join(run if len(run) > 1 else run * 2), css=f"series-{number}"))
                run = []
    grid, labels = _y_axis(top, fmt)
    return Chart(
        slug=slug,
        title=title,
        description=description,
        height=HEIGHT,
        head=["Day", *(name for name, _ in series)],
        rows=_table(days, series, fmt),
        lines=lines,
        grid=grid,
        labels=labels + _day_labels(days, slot),
        legend=[(name, f"series-{number}") for number, (name, _) in enumerate(series)],
    )


def ranked_bars(
    *,
    slug: str,
    title: str,
    description: str,
    items: Sequence[tuple[str, float]],
    head: tuple[str, str],
    fmt: Formatter,
) -> Chart:
    """Horizontal bars, largest first, each labelled with its name and value."""
    row, label_width = 26, 150
    height = TOP + row * max(len(items), 1) + 8
    top = max((value for _, value in items), default=0) or 1
    span = WIDTH - label_width - 80
    rects, labels = [], []
    for index, (name, value) in enumerate(items):
        y = TOP + row * index
        width = round(span * value / top, 1)
        rects.append(Rect(label_width, y + 4, width, row - 8, "series-0", f"{name}: {fmt(value)}"))
        labels.append(Text(x=label_width - 8, y=y + row / 2 + 4, text=name, anchor="end"))
        labels.append(Text(x=label_width + width + 6, y=y + row / 2 + 4, text=fmt(value), anchor="start"))
    if not items:
        labels.append(Text(x=WIDTH / 2, y=TOP + row / 2 + 4, text="Nothing in this period"))
    return Chart(
        slug=slug,
        title=title,
        description=description,
        height=height,
        head=list(head),
        rows=[[name, fmt(value)] for name, value in items],
        rects=rects,
        labels=labels,
    )
