"""The dashboard's "Recent schedule changes": a side learns of the other side's answers to
its proposals, its proposals that lapsed, the other side's withdrawals and the sessions
to come the other side postponed or cancelled, for a week; the other side is shown none
of these as its own news, and nothing private of either side is read."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from liaison.channel import notes
from liaison.channel.commands import AddNote
from liaison.meetings import answering, calling_off, proposing
from liaison.meetings.changes import recent_changes
from liaison.meetings.commands import (
    AcceptProposal,
    CancelSession,
    DeclineProposal,
    PostponeSession,
    ProposeMove,
    ProposeSession,
    WithdrawProposal,
)

from .test_queries import DASHBOARD_QUERIES

pytestmark = pytest.mark.django_db

# Tue 9 Jan 2024, 10:00 in Seoul: the weekly cadence (agreed on 1 Jan) is old news.
NOW = dt.datetime(2024, 1, 9, 1, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)
KEY = "weekly-20240112T1000"  # Fri 12 Jan, 10:00
NEXT_WEEK = "weekly-20240119T1000"


def propose_ad_hoc(world, member=None, now=NOW):
    return proposing.propose_session(
        member=member or world.south_head,
        command=ProposeSession(
            title="Rail-link study",
            start=dt.datetime(2024, 1, 11, 5, 0, tzinfo=dt.UTC),
            duration_minutes=90,
            grace_minutes=10,
            required_level="deputy",
        ),
        now=now,
    )


def section(client, world, at=LATER):
    """The "Recent schedule changes" section of the dashboard, or "" when there is none."""
    with time_machine.travel(at, tick=False):
        page = client.get(reverse("office-dashboard", args=[world.office.slug])).text
    start = page.find('<section aria-labelledby="schedule-changes-heading"')
    return "" if start < 0 else page[start : page.index("</section>", start)]


def headlines(member, at=LATER):
    return [change.headline for change in recent_changes(member, at)]


def test_the_proposing_side_sees_the_answer_and_the_answering_side_does_not(office, as_user):
    proposal = propose_ad_hoc(office)
    answering.accept_proposal(
        member=office.north_deputy, command=AcceptProposal(key=proposal.key), now=NOW
    )
    for member in (office.south_head, office.south_staff):  # every member of the side
        shown = section(as_user(member), office)
        assert "The North accepted an ad hoc session “Rail-link study”" in shown
        assert reverse("proposal-detail", args=[office.office.slug, proposal.key]) in shown
    assert "Rail-link study" not in section(as_user(office.north_head), office)


def test_a_decline_shows_its_reason_to_the_proposing_side(office, as_user):
    proposal = propose_ad_hoc(office)
    answering.decline_proposal(
        member=office.north_head,
        command=DeclineProposal(key=proposal.key, reason="Our experts are away"),
        now=NOW,
    )
    shown = section(as_user(office.south_deputy), office)
    assert "The North declined an ad hoc session “Rail-link study”" in shown
    assert "Reason: Our experts are away" in shown
    assert "Our experts are away" not in section(as_user(office.north_deputy), office)


def test_a_lapsed_proposal_is_told_to_its_side_once_its_deadline_passed(office):
    proposal = proposing.propose_move(
        member=office.south_head,
        command=ProposeMove(
            key=NEXT_WEEK,
            start=dt.datetime(2024, 1, 19, 3, 0, tzinfo=dt.UTC),
            reason="",
            answer_by=NOW + dt.timedelta(days=1),
        ),
        now=NOW,
    )
    assert headlines(office.south_head) == []  # still open: "Needs you" has it, north side
    at = proposal.answer_by + dt.timedelta(minutes=1)
    assert headlines(office.south_head, at) == [
        "A new time for “Weekly meeting” lapsed: The North did not answer"
    ]
    assert headlines(office.north_head, at) == []
    assert headlines(office.south_head, proposal.answer_by + dt.timedelta(days=8)) == []


def test_a_withdrawal_is_told_to_the_side_that_was_to_answer(office):
    proposal = propose_ad_hoc(office)
    answering.withdraw_proposal(
        member=office.south_deputy,
        command=WithdrawProposal(key=proposal.key, reason="Wrong"),
        now=NOW,
    )
    assert headlines(office.north_staff) == [
        "The South withdrew an ad hoc session “Rail-link study”"
    ]
    assert headlines(office.south_head) == []


@pytest.mark.parametrize("verb", ["postponed", "cancelled"])
def test_a_session_the_other_side_calls_off_is_shown_until_its_time(office, as_user, verb):
    if verb == "postponed":
        command = PostponeSession(key=KEY, reason="A public holiday")
        calling_off.postpone_session(member=office.north_head, command=command, now=NOW)
    else:
        cancel = CancelSession(key=KEY, reason="A public holiday")
        calling_off.cancel_session(member=office.north_head, command=cancel, now=NOW)
    shown = section(as_user(office.south_staff), office)
    assert f"The North {verb} “Weekly meeting”" in shown
    assert "Reason: A public holiday" in shown
    assert reverse("session-detail", args=[office.office.slug, KEY]) in shown
    assert headlines(office.north_head) == []  # its own act
    # Once the session's time has come, it is no longer a change to come.
    assert headlines(office.south_head, dt.datetime(2024, 1, 12, 1, 0, tzinfo=dt.UTC)) == []


def test_changes_older_than_a_week_are_gone(office):
    calling_off.cancel_session(
        member=office.north_head,
        command=CancelSession(key="weekly-20240126T1000", reason="x"),
        now=NOW,
    )
    assert headlines(office.south_head, NOW + dt.timedelta(days=7)) == [
        "The North cancelled “Weekly meeting”"
    ]
    assert headlines(office.south_head, NOW + dt.timedelta(days=7, minutes=1)) == []


def test_newest_first(office):
    first = propose_ad_hoc(office)
    answering.accept_proposal(
        member=office.north_head, command=AcceptProposal(key=first.key), now=NOW
    )
    calling_off.postpone_session(
        member=office.north_head, command=PostponeSession(key=NEXT_WEEK, reason="x"), now=LATER
    )
    assert headlines(office.south_head, LATER) == [
        "The North postponed “Weekly meeting”",
        "The North accepted an ad hoc session “Rail-link study”",
    ]


def test_observers_get_no_list(office, as_user):
    calling_off.cancel_session(
        member=office.north_head, command=CancelSession(key=KEY, reason="x"), now=NOW
    )
    assert section(as_user(office.observer), office) == ""
    assert recent_changes(office.observer, LATER) == []


def test_nothing_private_of_the_other_side_is_shown(office, as_user):
    """The North's private note on the session it cancelled stays with the North."""
    calling_off.cancel_session(
        member=office.north_head, command=CancelSession(key=KEY, reason="Holiday"), now=NOW
    )
    notes.add_note(
        member=office.north_head,
        command=AddNote(
            target_kind="session", target_key=KEY, body="We cancel to stall the rail study"
        ),
        now=NOW,
    )
    page_of_south = section(as_user(office.south_head), office)
    assert "The North cancelled" in page_of_south
    assert "stall" not in page_of_south


