"""Each side is mailed of every proposal, answer, postponement and cancellation that
concerns it: queued with the event (a refused act queues nothing), sent by the worker
at once or in the daily digest, never to the actor, observers, members without an
address or who turned notifications off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from liaison.channel import messages, notify
from liaison.channel.commands import SendMessage, SetDelivery
from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.meetings import answering, calling_off, proposing
from liaison.meetings.commands import (
    AcceptProposal,
    CancelSession,
    DeclineProposal,
    PostponeSession,
    ProposeCadence,
    ProposeCadenceEnd,
    ProposeMove,
    ProposeSession,
    WithdrawProposal,
)
from liaison.meetings.models import Proposal, ScheduleNotice
from liaison.offices import accounts
from liaison.offices import actions as offices
from liaison.offices.commands import EndMembership, SavePreferences
from liaison.testing import FIRST_SESSION, OPERATOR, T0, World, make_world, weekly

NOW = T0 + dt.timedelta(hours=1)  # Mon 1 Jan 2024 10:00 in Seoul
SOUTH = ["testoffice-south-deputy", "testoffice-south-head", "testoffice-south-staff"]
NORTH = ["testoffice-north-deputy", "testoffice-north-head", "testoffice-north-staff"]
AD_HOC_START = dt.datetime(2024, 1, 10, 5, 0, tzinfo=dt.UTC)  # Wed 10 Jan 14:00 KST


@pytest.fixture
def emailed(world: World) -> World:
    """The world with every person's address, the weekly cadence agreed, nothing owed."""
    for member in world.members.values():
        member.user.email = f"{member.username}@example.org"
        member.user.save()
    weekly(world)
    ScheduleNotice.objects.all().delete()
    return world


def owed(what: str | None = None) -> list[str]:
    rows = ScheduleNotice.objects.all()
    if what:
        rows = rows.filter(what=what)
    return sorted(rows.values_list("username", flat=True))


def notice(username: str) -> ScheduleNotice:
    return ScheduleNotice.objects.get(username=username)


def propose_ad_hoc(world: World, now: dt.datetime = NOW) -> Proposal:
    return proposing.propose_session(
        member=world.south_head,
        command=ProposeSession(
            title="Rail-link study",
            start=AD_HOC_START,
            duration_minutes=90,
            grace_minutes=10,
            required_level="deputy",
        ),
        now=now,
    )


def propose_new_time(world: World, now: dt.datetime = NOW) -> Proposal:
    return proposing.propose_move(
        member=world.north_deputy,
        command=ProposeMove(
            key=FIRST_SESSION,
            start=dt.datetime(2024, 1, 5, 3, 0, tzinfo=dt.UTC),
            reason="Our delegation lands at 11:00",
        ),
        now=now,
    )


# Who is told -----------------------------------------------------------------------------


PROPOSALS = {
    "session": lambda w: propose_ad_hoc(w),
    "move": lambda w: propose_new_time(w),
    "cadence": lambda w: proposing.propose_cadence(
        member=w.north_head,
        command=ProposeCadence(
            key="monthly",
            title="Monthly review",
            rule="FREQ=MONTHLY;BYDAY=1TU",
            starts_on=dt.date(2024, 2, 6),
            start_time=dt.time(15, 0),
            duration_minutes=120,
            grace_minutes=15,
            required_level="head",
        ),
        now=NOW,
    ),
    "cadence_end": lambda w: proposing.propose_cadence_end(
        member=w.south_deputy,
        command=ProposeCadenceEnd(key="weekly", reason="The office closes"),
        now=NOW,
    ),
}


@pytest.mark.parametrize("kind", PROPOSALS)
def test_a_proposal_is_mailed_to_every_member_of_the_other_side_only(emailed, kind):
    proposal = PROPOSALS[kind](emailed)
    others = NORTH if proposal.side_key == "south" else SOUTH
    assert owed("proposed") == others  # not the proposer's side, not the observer
    (told,) = {(n.event_side, n.event_seq) for n in ScheduleNotice.objects.all()}
    assert told == (proposal.side_key, proposal.seq)
    link = f"http://127.0.0.1:8000/offices/testoffice/proposals/{proposal.key}/"
    assert {n.link for n in ScheduleNotice.objects.all()} == {link}


