"""The actions on cadences and sessions: each refusal says why and writes nothing; each
accepted change shows where users look (the schedule, the session, the standing)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest

from liaison.ledger.models import Event
from liaison.lib.errors import NotAllowed, NotFound, Refused
from liaison.meetings import attending, calling_off
from liaison.meetings.commands import CancelSession, CheckInTo, NoticeOfAbsence, PostponeSession
from liaison.meetings.models import Cadence
from liaison.meetings.overview import session_detail
from liaison.meetings.schedule import find_session, sessions_between
from liaison.meetings.standing import compute
from liaison.offices import actions as offices
from liaison.offices.commands import EndMembership
from liaison.offices.models import Member
from liaison.testing import (
    OPERATOR,
    T0,
    agreed_cadence,
    agreed_end,
    agreed_move,
    agreed_session,
    weekly,
)

KEY = "weekly-20240105T1000"
START = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)  # Friday 10:00 in Seoul
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@contextlib.contextmanager
def refused(match: str | None, kind: type[Exception] = Refused) -> Iterator[pytest.ExceptionInfo]:
    """The block is refused with ``match`` in its message and appends no event."""
    before = Event.objects.count()
    with pytest.raises(kind, match=match) as info:
        yield info
    assert Event.objects.count() == before


@pytest.fixture
def cadence(world):
    weekly(world)  # Fridays 10:00 Seoul, an hour, 15 minutes' grace, heads must attend
    return world


# Check-in.


def test_check_in_for_an_attendee_of_the_other_side_is_refused(cadence):
    # Naming the other side's member is acting for the other side, on every path (the
    # API answered so before the action did).
    with refused("you can act only for your own side", NotAllowed):
        attending.check_in(
            member=cadence.south_head,
            command=CheckInTo(attendee=cadence.north_head.username, key=KEY),
            now=START,
        )


def test_check_in_by_staff_is_not_allowed(cadence):
    with refused("only your side's head or deputy", NotAllowed):
        attending.check_in(member=cadence.south_staff, command=CheckInTo(key=KEY), now=START)


def test_check_in_by_an_observer_is_not_allowed(cadence):
    with refused("observers read", NotAllowed):
        attending.check_in(member=cadence.observer, command=CheckInTo(key=KEY), now=START)


def test_check_in_to_a_cancelled_session_is_refused(cadence):
    calling_off.cancel_session(
        member=cadence.north_head, command=CancelSession(key=KEY, reason="Typhoon"), now=START - DAY
    )
    with refused("this session was cancelled"):
        attending.check_in(member=cadence.south_head, command=CheckInTo(key=KEY), now=START)


def test_check_in_to_a_postponed_session_is_refused(cadence):
    calling_off.postpone_session(
        member=cadence.north_head, command=PostponeSession(key=KEY, reason="Talks"), now=START - DAY
    )
    with refused("postponed"):
        attending.check_in(member=cadence.south_head, command=CheckInTo(key=KEY), now=START)


def test_check_in_to_a_finished_session_is_refused(cadence):
    with refused("this session has finished"):
        attending.check_in(
            member=cadence.south_head, command=CheckInTo(key=KEY), now=START + 61 * MINUTE
        )


def test_check_in_before_it_opens_is_refused_saying_when_it_opens(cadence):
    with refused("check-in opens at Fri 05 Jan 2024 09:00 KST"):
        attending.check_in(
            member=cadence.south_head, command=CheckInTo(key=KEY), now=START - 61 * MINUTE
        )
    # An hour before the start, it is open.
    attending.check_in(
        member=cadence.south_head, command=CheckInTo(key=KEY), now=START - 60 * MINUTE
    )


def test_a_second_check_in_for_a_side_is_refused(cadence):
    attending.check_in(
        member=cadence.south_head, command=CheckInTo(key=KEY), now=START - 5 * MINUTE
    )
    with refused("your side already checked in at Fri 05 Jan 2024 09:55 KST"):
        attending.check_in(
            member=cadence.south_deputy,
            command=CheckInTo(attendee=cadence.south_head.username, key=KEY),
            now=START,
        )


def test_check_in_of_a_deputy_to_a_heads_meeting_is_refused(cadence):
    with refused("this session needs the head of your side"):
        attending.check_in(member=cadence.south_deputy, command=CheckInTo(key=KEY), now=START)
    # The deputy may check the head in.
    check_in = attending.check_in(
        member=cadence.south_deputy,
        command=CheckInTo(attendee=cadence.south_head.username, key=KEY),
        now=START,
    )
    assert check_in.attendee_id == cadence.south_head.pk
    assert check_in.checked_in_by_id == cadence.south_deputy.pk


def test_check_in_to_a_time_the_cadence_does_not_have_is_refused(cadence):
    # The lookup's NotFound, as the pages and the API answer it: a 404.
    with pytest.raises(NotFound, match="No such session"):
        attending.check_in(
            member=cadence.south_head, command=CheckInTo(key="weekly-20240106T1000"), now=START
        )


def test_check_in_for_an_attendee_whose_membership_ended_is_refused(cadence):
    offices.end_membership(
        member=cadence.south_head,
        command=EndMembership(active_until=dt.date(2024, 1, 4)),
        actor=OPERATOR,
        now=T0,
    )
    with refused("is not an active member"):
        attending.check_in(
            member=cadence.south_deputy,
            command=CheckInTo(attendee=cadence.south_head.username, key=KEY),
            now=START,
        )


# Notice of absence.


def test_notice_at_or_after_the_start_is_refused(cadence):
    with refused("notice of absence must be given before the session starts"):
        attending.give_notice_of_absence(
            member=cadence.north_head, command=NoticeOfAbsence(key=KEY, reason="Ill"), now=START
        )


def test_notice_twice_is_refused(cadence):
    attending.give_notice_of_absence(
        member=cadence.north_head, command=NoticeOfAbsence(key=KEY, reason="Ill"), now=T0
    )
    with refused("your side has already given notice"):
        attending.give_notice_of_absence(
            member=cadence.north_deputy,
            command=NoticeOfAbsence(key=KEY, reason="Still ill"),
            now=T0 + DAY,
        )


def test_notice_after_checking_in_is_refused(cadence):
    attending.check_in(member=cadence.north_head, command=CheckInTo(key=KEY), now=START - MINUTE)
    with refused("already checked in"):
        attending.give_notice_of_absence(
            member=cadence.north_head,
            command=NoticeOfAbsence(key=KEY, reason="Leaving"),
            now=START - MINUTE,
        )


def test_notice_without_a_reason_is_refused(cadence):
    with refused("give a reason"):
        attending.give_notice_of_absence(
            member=cadence.north_head, command=NoticeOfAbsence(key=KEY, reason="  "), now=T0
        )


def test_notice_for_a_cancelled_session_is_refused(cadence):
    calling_off.cancel_session(
        member=cadence.south_head, command=CancelSession(key=KEY, reason="Typhoon"), now=T0
    )
    with refused("this session is cancelled; no notice is needed"):
        attending.give_notice_of_absence(
            member=cadence.north_head, command=NoticeOfAbsence(key=KEY, reason="Ill"), now=T0
        )


# Moving, postponing, cancelling.


def test_moving_a_session_into_the_past_is_refused(cadence):
    with refused("the new start must be in the future"):
        agreed_move(member=cadence.south_head, key=KEY, start=T0 - DAY, reason="Earlier", now=T0)


def test_moving_a_session_that_started_is_refused(cadence):
    with refused("this session started at Fri 05 Jan 2024 10:00 KST"):
        agreed_move(
            member=cadence.south_head, key=KEY, start=START + DAY, reason="Later", now=START
        )


def test_moving_a_session_a_side_checked_in_to_is_refused(cadence):
    attending.check_in(
        member=cadence.north_head, command=CheckInTo(key=KEY), now=START - 10 * MINUTE
    )
    with refused("a side has already checked in"):
        agreed_move(
            member=cadence.south_head,
            key=KEY,
            start=START + DAY,
            reason="Later",
            now=START - 5 * MINUTE,
        )


def test_cancelling_after_the_start_is_refused(cadence):
    with refused("it can no longer be changed"):
        calling_off.cancel_session(
            member=cadence.south_head,
            command=CancelSession(key=KEY, reason="Too late"),
            now=START + MINUTE,
        )


def test_cancelling_without_a_reason_is_refused(cadence):
    with refused("say why the session is cancelled"):
        calling_off.cancel_session(
            member=cadence.south_head, command=CancelSession(key=KEY, reason=""), now=T0
        )


def test_cancelling_twice_is_refused(cadence):
    calling_off.cancel_session(
        member=cadence.south_head, command=CancelSession(key=KEY, reason="Typhoon"), now=T0
    )
    with refused("this session was cancelled"):
        calling_off.cancel_session(
            member=cadence.north_head, command=CancelSession(key=KEY, reason="Typhoon"), now=T0
        )


def test_postponing_twice_is_refused(cadence):
    calling_off.postpone_session(
        member=cadence.south_head, command=PostponeSession(key=KEY, reason="Talks"), now=T0
    )
    with refused("already postponed"):
        calling_off.postpone_session(
            member=cadence.north_head, command=PostponeSession(key=KEY, reason="Talks"), now=T0
        )


def test_a_postponed_session_can_be_given_a_new_time_after_its_old_one(cadence):
    calling_off.postpone_session(
        member=cadence.south_head, command=PostponeSession(key=KEY, reason="Talks"), now=T0
    )
    new_start = START + 7 * DAY + 5 * 60 * MINUTE
    agreed_move(
        member=cadence.north_head,
        key=KEY,
        start=new_start,
        reason="New date",
        now=START + DAY,
    )
    session = find_session(cadence.office, KEY)
    assert session.status == "scheduled"
    assert session.start == new_start


def test_schedule_changes_by_staff_are_not_allowed(cadence):
    with refused("only your side's head or deputy", NotAllowed):
        calling_off.cancel_session(
            member=cadence.north_staff, command=CancelSession(key=KEY, reason="No"), now=T0
        )


# Cadences.


def _set(world, **overrides):
    arguments = {
        "member": world.south_head,
        "key": "weekly",
        "title": "Weekly meeting",
        "rule": "FREQ=WEEKLY;BYDAY=FR",
        "starts_on": dt.date(2024, 1, 5),
        "start_time": dt.time(10, 0),
        "duration_minutes": 60,
        "grace_minutes": 15,
        "required_level": "head",
        "now": T0,
    } | overrides
    return agreed_cadence(**arguments)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rule": "EVERY FRIDAY"}, "has no FREQ"),
        ({"rule": "FREQ=HOURLY"}, "at most daily"),
        ({"grace_minutes": 61}, "the grace period must be between 0 and the session's length"),
        ({"grace_minutes": -1}, "the grace period must be between 0"),
        ({"duration_minutes": 0}, "a session lasts at least a minute"),
        ({"required_level": "minister"}, "required level must be one of head, deputy, staff"),
        ({"effective": T0 - MINUTE}, "a cadence change cannot start in the past"),
        ({"key": "adhoc"}, "kept for ad hoc sessions"),
        ({"key": "Weekly Meeting"}, "lowercase letters, digits and hyphens"),
    ],
)
def test_set_cadence_refuses_bad_settings(world, overrides, message):
    with refused(message) as info:
        _set(world, **overrides)
    assert not Cadence.objects.exists()
    for field in ("rule", "key"):
        if field in overrides:
            assert info.value.field == field


def test_set_cadence_by_an_observer_is_not_allowed(world):
    with refused("observers read", NotAllowed):
        _set(world, member=world.observer)


@pytest.mark.parametrize(
    ("action", "arguments"),
    [
        pytest.param("set_cadence", {"key": "Weekly Meeting"}, id="cadence-key-with-spaces"),
        pytest.param("set_cadence", {"title": ""}, id="cadence-without-title"),
        pytest.param("schedule_session", {"title": ""}, id="session-without-title"),
    ],
)
def test_bad_input_is_refused_for_a_person_not_rejected_as_an_event(world, action, arguments):
    # Actions promise Refused with a message for a person (which views turn into a
    # form error); a body that fails its event schema must not get that far.
    calls = {
        "set_cadence": lambda: _set(world, **arguments),
        "schedule_session": lambda: agreed_session(
            member=world.south_head,
            start=T0 + DAY,
            duration_minutes=60,
            grace_minutes=15,
            required_level="head",
            now=T0,
            **arguments,
        ),
    }
    with refused(None) as info:
        calls[action]()
    assert str(info.value) and "\n" not in str(info.value)


def test_set_cadence_accepts_until_in_utc_as_rfc_5545_asks(world):
    # RFC 5545 3.3.10: with a DTSTART in a time zone, UNTIL MUST be given in UTC.
    _set(world, rule="FREQ=WEEKLY;BYDAY=FR;UNTIL=20240118T000000Z")
    keys = [s.key for s in sessions_between(world.office, T0, utc(2024, 3, 1))]
    assert keys == ["weekly-20240105T1000", "weekly-20240112T1000"]


def test_a_cadence_change_keeps_earlier_sessions_and_moves_later_ones(cadence):
    attending.check_in(member=cadence.south_head, command=CheckInTo(key=KEY), now=START)
    attending.check_in(member=cadence.north_head, command=CheckInTo(key=KEY), now=START)
    before = {s.key: s.start for s in sessions_between(cadence.office, T0, utc(2024, 1, 20))}
    # On Monday 15 Jan the heads agree: Tuesdays at 15:00 from Saturday 20 Jan on.
    _set(
        cadence,
        member=cadence.north_head,
        rule="FREQ=WEEKLY;BYDAY=TU",
        starts_on=dt.date(2024, 1, 23),
        start_time=dt.time(15, 0),
        effective=utc(2024, 1, 20),
        reason="Fridays clash with the cabinet",
        now=utc(2024, 1, 15),
    )
    sessions = sessions_between(cadence.office, T0, utc(2024, 2, 10))
    assert [(s.key, s.start, s.cadence_version) for s in sessions] == [
        ("weekly-20240105T1000", utc(2024, 1, 5, 1), 1),
        ("weekly-20240112T1000", utc(2024, 1, 12, 1), 1),
        ("weekly-20240119T1000", utc(2024, 1, 19, 1), 1),
        ("weekly-20240123T1500", utc(2024, 1, 23, 6), 2),
        ("weekly-20240130T1500", utc(2024, 1, 30, 6), 2),
        ("weekly-20240206T1500", utc(2024, 2, 6, 6), 2),
    ]
    assert {s.key: s.start for s in sessions if s.cadence_version == 1} == before
    # The earlier session keeps its record; a Friday after the change is no session.
    detail = session_detail(cadence.office, KEY, utc(2024, 2, 1))
    assert detail.held
    assert find_session(cadence.office, "weekly-20240126T1000") is None
    assert find_session(cadence.office, "weekly-20240119T1000").cadence_version == 1


def test_a_change_taking_effect_before_a_pending_change_ends_the_old_rule(cadence):
    # On 8 Jan: Mondays from 1 Feb. On 10 Jan, instead: Wednesdays from 20 Jan.
    _set(
        cadence,
        rule="FREQ=WEEKLY;BYDAY=MO",
        starts_on=dt.date(2024, 2, 5),
        effective=utc(2024, 2, 1),
        now=utc(2024, 1, 8),
    )
    _set(
        cadence,
        rule="FREQ=WEEKLY;BYDAY=WE",
        starts_on=dt.date(2024, 1, 24),
        effective=utc(2024, 1, 20),
        now=utc(2024, 1, 10),
    )
    keys = [s.key for s in sessions_between(cadence.office, utc(2024, 1, 18), utc(2024, 2, 10))]
    assert keys == [
        "weekly-20240119T1000",
        "weekly-20240124T1000",
        "weekly-20240131T1000",
        "weekly-20240207T1000",
    ]


def test_moving_an_occurrence_keeps_its_key_and_counts_at_its_new_time(cadence):
    key = "weekly-20240112T1000"
    new_start = utc(2024, 1, 13, 2)  # Saturday 11:00 in Seoul
    agreed_move(
        member=cadence.north_head, key=key, start=new_start, reason="Flights", now=utc(2024, 1, 8)
    )
    sessions = sessions_between(cadence.office, utc(2024, 1, 8), utc(2024, 1, 20))
    assert [(s.key, s.start, s.is_moved) for s in sessions] == [
        (key, new_start, True),
        ("weekly-20240119T1000", utc(2024, 1, 19, 1), False),
    ]
    assert sessions[0].original_start == utc(2024, 1, 12, 1)
    with refused("check-in opens at Sat 13 Jan 2024 10:00 KST"):
        attending.check_in(
            member=cadence.south_head, command=CheckInTo(key=key), now=utc(2024, 1, 12, 1)
        )
    attending.check_in(member=cadence.south_head, command=CheckInTo(key=key), now=new_start)
    attending.check_in(
        member=cadence.north_head, command=CheckInTo(key=key), now=new_start + MINUTE
    )
    standing = compute(cadence.office, utc(2024, 1, 14))
    assert standing.last_held.session.key == key
    assert standing.as_json()["last_held_meeting"] == "2024-01-13"
    assert standing.days_since_last_held == 1


def test_ad_hoc_sessions_are_keyed_by_their_local_start(cadence):
    start = utc(2024, 1, 10, 5, 30)  # 14:30 in Seoul
    first = agreed_session(
        member=cadence.south_head,
        title="Rail-link study",
        start=start,
        duration_minutes=90,
        grace_minutes=10,
        required_level="deputy",
        now=T0,
    )
    second = agreed_session(
        member=cadence.north_head,
        title="Rail-link study, North's slot",
        start=start,
        duration_minutes=30,
        grace_minutes=5,
        required_level="staff",
        now=T0,
    )
    assert first.key == "adhoc-20240110T1430"
    assert second.key == "adhoc-20240110T1430-2"
    assert first.is_adhoc and first.cadence_key is None
    keys = [s.key for s in sessions_between(cadence.office, utc(2024, 1, 10), utc(2024, 1, 11))]
    assert keys == ["adhoc-20240110T1430", "adhoc-20240110T1430-2"]
    # A deputy-level session takes the deputy's own check-in.
    attending.check_in(member=cadence.south_deputy, command=CheckInTo(key=first.key), now=start)
    assert session_detail(cadence.office, first.key, start).for_side("south").attendance == (
        "present"
    )


def test_an_ad_hoc_session_in_the_past_is_refused(cadence):
    with refused("a new session must start in the future"):
        agreed_session(
            member=cadence.south_head,
            title="Yesterday",
            start=T0 - DAY,
            duration_minutes=60,
            grace_minutes=0,
            required_level="head",
            now=T0,
        )


def test_a_cadence_change_does_not_erase_a_meeting_already_held_at_a_moved_time(cadence):
    # The 26 Jan session is brought forward to Tuesday 16 Jan and held. A change from
    # Saturday 20 Jan on must not reach back and take that meeting out of the record.
    key = "weekly-20240126T1000"
    held_at = utc(2024, 1, 16, 1)
    agreed_move(
        member=cadence.south_head, key=key, start=held_at, reason="Earlier", now=utc(2024, 1, 10)
    )
    attending.check_in(member=cadence.south_head, command=CheckInTo(key=key), now=held_at)
    attending.check_in(member=cadence.north_head, command=CheckInTo(key=key), now=held_at)
    _set(
        cadence,
        rule="FREQ=WEEKLY;BYDAY=WE",
        starts_on=dt.date(2024, 1, 24),
        effective=utc(2024, 1, 20),
        now=utc(2024, 1, 17),
    )
    standing = compute(cadence.office, utc(2024, 1, 18))
    assert standing.as_json()["last_held_meeting"] == "2024-01-16"
    assert session_detail(cadence.office, key, utc(2024, 1, 18)).held


def test_a_deputy_whose_membership_ended_cannot_check_in_the_head(world):
    weekly(world)
    deputy = offices.end_membership(
        member=world.south_deputy,
        command=EndMembership(active_until=dt.date(2024, 1, 3)),
        actor=OPERATOR,
        now=T0,
    )
    deputy = Member.objects.select_related("office", "side").get(pk=deputy.pk)
    before = Event.objects.count()
    start = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)
    with pytest.raises(NotAllowed, match="membership of this office is not active"):
        attending.check_in(
            member=deputy,
            command=CheckInTo(attendee=world.south_head.username, key="weekly-20240105T1000"),
            now=start,
        )
    assert Event.objects.count() == before


# Ending a cadence.


def _end(member, effective, now):
    agreed_end(member=member, key="weekly", reason="Talks suspended", effective=effective, now=now)


def test_ending_a_cadence_keeps_earlier_sessions_and_drops_later_ones(cadence):
    attending.check_in(member=cadence.south_head, command=CheckInTo(key=KEY), now=START)
    attending.check_in(member=cadence.north_head, command=CheckInTo(key=KEY), now=START)
    _end(cadence.north_head, utc(2024, 1, 15), utc(2024, 1, 8))
    keys = [s.key for s in sessions_between(cadence.office, utc(2024, 1, 1), utc(2024, 3, 1))]
    assert keys == [KEY, "weekly-20240112T1000"]
    assert find_session(cadence.office, "weekly-20240119T1000") is None
    assert session_detail(cadence.office, KEY, utc(2024, 2, 1)).held
    assert [c.valid_until for c in Cadence.objects.all()] == [utc(2024, 1, 15)]


def test_ending_a_cadence_also_ends_a_change_agreed_for_later(cadence):
    _set(
        cadence,
        rule="FREQ=WEEKLY;BYDAY=MO",
        starts_on=dt.date(2024, 2, 5),
        effective=utc(2024, 2, 1),
        now=utc(2024, 1, 8),
    )
    _end(cadence.south_head, utc(2024, 1, 20), utc(2024, 1, 10))
    keys = [s.key for s in sessions_between(cadence.office, utc(2024, 1, 15), utc(2024, 3, 1))]
    assert keys == ["weekly-20240119T1000"]


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"key": "monthly"}, "there is no cadence 'monthly' in this office", "key"),
        ({"reason": "  "}, "say why the cadence ends", "reason"),
        ({"effective": T0 - MINUTE}, "a cadence cannot end in the past", "effective"),
    ],
)
def test_ending_a_cadence_refuses_bad_requests(cadence, overrides, message, field):
    arguments = {"member": cadence.south_head, "key": "weekly", "reason": "Suspended", "now": T0}
    with refused(message) as info:
        agreed_end(**(arguments | overrides))
    assert info.value.field == field


def test_ending_a_cadence_twice_is_refused(cadence):
    agreed_end(member=cadence.south_head, key="weekly", reason="Suspended", now=T0)
    with refused("cadence 'weekly' has already ended"):
        agreed_end(member=cadence.north_head, key="weekly", reason="Again", now=T0)


def test_ending_a_cadence_is_for_a_head_or_deputy(cadence):
    with refused(None, NotAllowed):
        agreed_end(member=cadence.south_staff, key="weekly", reason="No", now=T0)


def test_a_change_before_an_agreed_end_replaces_the_old_version_instead(cadence):
    _end(cadence.north_head, utc(2024, 1, 20), utc(2024, 1, 8))
    _set(cadence, rule="FREQ=WEEKLY;BYDAY=TH", effective=utc(2024, 1, 15), now=utc(2024, 1, 9))
    first, second = Cadence.objects.order_by("version")
    assert (first.valid_until, first.ended_by, first.end_reason) == (utc(2024, 1, 15), "", "")
    assert (second.valid_from, second.valid_until) == (utc(2024, 1, 15), None)
