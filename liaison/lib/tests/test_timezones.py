"""Turning days into instants: refused with a clear error, not an OverflowError, for the
days at the calendar's ends whose instants fall outside what a datetime can hold."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.lib.timezones import (
    FIRST_DAY,
    LAST_DAY,
    DayOutOfRange,
    end_of_day,
    get_zone,
    localize,
)

# The zones furthest ahead of and behind UTC, and the office zone of the tests.
ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Asia/Seoul", "UTC"]


@pytest.mark.parametrize("zone", ZONES)
def test_the_first_and_last_days_that_exist_everywhere_convert(zone: str) -> None:
    tz = get_zone(zone)
    assert localize(dt.datetime.combine(FIRST_DAY, dt.time()), tz).year == 1
    assert end_of_day(LAST_DAY, tz).year == 9999
    assert end_of_day(FIRST_DAY, tz) > localize(dt.datetime.combine(FIRST_DAY, dt.time()), tz)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("day", [dt.date.min, dt.date.max])
def test_the_calendars_own_ends_are_refused_with_the_days_that_work(zone: str, day) -> None:
    tz = get_zone(zone)
    expected = f"{day.isoformat()} is out of range: use a day from 0001-01-02 to 9999-12-30"
    with pytest.raises(DayOutOfRange, match=expected):
        localize(dt.datetime.combine(day, dt.time(12)), tz)
    with pytest.raises(DayOutOfRange, match=expected):
        end_of_day(day, tz)


def test_the_error_is_a_value_error_callers_already_catch() -> None:
    assert issubclass(DayOutOfRange, ValueError)