def test_the_proposal_mail_says_what_when_and_what_the_member_can_do(emailed):
    propose_ad_hoc(emailed)
    head, staff = notice("testoffice-north-head"), notice("testoffice-north-staff")
    assert head.subject == "The South proposes an ad hoc session “Rail-link study”"
    assert head.body.startswith(
        "South Head (head, The South) proposed, on Mon 01 Jan 2024 10:00 KST, an ad hoc "
        "session “Rail-link study” on Wed 10 Jan 2024 14:00 KST, 90 minutes with 10 minutes' "
        "grace, each side sends its head or deputy."
    )
    # An ad hoc session's answer is due by its start, unless the proposer said otherwise.
    assert (
        "You can accept or decline it until Wed 10 Jan 2024 14:00 KST; unanswered, it "
        "lapses then." in head.body
    )
    assert (
        "The North's head or deputy can accept or decline it until Wed 10 Jan 2024 14:00 KST."
        in staff.body
    )
    assert "You can accept" not in staff.body


def test_times_are_also_given_in_the_members_own_zone(emailed):
    accounts.save_preferences(
        emailed.north_head.user, command=SavePreferences(language="en", time_zone="Europe/London")
    )
    propose_ad_hoc(emailed)
    body = notice("testoffice-north-head").body
    assert "on Wed 10 Jan 2024 14:00 KST (Wed 10 Jan 2024 05:00 GMT your time)," in body
    # Pyongyang's clock reads as the office's (Seoul's) in 2024: said once.
    assert "your time" not in notice("testoffice-north-deputy").body


def test_a_new_time_says_where_the_session_stands_now(emailed):
    propose_new_time(emailed)
    assert (
        "a new time for the session “Weekly meeting” (weekly-20240105T1000, now at Fri 05 "
        "Jan 2024 10:00 KST): Fri 05 Jan 2024 12:00 KST.\nReason given: Our delegation lands"
        in notice("testoffice-south-head").body
    )


@pytest.mark.parametrize("kind", ["session", "move", "cadence", "cadence_end"])
def test_an_acceptance_is_mailed_to_both_sides_but_the_member_who_accepted(emailed, kind):
    proposal = PROPOSALS[kind](emailed)
    ScheduleNotice.objects.all().delete()
    answerer = emailed.north_head if proposal.side_key == "south" else emailed.south_head
    answering.accept_proposal(member=answerer, command=AcceptProposal(key=proposal.key), now=NOW)
    assert owed("accepted") == sorted(set(SOUTH + NORTH) - {answerer.username})


def test_an_accepted_new_time_says_when_the_session_now_is(emailed):
    proposal = propose_new_time(emailed)
    answering.accept_proposal(
        member=emailed.south_head,
        command=AcceptProposal(key=proposal.key),
        now=NOW + dt.timedelta(hours=1),
    )
    told = ScheduleNotice.objects.get(username="testoffice-north-head", what="accepted")
    assert told.subject == (
        "The South accepted The North's proposal of a new time for “Weekly meeting”"
    )
    assert told.body.startswith(
        "South Head (head, The South) accepted, on Mon 01 Jan 2024 11:00 KST, The North's "
        "proposal (made on Mon 01 Jan 2024 10:00 KST) of a new time for the session “Weekly "
        "meeting” (weekly-20240105T1000): Fri 05 Jan 2024 12:00 KST.\nReason given: Our "
        "delegation lands at 11:00"
    )
    assert "The session now starts at Fri 05 Jan 2024 12:00 KST; both sides are held to it." in (
        told.body
    )


def test_an_acceptance_with_short_notice_says_only_the_accepting_side_is_held(db):
    world = make_world("ruled", min_notice_minutes=24 * 60, min_grace_minutes=5)
    world.south_head.user.email = "chun@example.org"
    world.south_head.user.save()
    start = T0 + dt.timedelta(days=2)
    proposal = proposing.propose_session(
        member=world.south_head,
        command=ProposeSession(
            title="Talks", start=start, duration_minutes=60, grace_minutes=5, required_level="head"
        ),
        now=T0,
    )
    answering.accept_proposal(
        member=world.north_head,
        command=AcceptProposal(key=proposal.key),
        now=start - dt.timedelta(hours=2),
    )
    (told,) = ScheduleNotice.objects.filter(what="accepted")
    assert told.username == "ruled-south-head"
    assert (
        "The session is agreed: it takes place on Wed 03 Jan 2024 09:00 KST; accepted with "
        "less than the charter's notice, only The North is held to it." in told.body
    )


