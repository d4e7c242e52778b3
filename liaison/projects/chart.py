"""The plan chart's geometry: each project's original and current window on one time
axis, as numbers an SVG template draws. Pure; no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WIDTH = 900  # the drawing area, in SVG units, right of the labels
LABEL = 260
ROW = 34
TOP = 40


@dataclass(frozen=True)
class Bar:
    x: float
    width: float


@dataclass(frozen=True)
class ChartRow:
    key: str
    title: str
    status: str
    y: float
    original: Bar | None
    current: Bar | None
    slip_days: int | None


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    rows: list[ChartRow]
    ticks: list[Tick]
    today: float | None
    width: int
    height: int
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Plan:
    key: str
    title: str
    status: str
    original: tuple[dt.date, dt.date] | None
    current: tuple[dt.date, dt.date] | None


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    first = start.replace(day=1)
    months = []
    while first <= end:
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


# The axis spans every window and today, but no more than this many years either side of
# today: one plan ending in December 9999 (stored before plans were held to a range of
# years) would otherwise stretch it over 96,000 months, or past the calendar's end. A bar
# reaching beyond the axis is cut at its edge; the table under the chart has its days.
AXIS_YEARS = 25
# Up to ten years of months get a tick each; a longer axis gets one a year.
MAX_MONTH_TICKS = 120


def chart(plans: list[Plan], today: dt.date) -> Chart:
    """Lay out one row per project; the axis spans every window (and today), by month."""
    days = [d for p in plans for w in (p.original, p.current) if w for d in w]
    height = TOP + ROW * max(len(plans), 1) + 10
    if not days:
        rows = [
            ChartRow(p.key, p.title, p.status, TOP + ROW * i, None, None, None)
            for i, p in enumerate(plans)
        ]
        return Chart(rows, [], None, LABEL + WIDTH, height, None, None)
    earliest = dt.date(max(today.year - AXIS_YEARS, dt.MINYEAR), 1, 1)
    latest = dt.date(min(today.year + AXIS_YEARS, dt.MAXYEAR - 1), 12, 31)
    start = max(min([*days, today]), earliest).replace(day=1)
    last = min(max([*days, today]), latest)
    end = (last.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    span = (end - start).days

    def x(day: dt.date) -> float:
        day = min(max(day, start), end)
        return round(LABEL + WIDTH * (day - start).days / span, 1)

    def bar(window: tuple[dt.date, dt.date] | None) -> Bar | None:
        if window is None:
            return None
        first, final = window
        # A window includes its last day.
        left, right = x(first), x(end if final >= end else final + dt.timedelta(days=1))
        width = max(round(right - left, 1), 2.0)
        # A window wholly past the axis still shows, at its right edge.
        return Bar(min(left, LABEL + WIDTH - width), width)

    rows = []
    for i, plan in enumerate(plans):
        slip = (plan.current[0] - plan.original[0]).days if plan.original and plan.current else None
        rows.append(
            ChartRow(
                plan.key,
                plan.title,
                plan.status,
                TOP + ROW * i,
                bar(plan.original),
                bar(plan.current),
                slip,
            )
        )
    months = _months(start, end - dt.timedelta(days=1))
    if len(months) > MAX_MONTH_TICKS:  # a long axis: one tick a year
        ticks = [Tick(x(m), m.strftime("%Y")) for m in months if m.month == 1]
    else:
        ticks = [Tick(x(m), m.strftime("%b %Y")) for m in months]
    return Chart(rows, ticks, x(today), LABEL + WIDTH, height, start, end)
