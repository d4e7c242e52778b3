"""The consent rules checked on the record alone: ``liaison verify`` (the database) and the
offline verifier (a bundle) both say when an answer names no proposal of the other side,
or attendance was written for a session the sides never agreed.

The forged records are what a side, or an operator, could write behind the actions' back:
events appended with ``log.append`` directly, skipping every rule the actions check.
"""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.bundle import check, export
from liaison.bundle.audit import verify
from liaison.ledger import log
from liaison.meetings import answering, attending, proposing
from liaison.meetings.commands import AcceptProposal, CheckInTo, ProposeCadence, ProposeSession
from liaison.meetings.consent_check import ConsentChecker
from liaison.testing import T0, World, weekly

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 1, 4, 1, 0, tzinfo=dt.UTC)
AT = "2024-01-01T00:00:00.000000Z"


def forge(world: World, side: str, type: str, body: dict, at: dt.datetime = T0):
    """An event appended behind the actions' back: no rule is checked."""
    return log.append(
        office=world.office.id,
        side=side,
        actor=world.members[f"{side}_head"].username,
        type=type,
        body=body,
        at=at,
    )


def offline(world: World, now: dt.datetime) -> list[str]:
    return [str(p) for p in check.check(export.build(world.office.id, now=now)).problems]


def live(world: World) -> list[str]:
    return [str(p) for p in verify(world.office.id, projections=False)]


def propose(world: World, by: str = "south_head"):
    return proposing.propose_session(
        member=world.members[by],
        command=ProposeSession(
            title="Consultation",
            start=START,
            duration_minutes=60,
            grace_minutes=15,
            required_level="head",
        ),
        now=T0,
    )


def test_an_office_kept_by_the_rules_has_no_consent_problem(world, scratch_allowed):
    weekly(world)
    proposal = propose(world)
    answering.accept_proposal(
        member=world.north_head, command=AcceptProposal(key=proposal.key), now=T0
    )
    attending.check_in(member=world.north_head, command=CheckInTo(key=proposal.subject), now=START)
    assert live(world) == []
    assert verify(world.office.id) == []
    assert offline(world, START) == []


def test_a_side_accepting_its_own_proposal_is_caught(world):
    proposal = propose(world)
    event = forge(
        world,
        "south",
        "proposal.accepted",
        {"ref": {"side": "south", "seq": proposal.seq, "hash": proposal.hash}},
    )
    expected = (
        f"BAD_ANSWER at testoffice/south#{event.seq}: it answers south#{proposal.seq}, "
        "its own side's proposal"
    )
    assert live(world) == [expected]
    assert expected in offline(world, T0)


def test_a_check_in_to_a_session_the_other_side_never_accepted_is_caught(world):
    proposal = propose(world)
    event = forge(
        world,
        "south",
        "session.checked_in",
        {"session": proposal.subject, "attendee": world.south_head.username},
        at=START,
    )
    expected = (
        f"UNAGREED_SESSION at testoffice/south#{event.seq}: a check-in to "
        f"{proposal.subject}, a session the two sides never agreed"
    )
    assert live(world) == [expected]
    assert expected in offline(world, START)


def test_a_notice_for_an_occurrence_of_an_unagreed_cadence_is_caught(world):
    proposing.propose_cadence(
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
    forge(
        world,
        "north",
        "session.absence_noticed",
        {"session": "weekly-20240105T1000", "reason": "Travel"},
    )
    [problem] = live(world)
    assert problem.startswith("UNAGREED_SESSION at testoffice/north#1: a notice of absence")


def test_an_acceptance_naming_an_event_that_is_no_proposal_is_caught(world):
    weekly(world)
    check_in = attending.check_in(
        member=world.south_head,
        command=CheckInTo(key="weekly-20240105T1000"),
        now=dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC),
    )
    seq = int(check_in.event.rsplit("/", 1)[1])
    target = log.Event.objects.get(log__office=world.office.id, log__side="south", seq=seq)
    forge(
        world,
        "north",
        "proposal.accepted",
        {"ref": {"side": "south", "seq": seq, "hash": target.hash}},
        at=dt.datetime(2024, 1, 6, tzinfo=dt.UTC),
    )
    [problem] = live(world)
    assert problem.endswith(f"it answers south#{seq}, which is no proposal")


def test_a_second_answer_and_a_late_one_are_caught():
    checker = ConsentChecker()
    body = {"key": "adhoc-20240104T1000", "answer_by": "2024-01-02T00:00:00.000000Z"}
    checker.feed("south", 1, "session.proposed", body, AT)
    ref = {"ref": {"side": "south", "seq": 1, "hash": "0" * 64}}
    checker.feed("north", 1, "proposal.accepted", ref, AT)
    checker.feed("north", 2, "proposal.declined", ref | {"reason": "No"}, AT)
    checker.feed("south", 2, "session.proposed", body, AT)
    late = {"ref": {"side": "south", "seq": 2, "hash": "0" * 64}}
    checker.feed("north", 3, "proposal.accepted", late, "2024-01-02T00:00:00.000000Z")
    assert [(p.kind, p.side, p.seq, p.detail) for p in checker.problems] == [
        ("BAD_ANSWER", "north", 2, "it answers south#1, already answered at north#1"),
        ("BAD_ANSWER", "north", 3, "it answers south#2 after it lapsed"),
    ]


def test_a_withdrawal_of_the_other_sides_proposal_is_caught():
    checker = ConsentChecker()
    checker.feed("south", 1, "session.proposed", {"answer_by": AT}, AT)
    checker.feed("north", 1, "proposal.withdrawn", {"ref": {"side": "south", "seq": 1}}, AT)
    assert [p.detail for p in checker.problems] == [
        "it withdraws south#1, the other side's proposal"
    ]