def test_a_decline_is_mailed_to_the_proposing_side_only(emailed):
    proposal = propose_ad_hoc(emailed)
    answering.decline_proposal(
        member=emailed.north_deputy,
        command=DeclineProposal(key=proposal.key, reason="Our experts are away"),
        now=NOW,
    )
    assert owed("declined") == SOUTH
    body = ScheduleNotice.objects.get(username="testoffice-south-head", what="declined").body
    assert "North Deputy (deputy, The North) declined, on Mon 01 Jan 2024 10:00 KST" in body
    assert "Their reason: Our experts are away" in body
    assert "Nothing of it binds either side" in body


def test_a_withdrawal_is_mailed_to_the_other_side_only(emailed):
    proposal = propose_ad_hoc(emailed)
    answering.withdraw_proposal(
        member=emailed.south_deputy,
        command=WithdrawProposal(key=proposal.key, reason="Wrong day"),
        now=NOW,
    )
    assert owed("withdrawn") == NORTH
    told = ScheduleNotice.objects.get(username="testoffice-north-head", what="withdrawn")
    assert told.subject == "The South withdrew its proposal of an ad hoc session “Rail-link study”"
    assert "Their reason: Wrong day" in told.body
    assert "There is nothing left to answer" in told.body


@pytest.mark.parametrize("verb", ["postponed", "cancelled"])
def test_calling_a_session_off_is_mailed_to_the_other_side_only(emailed, verb):
    if verb == "postponed":
        command = PostponeSession(key=FIRST_SESSION, reason="A public holiday")
        calling_off.postpone_session(member=emailed.north_head, command=command, now=NOW)
    else:
        cancel = CancelSession(key=FIRST_SESSION, reason="A public holiday")
        calling_off.cancel_session(member=emailed.north_head, command=cancel, now=NOW)
    assert owed(verb) == SOUTH
    told = notice("testoffice-south-staff")
    assert told.subject == f"The North {verb} “Weekly meeting” of Fri 05 Jan 2024"
    assert told.body.startswith(
        f"North Head (head, The North) {verb}, on Mon 01 Jan 2024 10:00 KST, the session "
        "“Weekly meeting” (weekly-20240105T1000) of Fri 05 Jan 2024 10:00 KST.\n"
        "Reason given: A public holiday"
    )
    assert told.link == "http://127.0.0.1:8000/offices/testoffice/sessions/weekly-20240105T1000/"


def test_no_mail_for_who_turned_it_off_has_no_address_or_left(emailed):
    notify.set_delivery(member=emailed.north_head, command=SetDelivery(delivery="none"))
    emailed.north_deputy.user.email = ""
    emailed.north_deputy.user.save()
    offices.end_membership(
        member=emailed.north_staff,
        command=EndMembership(active_until=T0.date()),
        actor=OPERATOR,
        now=NOW,
    )
    propose_ad_hoc(emailed, now=NOW + dt.timedelta(days=1))  # the staff member has left
    assert owed() == []
    notify.set_delivery(
        member=emailed.north_head, command=SetDelivery(delivery="daily")
    )  # a digest is still an email
    calling_off.postpone_session(
        member=emailed.south_head,
        command=PostponeSession(key=FIRST_SESSION, reason="x"),
        now=NOW + dt.timedelta(days=1),
    )
    assert owed() == ["testoffice-north-head"]


def test_a_refused_act_queues_nothing(emailed):
    proposal = propose_ad_hoc(emailed)
    before = ScheduleNotice.objects.count()
    refusals = [
        lambda: answering.accept_proposal(
            member=emailed.south_head, command=AcceptProposal(key=proposal.key), now=NOW
        ),
        lambda: answering.decline_proposal(
            member=emailed.north_head,
            command=DeclineProposal(key=proposal.key, reason=" "),
            now=NOW,
        ),
        lambda: answering.withdraw_proposal(
            member=emailed.north_head, command=WithdrawProposal(key=proposal.key), now=NOW
        ),
        lambda: calling_off.postpone_session(
            member=emailed.north_staff,
            command=PostponeSession(key=FIRST_SESSION, reason="x"),
            now=NOW,
        ),
        lambda: answering.accept_proposal(
            member=emailed.north_head, command=AcceptProposal(key=proposal.key), now=AD_HOC_START
        ),  # lapsed
    ]
    for refused in refusals:
        with pytest.raises(Refused):
            refused()
    assert ScheduleNotice.objects.count() == before


