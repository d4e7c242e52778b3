"""The read models behind the dashboard and the session page."""

from __future__ import annotations

import datetime as dt

from liaison.meetings import attending
from liaison.meetings.attendance import Attendance
from liaison.meetings.commands import CheckInTo
from liaison.meetings.overview import dashboard, eligible_attendees, session_detail
from liaison.testing import weekly

KEY = "weekly-20240105T1000"
START = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)  # Friday 10:00 in Seoul
MINUTE = dt.timedelta(minutes=1)


def test_the_dashboard_shows_recent_upcoming_and_open_sessions(world):
    weekly(world)
    attending.check_in(member=world.south_head, command=CheckInTo(key=KEY), now=START)
    board = dashboard(world.office, START + 60 * MINUTE)
    assert [o.session.key for o in board.recent] == [KEY]
    assert board.recent[0].by_side == {"south": Attendance.PRESENT, "north": Attendance.NO_SHOW}
    assert board.upcoming[0].session.key == "weekly-20240112T1000"
    assert len(board.upcoming) == 8  # eight weeks ahead
    assert board.open_now == []
    # Ten minutes in, the session is open for check-in.
    assert [o.session.key for o in dashboard(world.office, START + 10 * MINUTE).open_now] == [KEY]


def test_the_session_page_says_who_came_and_whether_it_can_still_change(world):
    weekly(world)
    before = session_detail(world.office, KEY, START - 61 * MINUTE)
    assert not before.check_in_open
    assert before.changeable
    assert before.check_in_opens == START - 60 * MINUTE
    assert before.check_in_closes == START + 15 * MINUTE

    attending.check_in(member=world.south_head, command=CheckInTo(key=KEY), now=START - 60 * MINUTE)
    during = session_detail(world.office, KEY, START)
    assert during.check_in_open
    assert not during.changeable
    assert during.for_side("south").check_in.attendee_id == world.south_head.pk
    assert during.for_side("north").attendance == Attendance.EXPECTED

    after = session_detail(world.office, KEY, START + 16 * MINUTE)
    assert [s.attendance for s in after.sides] == [Attendance.PRESENT, Attendance.NO_SHOW]
    assert not after.held
    assert session_detail(world.office, "weekly-20240106T1000", START) is None


def test_eligible_attendees_follow_the_required_level(world):
    weekly(world, level="deputy")
    session = session_detail(world.office, KEY, START).session
    names = [m.username for m in eligible_attendees(world.south_staff, session, START.date())]
    assert names == [world.south_deputy.username, world.south_head.username]
