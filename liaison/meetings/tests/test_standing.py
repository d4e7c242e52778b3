"""The office's standing on a given instant: attendance rates, no-show streaks, how far the
cadence was kept, and the last held meeting."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from liaison.meetings import attending, calling_off
from liaison.meetings import standing as standing_module
from liaison.meetings.commands import CancelSession, CheckInTo, NoticeOfAbsence
from liaison.meetings.standing import compute
from liaison.projects.commands import ProposeDraft, SaveDraft, StateStatus
from liaison.testing import agreed_session, weekly

MINUTE = dt.timedelta(minutes=1)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def friday(month: int, day: int) -> tuple[str, dt.datetime]:
    """The weekly session's key and start (10:00 in Seoul is 01:00Z)."""
    return f"weekly-2024{month:02}{day:02}T1000", utc(2024, month, day, 1)


AS_OF = utc(2024, 2, 20)  # Tuesday 09:00 in Seoul


@pytest.fixture
def record(world):
    """Seven Fridays. South attends all. North: present, no-show, excused, no-show,
    (cancelled), late, no-show."""
    weekly(world)
    south, north = world.south_head, world.north_head

    def both(month, day, *, north_late=False):
        key, start = friday(month, day)
        attending.check_in(member=south, command=CheckInTo(key=key), now=start - 5 * MINUTE)
        attending.check_in(
            member=north,
            command=CheckInTo(key=key),
            now=start + (3 * MINUTE if north_late else -MINUTE),
        )

    def south_only(month, day):
        key, start = friday(month, day)
        attending.check_in(member=south, command=CheckInTo(key=key), now=start - 5 * MINUTE)

    both(1, 5)
    south_only(1, 12)
    key, start = friday(1, 19)
    attending.give_notice_of_absence(
        member=north,
        command=NoticeOfAbsence(key=key, reason="Plenum"),
        now=start - 24 * 60 * MINUTE,
    )
    south_only(1, 19)
    south_only(1, 26)
    key, start = friday(2, 2)
    calling_off.cancel_session(
        member=south, command=CancelSession(key=key, reason="Lunar new year"), now=utc(2024, 1, 30)
    )
    both(2, 9, north_late=True)
    south_only(2, 16)
    return world


def _side(standing, key):
    return next(s for s in standing.sides if s.key == key)


def test_attendance_rate_counts_decided_sessions_in_the_window(record):
    standing = compute(record.office, AS_OF, window_days=90)
    north, south = _side(standing, "north"), _side(standing, "south")
    # North: present, no-show, excused, no-show, late, no-show; the cancelled one is not due.
    assert (north.attended, north.excused, north.no_shows) == (2, 1, 3)
    assert north.attendance_rate == pytest.approx(2 / 6, abs=1e-4)
    assert (south.attended, south.no_shows, south.attendance_rate) == (6, 0, 1.0)


def test_attendance_rate_only_looks_back_over_the_window(record):
    standing = compute(record.office, AS_OF, window_days=14)  # 9 and 16 Feb
    north = _side(standing, "north")
    assert (north.attended, north.no_shows, north.attendance_rate) == (1, 1, 0.5)
    assert standing.window_start == utc(2024, 2, 6)


def test_no_show_streaks_are_current_and_longest(record):
    standing = compute(record.office, AS_OF)
    north, south = _side(standing, "north"), _side(standing, "south")
    # no-show, excused, no-show is a run of two; the late check-in on 9 Feb ended it.
    assert (north.current_no_show_streak, north.longest_no_show_streak) == (1, 2)
    assert (south.current_no_show_streak, south.longest_no_show_streak) == (0, 0)


def test_cadence_compliance_counts_a_cancelled_session_against_it(record):
    standing = compute(record.office, AS_OF)
    # Seven Fridays were due (2 Feb was cancelled); held: 5 Jan and 9 Feb.
    assert (standing.cadence_expected, standing.cadence_held) == (7, 2)
    assert standing.cadence_compliance == pytest.approx(2 / 7, abs=1e-4)
    assert standing.as_json()["cadence_compliance"] == {
        "expected": 7,
        "held": 2,
        "rate": round(2 / 7, 4),
    }


def test_last_held_meeting_and_days_since(record):
    standing = compute(record.office, AS_OF)
    assert standing.last_held.session.key == "weekly-20240209T1000"
    data = standing.as_json()
    assert data["last_held_meeting"] == "2024-02-09"
    assert data["days_since_last_held"] == 11
    assert data["last_held_session"] == "weekly-20240209T1000"


def test_days_since_last_held_count_in_the_offices_days(record):
    # 23:30 UTC on 9 Feb is already 10 Feb in Seoul: one day after the meeting.
    standing = compute(record.office, utc(2024, 2, 9, 23, 30))
    assert standing.days_since_last_held == 1
    standing = compute(record.office, utc(2024, 2, 9, 14, 30))  # 23:30 in Seoul
    assert standing.days_since_last_held == 0


def test_a_past_as_of_ignores_what_came_after(record):
    standing = compute(record.office, utc(2024, 1, 13))
    north = _side(standing, "north")
    assert standing.as_json()["last_held_meeting"] == "2024-01-05"
    assert (north.attended, north.no_shows) == (1, 1)
    assert (north.current_no_show_streak, north.longest_no_show_streak) == (1, 1)
    assert (standing.cadence_expected, standing.cadence_held) == (2, 1)


