"""Time zone helpers: IANA names validated once, local and UTC conversions."""

from __future__ import annotations

import datetime as dt
import zoneinfo


class UnknownTimeZone(ValueError):
    pass


# The days whose instants exist in every zone: the calendar's first and last day, in a
# zone ahead of or behind UTC, begin or end outside the range of ``datetime``.
FIRST_DAY = dt.date.min + dt.timedelta(days=1)
LAST_DAY = dt.date.max - dt.timedelta(days=1)


class DayOutOfRange(ValueError):
    """A day too near the calendar's ends to turn into instants; the message says which
    days can be."""

    def __init__(self, day: dt.date) -> None:
        super().__init__(
            f"{day.isoformat()} is out of range: use a day from {FIRST_DAY} to {LAST_DAY}"
        )
        self.day = day


def check_day(day: dt.date) -> dt.date:
    """``day``, or DayOutOfRange when its instants cannot be worked out in every zone."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DayOutOfRange(day)
    return day


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    if not name or name != name.strip():
        raise UnknownTimeZone(f"{name!r} is not a time zone name")
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(
            f"unknown time zone {name!r}; use an IANA name such as Asia/Seoul"
        ) from None


def is_valid_zone(name: str) -> bool:
    try:
        get_zone(name)
    except UnknownTimeZone:
        return False
    return True


def localize(naive: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A wall-clock time in ``zone`` as an aware UTC instant.

    A time that falls in a gap (clocks moved forward) takes the offset from before the
    gap, as RFC 5545 section 3.3.5 asks; an ambiguous one (clocks moved back) takes the
    first occurrence. A time on a day outside FIRST_DAY..LAST_DAY is DayOutOfRange.
    """
    check_day(naive.date())
    return _utc(naive, zone)


def _utc(naive: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)


def end_of_day(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The last instant of ``day`` in ``zone``, as UTC (the start of the next day less 1µs).

    A day outside FIRST_DAY..LAST_DAY is DayOutOfRange."""
    check_day(day)
    next_midnight = _utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), zone)
    return next_midnight - dt.timedelta(microseconds=1)


def format_utc(value: dt.datetime) -> str:
    """RFC 3339 in UTC with microseconds, the form instants take inside events."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> dt.datetime:
    if not text.endswith("Z"):
        raise ValueError(f"{text!r} is not a UTC instant ending in Z")
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
