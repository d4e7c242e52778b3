"""The dashboard and the session page run a fixed number of queries, however long the
office has been meeting."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo, NoticeOfAbsence
from liaison.testing import agreed_move

from .conftest import BEFORE, NEEDS_QUERIES, START

pytestmark = pytest.mark.django_db

# Session and user (2), office and membership (2), sides, cadences, session rows,
# check-ins and notices (5), eligible attendees for the open session (1), the viewer's
# side's messages awaiting an answer (1), the operator's acts the viewer may see (1), the
# open proposals (1; their sides once there is one). What waits on the viewer, for the
# "Needs you" panel and the navigation's count, read once. The recent schedule changes of
# the viewer's side (4: the other side, the answers to its proposals, the sessions the
# other side called off and their rows).
DASHBOARD_QUERIES = 13 + NEEDS_QUERIES["head"] + 4
# Session and user (2), office and membership (2), the session (1-2), check-ins,
# notices and sides (3), eligible attendees (1), the states of the record, readouts and
# minutes (3), the viewer's side's private notes (1), the proposals about it (1); what
# waits on the viewer (the navigation's count).
SESSION_QUERIES = 15 + NEEDS_QUERIES["head"]

WEEKS = 104  # two years of weekly meetings


def _fridays(weeks):
    for week in range(weeks):
        start = START + dt.timedelta(weeks=week)
        yield f"weekly-{(start + dt.timedelta(hours=9)):%Y%m%dT%H%M}", start


def _two_years_of_meetings(world):
    """Both sides meet most weeks; the North stays away every fifth week and gives notice
    every seventh; every thirteenth session is moved a day later."""
    for week, (key, start) in enumerate(_fridays(WEEKS)):
        notice_at = start - dt.timedelta(days=2)
        if week % 13 == 12:
            agreed_move(
                member=world.north_head,
                key=key,
                start=start + dt.timedelta(days=1),
                reason="Moved a day",
                now=notice_at,
            )
            start += dt.timedelta(days=1)
        attending.check_in(
            member=world.south_head, command=CheckInTo(key=key), now=start - dt.timedelta(minutes=5)
        )
        if week % 7 == 6:
            attending.give_notice_of_absence(
                member=world.north_deputy,
                command=NoticeOfAbsence(key=key, reason="Away"),
                now=notice_at,
            )
        elif week % 5 != 4:
            attending.check_in(member=world.north_head, command=CheckInTo(key=key), now=start)
    last_key, last_start = list(_fridays(WEEKS + 1))[-1]
    return last_key, last_start


@pytest.fixture(params=["first-week", "two-years"])
def history(request, office):
    if request.param == "first-week":
        return office, "weekly-20240105T1000", START
    key, start = _two_years_of_meetings(office)
    return office, key, start


def test_the_dashboard_query_count_does_not_grow(history, as_user, django_assert_max_num_queries):
    world, key, start = history
    client = as_user(world.south_head)
    with (
        time_machine.travel(start - dt.timedelta(minutes=5), tick=False),
        django_assert_max_num_queries(DASHBOARD_QUERIES),
    ):
        response = client.get(reverse("office-dashboard", args=[world.office.slug]))
    assert response.status_code == 200
    # The session open now is offered for check-in, whatever the history.
    assert reverse("session-check-in", args=[world.office.slug, key]) in response.text


def test_the_session_page_query_count_does_not_grow(
    history, as_user, django_assert_max_num_queries
):
    world, key, start = history
    client = as_user(world.north_head)
    with (
        time_machine.travel(start - dt.timedelta(minutes=5), tick=False),
        django_assert_max_num_queries(SESSION_QUERIES),
    ):
        response = client.get(reverse("session-detail", args=[world.office.slug, key]))
    assert response.status_code == 200
    assert "/check-in/" in response.text


def test_a_moved_session_page_keeps_the_bound(office, as_user, django_assert_max_num_queries):
    key = "weekly-20240105T1000"
    agreed_move(
        member=office.north_head,
        key=key,
        start=START + dt.timedelta(hours=2),
        reason="",
        now=BEFORE,
    )
    client = as_user(office.south_head)
    with time_machine.travel(BEFORE, tick=False), django_assert_max_num_queries(SESSION_QUERIES):
        response = client.get(reverse("session-detail", args=[office.office.slug, key]))
    assert "Moved from" in response.text