def test_the_event_and_its_mail_commit_together(emailed, monkeypatch):
    events = Event.objects.count()

    def down(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database full")

    monkeypatch.setattr(ScheduleNotice.objects, "bulk_create", down)
    with pytest.raises(RuntimeError):
        calling_off.postpone_session(
            member=emailed.north_head,
            command=PostponeSession(key=FIRST_SESSION, reason="x"),
            now=NOW,
        )
    assert Event.objects.count() == events  # the postponement was not recorded either
    monkeypatch.undo()
    calling_off.postpone_session(
        member=emailed.north_head, command=PostponeSession(key=FIRST_SESSION, reason="x"), now=NOW
    )
    assert owed("postponed") == SOUTH


# Sent by the worker -----------------------------------------------------------------------


def test_the_worker_sends_each_once_with_the_office_in_the_subject(emailed):
    proposal = propose_ad_hoc(emailed)
    answering.accept_proposal(
        member=emailed.north_head, command=AcceptProposal(key=proposal.key), now=NOW
    )
    outcome = notify.run_once(NOW)
    assert (outcome.sent, outcome.failed, outcome.skipped) == (3 + 5, 0, 0)
    to_head = [m for m in mail.outbox if m.to == ["testoffice-north-head@example.org"]]
    (proposed,) = to_head  # he accepted it himself: nothing about that
    assert proposed.subject == (
        "[Liaison testoffice] The South proposes an ad hoc session “Rail-link study”"
    )
    assert proposed.body.endswith(
        f"\n\nhttp://127.0.0.1:8000/offices/testoffice/proposals/{proposal.key}/\n"
    )
    assert not ScheduleNotice.objects.filter(status="pending").exists()
    assert notify.run_once(NOW + dt.timedelta(minutes=1)).sent == 0


def test_a_choice_made_after_queueing_is_honoured_when_sending(emailed):
    propose_ad_hoc(emailed)
    notify.set_delivery(member=emailed.north_staff, command=SetDelivery(delivery="none"))
    outcome = notify.run_once(NOW)
    assert (outcome.sent, outcome.skipped) == (2, 1)
    assert notice("testoffice-north-staff").status == "skipped"


def test_a_failing_mail_server_keeps_the_notice_for_a_retry(emailed, monkeypatch):
    calling_off.cancel_session(
        member=emailed.south_head, command=CancelSession(key=FIRST_SESSION, reason="x"), now=NOW
    )

    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notify, "send_mail", broken)
    assert notify.run_once(NOW).failed == 3
    assert set(ScheduleNotice.objects.values_list("status", "attempts")) == {("pending", 1)}
    monkeypatch.undo()
    assert notify.run_once(NOW + dt.timedelta(minutes=1)).sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"{n}@example.org" for n in NORTH]


def test_the_daily_digest_carries_schedule_updates_with_messages(emailed):
    notify.set_delivery(member=emailed.south_staff, command=SetDelivery(delivery="daily"))
    messages.send_message(
        member=emailed.north_head,
        command=SendMessage(kind="notice", subject="Agenda", body="Rail."),
        now=NOW,
    )
    propose_new_time(emailed)
    calling_off.postpone_session(
        member=emailed.north_head,
        command=PostponeSession(key="weekly-20240112T1000", reason="Holiday"),
        now=NOW,
    )
    notify.run_once(NOW)
    digests = [m for m in mail.outbox if m.to == ["testoffice-south-staff@example.org"]]
    (digest,) = digests  # one email, not three
    assert digest.subject == "[Liaison testoffice] 1 new message and 2 schedule updates"
    assert "Agenda" in digest.body
    assert "a new time for the session “Weekly meeting”" in digest.body
    assert "postponed, on Mon 01 Jan 2024 10:00 KST, the session" in digest.body
    assert "http://127.0.0.1:8000/offices/testoffice/sessions/weekly-20240112T1000/" in (
        digest.body
    )
    assert not ScheduleNotice.objects.filter(
        username="testoffice-south-staff", status="pending"
    ).exists()
    # Schedule updates alone make a digest of their own the next day.
    calling_off.cancel_session(
        member=emailed.north_head,
        command=CancelSession(key="weekly-20240119T1000", reason="x"),
        now=NOW,
    )
    assert notify.run_once(NOW + dt.timedelta(hours=2)).digests == 0  # one a day
    assert notify.run_once(NOW + dt.timedelta(days=1)).digests == 1
    assert mail.outbox[-1].subject == "[Liaison testoffice] 1 schedule update"
