"""Template filters for times, attendance and rates, so pages say them the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

from liaison.meetings.attendance import Attendance
from liaison.meetings.models import Level
from liaison.meetings.standing import SessionOutcome

register = template.Library()

WHEN_FORMAT = "D j M Y, H:i T"
DAY_FORMAT = "D j M Y"
TIME_FORMAT = "H:i T"

ATTENDANCE_LABELS = {
    Attendance.PRESENT: "present",
    Attendance.LATE: "late",
    Attendance.EXCUSED: "excused",
    Attendance.NO_SHOW: "no-show",
    Attendance.EXPECTED: "expected",
    Attendance.NOT_DUE: "not due",
}


def when(value: dt.datetime | None, fmt: str = WHEN_FORMAT) -> str:
    """An instant in the active time zone (the viewer's), e.g. ``Fri 5 Jan 2024, 10:00 KST``."""
    if value is None:
        return ""
    return format_date(timezone.localtime(value), fmt)


@register.filter(name="when", expects_localtime=False)
def when_filter(value: dt.datetime | None) -> str:
    return when(value)


@register.filter(expects_localtime=False)
def day(value: dt.datetime | None) -> str:
    return when(value, DAY_FORMAT)


@register.filter(expects_localtime=False)
def clock_time(value: dt.datetime | None) -> str:
    return when(value, TIME_FORMAT)


@register.filter
def attendance_of(outcome: SessionOutcome, side_key: str) -> Attendance | None:
    return outcome.by_side.get(side_key)


@register.filter
def attendance_label(value: Attendance | str | None) -> str:
    if value is None:
        return ""
    return ATTENDANCE_LABELS.get(Attendance(value), str(value))


@register.filter
def level_label(value: str) -> str:
    try:
        return str(Level(value).label)
    except ValueError:
        return value


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.0f}%"


@register.filter
def held_label(outcome: SessionOutcome) -> str:
    """Whether a past session was held: yes, no, not yet (grace not over) or — (not due)."""
    if outcome.held:
        return "yes"
    if not outcome.session.is_scheduled:
        return "—"
    if any(a == Attendance.EXPECTED for a in outcome.by_side.values()):
        return "not yet"
    return "no"


@register.filter
def side_name(key: str | None, sides: Iterable[Any]) -> str:
    """The name of the side keyed ``key`` among ``sides`` (anything with key and name)."""
    for side in sides:
        if side.key == key:
            return str(side.name)
    return key or ""


@register.filter
def minutes(value: int | None) -> str:
    """A length in minutes for a person: ``45 minutes``, ``1 hour``, ``1 h 30 min``."""
    if value is None:
        return ""
    hours, rest = divmod(int(value), 60)
    if not hours:
        return f"{rest} minute{'s' if rest != 1 else ''}"
    if not rest:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours} h {rest} min"