def test_a_check_in_recorded_after_as_of_is_not_counted(record):
    _, start = friday(2, 9)  # North checked in late, at 01:03Z
    before = compute(record.office, start + 2 * MINUTE)
    north = _side(before, "north")
    assert before.as_json()["last_held_meeting"] == "2024-01-05"
    assert north.attended == 1
    assert north.current_no_show_streak == 2  # 9 Feb not decided yet
    after = compute(record.office, start + 4 * MINUTE)
    assert after.as_json()["last_held_meeting"] == "2024-02-09"
    assert _side(after, "north").attended == 2
    assert _side(after, "north").current_no_show_streak == 0


def test_a_session_in_its_grace_period_is_not_yet_counted(record):
    _, start = friday(2, 23)
    standing = compute(record.office, start + 5 * MINUTE)  # nobody in yet, grace runs
    north = _side(standing, "north")
    assert north.current_no_show_streak == 1
    assert (standing.cadence_expected, standing.cadence_held) == (7, 2)
    later = compute(record.office, start + 16 * MINUTE)
    assert _side(later, "north").current_no_show_streak == 2
    assert _side(later, "south").no_shows == 1
    assert later.cadence_expected == 8


def test_ad_hoc_sessions_count_for_attendance_but_not_the_cadence(record):
    start = utc(2024, 2, 14, 5)  # Wednesday 14:00 in Seoul
    session = agreed_session(
        member=record.north_head,
        title="Business visit",
        start=start,
        duration_minutes=60,
        grace_minutes=15,
        required_level="head",
        now=utc(2024, 2, 10),
    )
    attending.check_in(member=record.south_head, command=CheckInTo(key=session.key), now=start)
    attending.check_in(member=record.north_head, command=CheckInTo(key=session.key), now=start)
    standing = compute(record.office, utc(2024, 2, 15))
    assert standing.last_held.session.key == "adhoc-20240214T1400"
    assert _side(standing, "north").attended == 3
    assert (standing.cadence_expected, standing.cadence_held) == (6, 2)


def test_an_office_with_no_sessions_has_an_empty_standing(world):
    standing = compute(world.office, utc(2024, 3, 1))
    data = standing.as_json()
    assert data["last_held_meeting"] is None
    assert data["days_since_last_held"] is None
    assert [s["attendance_rate"] for s in data["sides"]] == [None, None]
    assert data["cadence_compliance"] == {"expected": 0, "held": 0, "rate": None}
    assert data["projects_by_status"] == {}  # not asked for


@pytest.mark.parametrize("window_days", [90, 999_999_999])
def test_a_window_reaching_back_past_year_1_rates_all_there_is(record, window_days):
    # The window's start was as_of less its days: an OverflowError near year 1.
    early = compute(record.office, utc(1, 1, 2, 12), window_days=window_days)
    assert early.window_start == utc(1, 1, 2)
    assert early.last_held is None
    wide = compute(record.office, AS_OF, window_days=window_days)
    assert _side(wide, "north").attended == _side(compute(record.office, AS_OF), "north").attended


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_status_as_of_a_day_at_the_calendars_end_is_one_line(world, day):
    # end_of_day raised DayOutOfRange: a traceback.
    with pytest.raises(CommandError) as refused:
        call_command("status", "testoffice", "--as-of", day, stdout=StringIO())
    assert str(refused.value) == (
        f"--as-of {day} is out of range: use a day from 0001-01-02 to 9999-12-30"
    )


def test_status_more_than_ten_years_ahead_is_one_line_not_minutes_of_work(world):
    # As of 9999-12-30 it walked some 416,000 weekly sessions: seconds of the server.
    with time_machine.travel(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), tick=False):
        with pytest.raises(CommandError) as refused:
            call_command("status", "testoffice", "--as-of", "9999-12-30", stdout=StringIO())
        out = StringIO()
        call_command("status", "testoffice", "--as-of", "2033-12-31", stdout=out)
    assert str(refused.value) == (
        "--as-of 9999-12-30: the standing can be asked for at most ten years ahead"
    )
    assert "as of 2033-12-31" in out.getvalue()


def test_status_as_of_the_calendars_first_day_answers(record):
    out = StringIO()
    call_command("status", "testoffice", "--as-of", "0001-01-02", "--window", "99999", stdout=out)
    assert "No meeting held yet." in out.getvalue()


def test_projects_by_status_counts_each_projects_status_at_the_day(world):
    from liaison.projects import drafts, plans

    def propose(key: str, now: dt.datetime) -> None:
        drafts.save_project_draft(
            member=world.south_head,
            command=SaveDraft(key=key, base_revision=0, kind="event", title=key, leads=["south"]),
            now=now,
        )
        drafts.propose_project(member=world.south_head, command=ProposeDraft(key=key), now=now)

    propose("concert", utc(2024, 1, 2))
    propose("visit", utc(2024, 1, 2))
    plans.state_status(
        member=world.north_head,
        command=StateStatus(key="concert", status="postponed"),
        now=utc(2024, 1, 10),
    )
    propose("study", utc(2024, 1, 20))
    before = compute(world.office, utc(2024, 1, 5), with_projects=True).projects_by_status
    after = compute(world.office, utc(2024, 2, 1), with_projects=True).projects_by_status
    assert (before["proposed"], before["postponed"]) == (2, 0)
    assert (after["proposed"], after["postponed"]) == (2, 1)
    assert sum(after.values()) == 3 and after["cancelled"] == 0


def test_the_standing_is_the_same_whether_check_ins_are_read_by_key_or_for_the_office(
    record, monkeypatch
):
    # Long histories read the office's check-ins and notices instead of an IN list.
    by_key = compute(record.office, AS_OF).as_json()
    monkeypatch.setattr(standing_module, "_KEYS_IN_QUERY", 0)
    whole_office = compute(record.office, AS_OF).as_json()
    assert whole_office == by_key
    assert by_key["sides"][1]["longest_no_show_streak"] == 2
