"""Attendance is derived from the session, a side's check-in or notice, and the time:
boundaries to the microsecond, then the same boundaries through the actions."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.meetings import attending, calling_off
from liaison.meetings.attendance import Attendance, attendance, is_held, streaks
from liaison.meetings.commands import CancelSession, CheckInTo, NoticeOfAbsence
from liaison.meetings.overview import session_detail
from liaison.meetings.schedule import SessionInfo
from liaison.testing import weekly

START = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)  # Friday 10:00 in Seoul
GRACE = dt.timedelta(minutes=15)
GRACE_END = START + GRACE
US = dt.timedelta(microseconds=1)
KEY = "weekly-20240105T1000"

P, L, E, N, X, D = (
    Attendance.PRESENT,
    Attendance.LATE,
    Attendance.EXCUSED,
    Attendance.NO_SHOW,
    Attendance.EXPECTED,
    Attendance.NOT_DUE,
)


def session(
    status: str = "scheduled",
    *,
    agreed_at: dt.datetime | None = START - dt.timedelta(days=7),
    binds_proposer: bool = True,
) -> SessionInfo:
    """A session the South proposed and the North accepted a week before."""
    return SessionInfo(
        key=KEY,
        title="Weekly meeting",
        start=START,
        original_start=START,
        duration=dt.timedelta(hours=1),
        grace=GRACE,
        required_level="head",
        status=status,
        status_reason="",
        cadence_key="weekly",
        cadence_version=1,
        proposed_by="south",
        agreed_at=agreed_at,
        binds_proposer=binds_proposer,
    )


@pytest.mark.parametrize("side", ["south", "north"])
def test_a_session_only_proposed_binds_neither_side(side):
    proposed = session("proposed", agreed_at=None, binds_proposer=False)
    assert attendance(proposed, side, None, None, GRACE_END + dt.timedelta(days=1)) == D


def test_accepted_with_short_notice_it_binds_the_accepting_side_only():
    # The North accepted an hour before the start: it knew; the South, which proposed,
    # may not have heard in time, so its absence is not counted.
    late = session(agreed_at=START - dt.timedelta(hours=1), binds_proposer=False)
    after = GRACE_END + US
    assert attendance(late, "north", None, None, after) == N
    assert attendance(late, "south", None, None, after) == D
    # Held all the same if both turn up.
    assert attendance(late, "south", START, None, after) == P


def test_accepted_with_enough_notice_it_binds_both_sides():
    after = GRACE_END + US
    assert attendance(session(), "south", None, None, after) == N
    assert attendance(session(), "north", None, None, after) == N


def test_a_check_in_exactly_at_the_start_is_present():
    assert attendance(session(), "north", START, None, GRACE_END + US) == P


def test_a_check_in_one_microsecond_after_the_start_is_late():
    assert attendance(session(), "north", START + US, None, GRACE_END + US) == L


def test_a_check_in_at_the_grace_end_is_late():
    assert attendance(session(), "north", GRACE_END, None, GRACE_END + US) == L


def test_an_early_check_in_is_present():
    assert attendance(session(), "north", START - dt.timedelta(minutes=50), None, START) == P


def test_notice_before_the_start_is_excused():
    assert attendance(session(), "north", None, START - US, GRACE_END + US) == E
    # ... and is known as soon as it is given, before the grace ends.
    assert attendance(session(), "north", None, START - dt.timedelta(days=1), START - US) == E


def test_notice_at_or_after_the_start_does_not_excuse():
    assert attendance(session(), "north", None, START, GRACE_END + US) == N
    assert attendance(session(), "north", None, START, START + US) == X


def test_a_check_in_outweighs_a_notice():
    assert attendance(session(), "north", START - US, START - dt.timedelta(hours=1), GRACE_END) == P


def test_nothing_just_before_the_grace_end_is_still_expected():
    assert attendance(session(), "north", None, None, GRACE_END - US) == X
    assert attendance(session(), "north", None, None, START - dt.timedelta(days=7)) == X


def test_nothing_after_the_grace_end_is_a_no_show():
    assert attendance(session(), "north", None, None, GRACE_END + US) == N


def test_a_side_that_may_still_check_in_is_not_yet_a_no_show():
    # At the grace end itself the check-in action still accepts a check-in (and would
    # record it as late), so the side cannot already be a no-show at that instant.
    assert attendance(session(), "north", None, None, GRACE_END) == X


@pytest.mark.parametrize("status", ["cancelled", "postponed"])
def test_a_cancelled_or_postponed_session_is_not_due(status):
    assert attendance(session(status), "north", None, None, GRACE_END + dt.timedelta(days=1)) == D
    assert attendance(session(status), "north", START, None, GRACE_END) == D


def test_only_present_and_late_count_as_attended_and_only_expected_and_not_due_are_open():
    assert {a for a in Attendance if a.attended} == {P, L}
    assert {a for a in Attendance if not a.decided} == {X, D}


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], (0, 0)),
        ([P, L, P], (0, 0)),
        ([N, N, N, N], (4, 4)),
        ([P, N, N, N, N, P], (0, 4)),
        ([N, N, P, N], (1, 2)),
        ([N, E, N], (2, 2)),  # excused does not break a run ...
        ([E, E], (0, 0)),  # ... nor start one
        ([N, N, E, L, N], (1, 2)),
        ([N, X, D, N], (2, 2)),  # undecided sessions are ignored
    ],
)
def test_no_show_streaks_current_and_longest(outcomes, expected):
    assert streaks(outcomes) == expected


def test_a_session_is_held_when_every_side_attended():
    assert is_held([P, L])
    assert is_held([L, L])
    assert not is_held([P, N])
    assert not is_held([P, E])
    assert not is_held([P, X])
    assert not is_held([D, D])
    assert not is_held([])


# The same boundaries, through the actions: a 60-minute session with 15 minutes' grace.


def _check_in(world, now):
    return attending.check_in(member=world.north_head, command=CheckInTo(key=KEY), now=now)


def _north(world, now) -> Attendance:
    detail = session_detail(world.office, KEY, now)
    assert detail is not None
    return detail.for_side("north").attendance


@pytest.fixture
def cadence(world):
    weekly(world, grace=15)
    return world


def test_it_marks_north_present_when_checking_in_at_the_start(cadence):
    check_in = _check_in(cadence, START)
    assert check_in.at == START
    assert _north(cadence, GRACE_END + US) == P


def test_it_marks_north_late_one_microsecond_after_the_start(cadence):
    assert _check_in(cadence, START + US).at == START + US
    assert _north(cadence, GRACE_END + US) == L


def test_it_accepts_a_check_in_at_the_grace_end_as_late(cadence):
    _check_in(cadence, GRACE_END)
    assert _north(cadence, GRACE_END + dt.timedelta(hours=2)) == L


def test_it_marks_north_no_show_after_grace(cadence):
    events = Event.objects.count()
    with pytest.raises(Refused, match="no-show"):
        _check_in(cadence, GRACE_END + US)
    assert Event.objects.count() == events
    assert _north(cadence, GRACE_END + US) == N


def test_it_shows_north_expected_until_the_grace_ends(cadence):
    assert _north(cadence, GRACE_END - US) == X


def test_it_marks_north_excused_after_notice_before_the_start(cadence):
    attending.give_notice_of_absence(
        member=cadence.north_head,
        command=NoticeOfAbsence(key=KEY, reason="Illness"),
        now=START - US,
    )
    assert _north(cadence, START - US) == E
    assert _north(cadence, GRACE_END + dt.timedelta(days=1)) == E


def test_it_marks_both_sides_not_due_once_cancelled(cadence):
    calling_off.cancel_session(
        member=cadence.south_head,
        command=CancelSession(key=KEY, reason="Typhoon"),
        now=START - dt.timedelta(days=1),
    )
    detail = session_detail(cadence.office, KEY, GRACE_END + dt.timedelta(days=1))
    assert [s.attendance for s in detail.sides] == [D, D]
    assert not detail.held