def test_the_list_reads_four_queries_however_long_it_is(office, django_assert_num_queries):
    for day in range(3):
        proposal = propose_ad_hoc(office, now=NOW + dt.timedelta(minutes=day))
        answering.decline_proposal(
            member=office.north_head,
            command=DeclineProposal(key=proposal.key, reason="No"),
            now=NOW,
        )
    for day in (12, 19, 26):
        calling_off.postpone_session(
            member=office.north_head,
            command=PostponeSession(key=f"weekly-202401{day}T1000", reason="x"),
            now=NOW,
        )
    with django_assert_num_queries(4):
        shown = recent_changes(office.south_head, LATER)
    assert len(shown) == 6


def test_the_dashboard_keeps_its_query_bound_with_changes_to_show(
    office, as_user, django_assert_max_num_queries
):
    for minute in range(3):
        proposal = propose_ad_hoc(office, now=NOW + dt.timedelta(minutes=minute))
        answering.accept_proposal(
            member=office.north_head, command=AcceptProposal(key=proposal.key), now=NOW
        )
    for day in (12, 19, 26):
        calling_off.cancel_session(
            member=office.north_head,
            command=CancelSession(key=f"weekly-202401{day}T1000", reason="x"),
            now=NOW,
        )
    client = as_user(office.south_head)
    with (
        time_machine.travel(LATER, tick=False),
        django_assert_max_num_queries(DASHBOARD_QUERIES),
    ):
        page = client.get(reverse("office-dashboard", args=[office.office.slug])).text
    assert page.count('class="change change-') == 6
