"""Nothing binds a side that it did not agree to: cadences, their ends, ad hoc sessions and
new times are proposals until the other side accepts them; a side that proposed is held
only with the charter's minimum notice; declined, withdrawn and lapsed proposals bind
nobody; a cancellation or postponement is the acting side's act.

Tried as the other side would attack: the South acting alone, at once, with no grace,
never makes the North a no-show. Every time is passed in (a controlled clock).
"""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.ledger.models import Event
from liaison.lib.errors import NotAllowed, Refused
from liaison.meetings import answering, attending, calling_off, proposing
from liaison.meetings.attendance import Attendance
from liaison.meetings.commands import (
    AcceptProposal,
    CancelSession,
    CheckInTo,
    DeclineProposal,
    PostponeSession,
    ProposeCadence,
    ProposeCadenceEnd,
    ProposeMove,
    ProposeSession,
    WithdrawProposal,
)
from liaison.meetings.models import Cadence, ProposalState
from liaison.meetings.overview import session_detail
from liaison.meetings.proposals import awaiting, open_proposals
from liaison.meetings.schedule import find_session, sessions_between
from liaison.meetings.standing import compute
from liaison.testing import FIRST_SESSION, FIRST_START, T0, World, make_world, weekly
from liaison.timeline.build import timeline

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
# An ad hoc session three days after the charter: Thu 4 Jan 2024, 10:00 in Seoul.
START = dt.datetime(2024, 1, 4, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def ruled(db: None) -> World:
    """An office whose charter asks for a day's notice and five minutes' grace (the demo's)."""
    return make_world("ruled", min_notice_minutes=24 * 60, min_grace_minutes=5)


def propose(world: World, *, by: str = "south_head", start: dt.datetime = START, **kw):
    arguments = {
        "title": "Consultation",
        "start": start,
        "duration_minutes": 60,
        "grace_minutes": 15,
        "required_level": "head",
        "now": T0,
    } | kw
    now = arguments.pop("now")
    command = ProposeSession(**arguments)
    return proposing.propose_session(member=world.members[by], command=command, now=now)


def attendance_of(world: World, key: str, side: str, now: dt.datetime) -> Attendance:
    detail = session_detail(world.office, key, now)
    assert detail is not None
    found = detail.for_side(side)
    assert found is not None
    return found.attendance


def north(world: World, now: dt.datetime):
    return next(s for s in compute(world.office, now).sides if s.key == "north")


# The hole this closes: one side manufacturing the other's absences


def test_a_session_three_minutes_away_with_no_grace_is_refused_by_the_charter(ruled):
    before = Event.objects.count()
    with pytest.raises(Refused, match="asks for at least 24 hours' notice") as notice:
        propose(ruled, start=T0 + 3 * MINUTE, grace_minutes=5)
    assert notice.value.field == "start"
    with pytest.raises(Refused, match="grace period of at least 5 minutes") as grace:
        propose(ruled, grace_minutes=0)
    assert grace.value.field == "grace_minutes"
    assert Event.objects.count() == before


def test_a_session_the_north_never_answered_makes_no_no_show(world):
    weekly(world)
    proposal = propose(world, start=T0 + 3 * MINUTE, grace_minutes=0)
    after = T0 + HOUR
    assert attendance_of(world, proposal.subject, "north", after) == Attendance.NOT_DUE
    assert attendance_of(world, proposal.subject, "south", after) == Attendance.NOT_DUE
    standing = north(world, after)
    assert (standing.no_shows, standing.current_no_show_streak) == (0, 0)
    items = timeline(world.office, T0, T0 + DAY, now=after)
    assert not [i for i in items if i.kind == "no_show"]
    assert [(i.kind, i.title) for i in items if i.key == proposal.key] == [
        ("proposal", "The South proposed a session: Consultation"),
        ("proposal_lapsed", "The South's proposal of a session: Consultation lapsed unanswered"),
    ]


def test_the_south_cannot_check_in_to_its_own_unanswered_proposal(world):
    proposal = propose(world, start=T0 + 30 * MINUTE)
    with pytest.raises(Refused, match="only proposed"):
        attending.check_in(
            member=world.south_head, command=CheckInTo(key=proposal.subject), now=T0 + 29 * MINUTE
        )


# Answers: accepted, declined, withdrawn, lapsed


def test_an_accepted_session_binds_both_sides(ruled):
    proposal = propose(ruled)
    answering.accept_proposal(
        member=ruled.north_deputy, command=AcceptProposal(key=proposal.key), now=T0 + HOUR
    )
    after = START + HOUR
    assert attendance_of(ruled, proposal.subject, "north", after) == Attendance.NO_SHOW
    assert attendance_of(ruled, proposal.subject, "south", after) == Attendance.NO_SHOW
    accepted = Event.objects.select_related("log").latest("pk")
    assert (accepted.type, accepted.log.side, accepted.actor) == (
        "proposal.accepted",
        "north",
        ruled.north_deputy.username,
    )
    # The acceptance names the proposal by its place and hash in the South's log.
    assert (
        f'"ref":{{"hash":"{proposal.hash}","seq":{proposal.seq},"side":"south"}}'
        in bytes(accepted.data).decode()
    )


def test_a_declined_session_never_takes_place(ruled):
    proposal = propose(ruled)
    answering.decline_proposal(
        member=ruled.north_head,
        command=DeclineProposal(key=proposal.key, reason="Our head travels"),
        now=T0 + HOUR,
    )
    assert find_session(ruled.office, proposal.subject).status == "declined"
    keys = [s.key for s in sessions_between(ruled.office, T0, START + DAY)]
    assert proposal.subject not in keys
    with pytest.raises(Refused, match="already declined"):
        answering.accept_proposal(
            member=ruled.north_head, command=AcceptProposal(key=proposal.key), now=T0 + 2 * HOUR
        )


def test_a_withdrawn_proposal_can_no_longer_be_accepted(ruled):
    proposal = propose(ruled)
    answering.withdraw_proposal(
        member=ruled.south_deputy, command=WithdrawProposal(key=proposal.key), now=T0 + HOUR
    )
    with pytest.raises(Refused, match="already withdrawn"):
        answering.accept_proposal(
            member=ruled.north_head, command=AcceptProposal(key=proposal.key), now=T0 + 2 * HOUR
        )
    assert find_session(ruled.office, proposal.subject).status == "withdrawn"


def test_a_proposal_lapses_unanswered_at_its_deadline(ruled):
    proposal = propose(ruled, answer_by=T0 + 2 * DAY)
    assert proposal.state_at(T0 + 2 * DAY - MINUTE) == ProposalState.OPEN
    assert proposal.state_at(T0 + 2 * DAY) == "lapsed"
    assert open_proposals(ruled.office, T0 + 2 * DAY) == []
    before = Event.objects.count()
    with pytest.raises(Refused, match="lapsed unanswered"):
        answering.accept_proposal(
            member=ruled.north_head, command=AcceptProposal(key=proposal.key), now=T0 + 2 * DAY
        )
    assert Event.objects.count() == before
    # Still only proposed: nobody is held to it.
    assert attendance_of(ruled, proposal.subject, "north", START + HOUR) == Attendance.NOT_DUE


def test_a_session_proposal_lapses_at_its_start_by_default(ruled):
    proposal = propose(ruled)
    assert proposal.answer_by == START
    with pytest.raises(Refused, match="lapsed"):
        answering.accept_proposal(
            member=ruled.north_head, command=AcceptProposal(key=proposal.key), now=START
        )


def test_the_other_sides_head_sees_what_awaits_him(ruled):
    proposal = propose(ruled)
    assert [v.key for v in awaiting(ruled.north_head, T0 + HOUR)] == [proposal.key]
    assert [v.key for v in awaiting(ruled.north_deputy, T0 + HOUR)] == [proposal.key]
    assert awaiting(ruled.south_head, T0 + HOUR) == []  # its own side's: nothing to answer
    assert awaiting(ruled.north_staff, T0 + HOUR) == []  # staff do not answer for a side
    assert awaiting(ruled.observer, T0 + HOUR) == []
    answering.accept_proposal(
        member=ruled.north_head, command=AcceptProposal(key=proposal.key), now=T0 + HOUR
    )
    assert awaiting(ruled.north_head, T0 + 2 * HOUR) == []


# Notice: accepted too late to tell the proposing side


def test_accepted_with_less_than_the_minimum_notice_only_the_acceptor_is_held(ruled):
    proposal = propose(ruled)  # three days ahead: enough notice when proposed
    answering.accept_proposal(
        member=ruled.north_head, command=AcceptProposal(key=proposal.key), now=START - 2 * HOUR
    )
    after = START + HOUR
    # The North accepted knowing the time: held to it. The South may not have heard.
    assert attendance_of(ruled, proposal.subject, "north", after) == Attendance.NO_SHOW
    assert attendance_of(ruled, proposal.subject, "south", after) == Attendance.NOT_DUE
    # Held all the same if both come.
    attending.check_in(member=ruled.south_head, command=CheckInTo(key=proposal.subject), now=START)
    assert attendance_of(ruled, proposal.subject, "south", after) == Attendance.PRESENT


def test_accepted_exactly_the_minimum_notice_ahead_holds_both(ruled):
    proposal = propose(ruled)
    answering.accept_proposal(
        member=ruled.north_head, command=AcceptProposal(key=proposal.key), now=START - DAY
    )
    assert attendance_of(ruled, proposal.subject, "south", START + HOUR) == Attendance.NO_SHOW


# Cancelling and postponing: the acting side's act


@pytest.mark.parametrize("side", ["south", "north"])
def test_a_cancellation_by_one_side_counts_against_neither_and_is_that_sides_act(world, side):
    weekly(world)
    actor = world.members[f"{side}_head"]
    calling_off.cancel_session(
        member=actor, command=CancelSession(key=FIRST_SESSION, reason="Instructions"), now=T0
    )
    after = FIRST_START + HOUR
    for each in ("south", "north"):
        assert attendance_of(world, FIRST_SESSION, each, after) == Attendance.NOT_DUE
    sides = {s.key: s for s in compute(world.office, after).sides}
    assert sides[side].cancelled == 1
    assert sides["south" if side == "north" else "north"].cancelled == 0
    assert all(s.no_shows == 0 for s in sides.values())
    cancelled = Event.objects.select_related("log").latest("pk")
    assert (cancelled.type, cancelled.log.side) == ("session.cancelled", side)


def test_a_postponement_is_counted_for_the_side_that_postponed(world):
    weekly(world)
    calling_off.postpone_session(
        member=world.north_deputy, command=PostponeSession(key=FIRST_SESSION, reason="Fog"), now=T0
    )
    sides = {s.key: s for s in compute(world.office, FIRST_START + HOUR).sides}
    assert (sides["north"].postponed, sides["south"].postponed) == (1, 0)


# Moves and cadences


def test_a_new_time_proposed_by_one_side_leaves_the_session_where_it_is(world):
    weekly(world)
    later = FIRST_START + 2 * HOUR
    proposal = proposing.propose_move(
        member=world.south_head,
        command=ProposeMove(key=FIRST_SESSION, start=later, reason="Traffic"),
        now=T0,
    )
    assert find_session(world.office, FIRST_SESSION).start == FIRST_START
    # The North, not told in time of a move it never accepted, is held to the old time
    # it agreed; it is never held to the new one.
    assert attendance_of(world, FIRST_SESSION, "north", FIRST_START + HOUR) == Attendance.NO_SHOW
    answering.accept_proposal(
        member=world.north_head, command=AcceptProposal(key=proposal.key), now=T0 + HOUR
    )
    moved = find_session(world.office, FIRST_SESSION)
    assert (moved.start, moved.proposed_by, moved.agreed_at) == (later, "south", T0 + HOUR)
    assert attendance_of(world, FIRST_SESSION, "north", FIRST_START + HOUR) == Attendance.EXPECTED


def test_a_cadence_proposed_by_one_side_has_no_sessions_until_accepted(world):
    proposal = proposing.propose_cadence(
        member=world.south_head,
        command=ProposeCadence(
            key="weekly",
            title="Weekly",
            rule="FREQ=WEEKLY;BYDAY=FR",
            starts_on=dt.date(2024, 1, 5),
            start_time=dt.time(10, 0),
            duration_minutes=60,
            grace_minutes=15,
            required_level="head",
        ),
        now=T0,
    )
    assert sessions_between(world.office, T0, T0 + 30 * DAY) == []
    assert not Cadence.objects.filter(office=world.office).exists()
    # Accepted a week late: it starts at the acceptance; the sessions before bind nobody.
    accepted_at = T0 + 8 * DAY
    answering.accept_proposal(
        member=world.north_head, command=AcceptProposal(key=proposal.key), now=accepted_at
    )
    cadence = Cadence.objects.get(office=world.office, key="weekly")
    assert (cadence.valid_from, cadence.accepted_by) == (accepted_at, world.north_head.username)
    keys = [s.key for s in sessions_between(world.office, T0, T0 + 30 * DAY)]
    assert keys == ["weekly-20240112T1000", "weekly-20240119T1000", "weekly-20240126T1000"]


def test_ending_a_cadence_needs_the_other_side_too(world):
    weekly(world)
    proposal = proposing.propose_cadence_end(
        member=world.north_head, command=ProposeCadenceEnd(key="weekly", reason="Suspended"), now=T0
    )
    assert find_session(world.office, FIRST_SESSION) is not None  # still on
    answering.accept_proposal(
        member=world.south_deputy, command=AcceptProposal(key=proposal.key), now=T0 + HOUR
    )
    assert find_session(world.office, FIRST_SESSION) is None


# Bad input: a clear message, nothing written


def refused(call, match: str) -> Refused:
    before = Event.objects.count()
    with pytest.raises(Refused, match=match) as raised:
        call()
    assert Event.objects.count() == before
    return raised.value


def test_a_side_cannot_accept_its_own_proposal(ruled):
    proposal = propose(ruled)
    refused(
        lambda: answering.accept_proposal(
            member=ruled.south_deputy, command=AcceptProposal(key=proposal.key), now=T0
        ),
        "your side made this proposal",
    )


def test_a_side_cannot_withdraw_the_other_sides_proposal(ruled):
    proposal = propose(ruled)
    refused(
        lambda: answering.withdraw_proposal(
            member=ruled.north_head, command=WithdrawProposal(key=proposal.key), now=T0
        ),
        "only the side that made a proposal",
    )


@pytest.mark.parametrize("who", ["north_staff", "observer"])
def test_staff_and_observers_answer_nothing(ruled, who):
    proposal = propose(ruled)
    with pytest.raises(NotAllowed):
        answering.accept_proposal(
            member=ruled.members[who], command=AcceptProposal(key=proposal.key), now=T0
        )
    assert proposal.state == ProposalState.OPEN


def test_accepting_twice_is_refused(ruled):
    proposal = propose(ruled)
    answering.accept_proposal(
        member=ruled.north_head, command=AcceptProposal(key=proposal.key), now=T0
    )
    refused(
        lambda: answering.accept_proposal(
            member=ruled.north_deputy, command=AcceptProposal(key=proposal.key), now=T0
        ),
        "already accepted by",
    )


def test_declining_needs_a_reason(ruled):
    proposal = propose(ruled)
    error = refused(
        lambda: answering.decline_proposal(
            member=ruled.north_head, command=DeclineProposal(key=proposal.key, reason=" "), now=T0
        ),
        "say why you decline",
    )
    assert error.field == "reason"


@pytest.mark.parametrize("key", ["south-999", "nobody-1", "south-", "south-1x", "-1", "south-٣"])
def test_an_unknown_proposal_is_refused_by_name(ruled, key):
    propose(ruled)
    error = refused(
        lambda: answering.accept_proposal(
            member=ruled.north_head, command=AcceptProposal(key=key), now=T0
        ),
        "has no proposal",
    )
    assert error.field == "proposal"


@pytest.mark.parametrize(
    ("answer_by", "message"),
    [
        (T0, "must be in the future"),
        (START + MINUTE, "before the session starts"),
    ],
    ids=["past", "after-the-start"],
)
def test_a_deadline_for_the_answer_must_fall_before_the_start(ruled, answer_by, message):
    error = refused(lambda: propose(ruled, answer_by=answer_by), message)
    assert error.field == "answer_by"


def cadence(world: World, **kw):
    arguments = {
        "key": "monthly",
        "title": "Monthly review",
        "rule": "FREQ=MONTHLY;BYMONTHDAY=10",
        "starts_on": dt.date(2024, 1, 10),
        "start_time": dt.time(10, 0),
        "duration_minutes": 90,
        "grace_minutes": 15,
        "required_level": "deputy",
        "now": T0,
    } | kw
    now = arguments.pop("now")
    command = ProposeCadence(**arguments)
    return proposing.propose_cadence(member=world.south_head, command=command, now=now)


def test_a_cadence_rule_that_never_occurs_is_refused(ruled):
    error = refused(
        lambda: cadence(ruled, rule="FREQ=MONTHLY;BYMONTHDAY=10;UNTIL=20240105T000000Z"),
        "no occurrence on or after its start",
    )
    assert error.field == "rule"


def test_a_cadence_with_no_session_after_its_change_is_refused(ruled):
    error = refused(
        lambda: cadence(
            ruled,
            rule="FREQ=MONTHLY;BYMONTHDAY=10;COUNT=1",
            effective=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
        ),
        "has no session after",
    )
    assert error.field == "rule"


def test_a_cadence_whose_first_session_is_too_soon_is_refused(ruled):
    error = refused(
        lambda: cadence(
            ruled, rule="FREQ=DAILY", starts_on=dt.date(2024, 1, 1), start_time=dt.time(20, 0)
        ),
        "asks for at least 24 hours' notice",
    )
    assert error.field == "starts_on"


def test_a_cadence_grace_below_the_charters_is_refused(ruled):
    error = refused(lambda: cadence(ruled, grace_minutes=4), "at least 5 minutes")
    assert error.field == "grace_minutes"


def test_a_new_time_too_soon_is_refused(ruled):
    weekly(ruled)
    refused(
        lambda: proposing.propose_move(
            member=ruled.north_head,
            command=ProposeMove(key="weekly-20240105T1000", start=T0 + HOUR, reason=""),
            now=T0,
        ),
        "asks for at least 24 hours' notice",
    )


def test_a_session_that_started_cannot_be_given_a_new_time_by_acceptance(world):
    weekly(world)
    proposal = proposing.propose_move(
        member=world.south_head,
        command=ProposeMove(key=FIRST_SESSION, start=FIRST_START + DAY, reason=""),
        now=T0,
    )
    # Its deadline is the old start: once the session began, the move is moot.
    assert proposal.answer_by == FIRST_START
    refused(
        lambda: answering.accept_proposal(
            member=world.north_head,
            command=AcceptProposal(key=proposal.key),
            now=FIRST_START + MINUTE,
        ),
        "lapsed",
    )
