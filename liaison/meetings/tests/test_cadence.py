"""Recurrence rules: what is refused, and how occurrences land in UTC when zones change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from liaison.meetings.cadence import (
    CadenceError,
    CadenceSpec,
    expand,
    occurrence_at,
    occurrence_key,
    parse_rule,
    split_key,
)

START = dt.datetime(2024, 1, 5, 10, 0)  # naive: wall-clock time in the office's zone
BERLIN = ZoneInfo("Europe/Berlin")
PYONGYANG = ZoneInfo("Asia/Pyongyang")
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def spec(
    rule: str,
    dtstart: dt.datetime,
    *,
    valid_from: dt.datetime = LONG_AGO,
    valid_until: dt.datetime | None = None,
) -> CadenceSpec:
    return CadenceSpec(
        key="weekly",
        version=1,
        title="Weekly meeting",
        rule=rule,
        dtstart=dtstart,
        duration=dt.timedelta(hours=1),
        grace=dt.timedelta(minutes=15),
        required_level="head",
        valid_from=valid_from,
        valid_until=valid_until,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the recurrence rule is empty; e.g. FREQ=WEEKLY;BYDAY=FR"),
        ("   ", "the recurrence rule is empty"),
        ("RRULE:", "the recurrence rule is empty"),
        ("BYDAY=FR", "'BYDAY=FR' has no FREQ; e.g. FREQ=WEEKLY;BYDAY=FR"),
        ("every friday", "'every friday' has no FREQ"),
        ("FREQ=SOMETIMES", "'FREQ=SOMETIMES' is not a valid RRULE: invalid 'FREQ': SOMETIMES"),
        ("FREQ=WEEKLY;BYDAY=XX", "is not a valid RRULE: invalid 'BYDAY': XX"),
        ("FREQ=WEEKLY;SHOE=44", "is not a valid RRULE: unknown parameter 'SHOE'"),
        ("FREQ=HOURLY", "a cadence repeats at most daily"),
        ("FREQ=MINUTELY", "a cadence repeats at most daily"),
        ("FREQ=SECONDLY", "a cadence repeats at most daily"),
        ("DTSTART:20240105T100000\nRRULE:FREQ=WEEKLY", "give one RRULE line only"),
        ("FREQ=WEEKLY;DTSTART=20240105T100000", "give one RRULE line only"),
        ("FREQ=WEEKLY;EXDATE=20240112T100000", "give one RRULE line only"),
        ("FREQ=WEEKLY;COUNT=0", "'FREQ=WEEKLY;COUNT=0' has no occurrence on or after its start"),
        ("FREQ=WEEKLY;UNTIL=20231231T000000", "has no occurrence on or after its start"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "has no occurrence on or after its start"),
    ],
)
def test_parse_rule_refuses_with_a_readable_message(text, message):
    with pytest.raises(CadenceError) as refused:
        parse_rule(text, START)
    assert message in str(refused.value)
    assert "Traceback" not in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("text", ["FREQ=WEEKLY;INTERVAL=0", "FREQ=WEEKLY;INTERVAL=-1"])
def test_parse_rule_refuses_an_interval_below_one(text):
    # RFC 5545: INTERVAL is a positive integer. dateutil accepts 0 and then loops for
    # ever on the first expansion (every page showing the office hangs); -1 makes it
    # raise "day is out of range" on expansion.
    with pytest.raises(CadenceError, match="INTERVAL"):
        parse_rule(text, START)


@pytest.mark.parametrize(
    "text",
    ["FREQ=DAILY;BYHOUR=9,10", "FREQ=WEEKLY;BYDAY=FR;BYMINUTE=0,30", "FREQ=WEEKLY;BYSECOND=5"],
)
def test_parse_rule_refuses_rules_that_set_the_time_of_day(text):
    # The start time is set separately. BYHOUR/BYMINUTE give several sessions a day
    # (a cadence "repeats at most daily"); BYSECOND moves sessions off the minute that
    # their key names, so the session cannot be found by its key.
    with pytest.raises(CadenceError):
        parse_rule(text, START)


@pytest.mark.parametrize(
    "text", ["FREQ=WEEKLY;BYDAY=FR", "RRULE:FREQ=WEEKLY;BYDAY=FR", "  freq=weekly;byday=fr  "]
)
def test_parse_rule_accepts_a_weekly_rule_with_or_without_prefix(text):
    rule = parse_rule(text, START)
    assert list(rule[:3]) == [
        dt.datetime(2024, 1, 5, 10, 0),
        dt.datetime(2024, 1, 12, 10, 0),
        dt.datetime(2024, 1, 19, 10, 0),
    ]


def test_a_weekly_meeting_stays_at_ten_local_across_the_spring_change_in_berlin():
    weekly = spec("FREQ=WEEKLY;BYDAY=MO", dt.datetime(2024, 3, 18, 10, 0))
    found = expand(weekly, BERLIN, utc(2024, 3, 1), utc(2024, 4, 10))
    assert [o.local for o in found] == [
        dt.datetime(2024, 3, 18, 10, 0),
        dt.datetime(2024, 3, 25, 10, 0),
        dt.datetime(2024, 4, 1, 10, 0),
        dt.datetime(2024, 4, 8, 10, 0),
    ]
    # CET (UTC+1) until Sunday 31 March 2024, then CEST (UTC+2).
    assert [o.start for o in found] == [
        utc(2024, 3, 18, 9, 0),
        utc(2024, 3, 25, 9, 0),
        utc(2024, 4, 1, 8, 0),
        utc(2024, 4, 8, 8, 0),
    ]
    assert [o.key for o in found] == [
        "weekly-20240318T1000",
        "weekly-20240325T1000",
        "weekly-20240401T1000",
        "weekly-20240408T1000",
    ]


def test_a_weekly_meeting_stays_at_ten_local_across_the_autumn_change_in_berlin():
    weekly = spec("FREQ=WEEKLY;BYDAY=MO", dt.datetime(2024, 10, 21, 10, 0))
    found = expand(weekly, BERLIN, utc(2024, 10, 20), utc(2024, 11, 1))
    assert [o.start for o in found] == [utc(2024, 10, 21, 8, 0), utc(2024, 10, 28, 9, 0)]


def test_pyongyang_moving_from_half_past_eight_to_nine_shifts_the_utc_time():
    # North Korea moved from UTC+8:30 to UTC+9 at 23:30 local on 4 May 2018.
    daily = spec("FREQ=DAILY", dt.datetime(2018, 5, 3, 10, 0))
    found = expand(daily, PYONGYANG, utc(2018, 5, 3), utc(2018, 5, 6, 12))
    assert [(o.local.day, o.local.hour, o.local.minute) for o in found] == [
        (3, 10, 0),
        (4, 10, 0),
        (5, 10, 0),
        (6, 10, 0),
    ]
    assert [o.start for o in found] == [
        utc(2018, 5, 3, 1, 30),
        utc(2018, 5, 4, 1, 30),
        utc(2018, 5, 5, 1, 0),
        utc(2018, 5, 6, 1, 0),
    ]


def test_a_time_in_the_pyongyang_gap_takes_the_offset_from_before_it():
    # 23:45 on 4 May 2018 never happened in Pyongyang (23:30 became 00:00).
    daily = spec("FREQ=DAILY", dt.datetime(2018, 5, 3, 23, 45))
    found = expand(daily, PYONGYANG, utc(2018, 5, 3), utc(2018, 5, 5, 16))
    assert [o.start for o in found] == [
        utc(2018, 5, 3, 15, 15),  # +8:30
        utc(2018, 5, 4, 15, 15),  # in the gap: +8:30, i.e. 00:15 on 5 May, +9
        utc(2018, 5, 5, 14, 45),  # +9
    ]


def test_a_nonexistent_local_time_in_a_dst_gap_takes_the_offset_before_the_gap():
    # RFC 5545 3.3.5: 02:30 on 31 March 2024 does not exist in Berlin; it is read with
    # the offset from before the gap (UTC+1), i.e. 01:30Z, shown as 03:30 CEST.
    daily = spec("FREQ=DAILY", dt.datetime(2024, 3, 30, 2, 30))
    found = expand(daily, BERLIN, utc(2024, 3, 29), utc(2024, 4, 2))
    assert [o.local for o in found] == [
        dt.datetime(2024, 3, 30, 2, 30),
        dt.datetime(2024, 3, 31, 2, 30),
        dt.datetime(2024, 4, 1, 2, 30),
    ]
    assert [o.start for o in found] == [
        utc(2024, 3, 30, 1, 30),
        utc(2024, 3, 31, 1, 30),
        utc(2024, 4, 1, 0, 30),
    ]
    assert found[1].start.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"


def test_an_ambiguous_local_time_takes_its_first_occurrence():
    # 02:30 on 27 October 2024 happens twice in Berlin; the first is CEST (UTC+2).
    daily = spec("FREQ=DAILY", dt.datetime(2024, 10, 26, 2, 30))
    found = expand(daily, BERLIN, utc(2024, 10, 25), utc(2024, 10, 28, 12))
    assert [o.start for o in found] == [
        utc(2024, 10, 26, 0, 30),
        utc(2024, 10, 27, 0, 30),
        utc(2024, 10, 28, 1, 30),
    ]


def test_expand_keeps_to_the_window_and_to_the_versions_validity():
    weekly = spec(
        "FREQ=WEEKLY;BYDAY=FR",
        START,
        valid_from=utc(2024, 1, 10),
        valid_until=utc(2024, 1, 26, 1, 0),  # the 26 Jan session starts exactly then
    )
    seoul = ZoneInfo("Asia/Seoul")
    assert [o.key for o in expand(weekly, seoul, utc(2024, 1, 1), utc(2024, 3, 1))] == [
        "weekly-20240112T1000",
        "weekly-20240119T1000",
    ]
    # The window's ends are inclusive.
    assert [o.key for o in expand(weekly, seoul, utc(2024, 1, 19, 1), utc(2024, 1, 19, 1))] == [
        "weekly-20240119T1000"
    ]
    assert expand(weekly, seoul, utc(2024, 2, 1), utc(2024, 1, 1)) == []


def test_occurrence_at_finds_only_times_the_rule_produces():
    weekly = spec("FREQ=WEEKLY;BYDAY=FR", START)
    seoul = ZoneInfo("Asia/Seoul")
    found = occurrence_at(weekly, seoul, dt.datetime(2024, 1, 12, 10, 0))
    assert found is not None
    assert found.start == utc(2024, 1, 12, 1, 0)
    assert occurrence_at(weekly, seoul, dt.datetime(2024, 1, 12, 10, 1)) is None
    assert occurrence_at(weekly, seoul, dt.datetime(2024, 1, 13, 10, 0)) is None
    assert occurrence_at(weekly, seoul, dt.datetime(2023, 12, 29, 10, 0)) is None


def test_occurrence_keys_name_the_cadence_and_the_local_start():
    key = occurrence_key("co-heads", dt.datetime(2018, 11, 2, 10, 0))
    assert key == "co-heads-20181102T1000"
    assert split_key(key) == ("co-heads", dt.datetime(2018, 11, 2, 10, 0))
    assert split_key("adhoc-20240110T1430-2") is None
    assert split_key("nonsense") is None


def test_an_occurrence_past_the_calendars_end_is_no_session():
    # The window is widened by a day each way: on 30 Dec 9999 its last day could not be
    # turned into an instant (DayOutOfRange) and no standing as of that day answered.
    last = spec("FREQ=DAILY", dt.datetime(9999, 12, 20, 10, 0), valid_from=utc(9999, 12, 1))
    found = expand(last, PYONGYANG, utc(9999, 12, 29), utc(9999, 12, 30, 14, 59))
    assert [o.local for o in found] == [
        dt.datetime(9999, 12, 29, 10),
        dt.datetime(9999, 12, 30, 10),
    ]
