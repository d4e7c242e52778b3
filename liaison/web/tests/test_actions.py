"""The POST actions on the session page: who may use each, what it records, and how a
refusal is shown. Every success writes exactly one event; every refusal writes none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import reverse

from liaison.ledger.models import Event
from liaison.meetings import attending, calling_off
from liaison.meetings.commands import CancelSession, CheckInTo, PostponeSession
from liaison.meetings.models import Proposal
from liaison.meetings.overview import session_detail

from .conftest import AFTER_GRACE, BEFORE, KEY, OPEN, START

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    name: str  # the URL name is session-<name>
    at: dt.datetime
    event: str
    shows: str  # what the session page says afterwards

    def data(self, world, actor):
        if self.name == "check-in":
            # The session needs the head: a deputy checks their head in.
            head = world.south_head if actor.side_key == "south" else world.north_head
            return {"attendee": head.username}
        if self.name == "move":
            return {"date": "2024-01-06", "time": "11:00", "reason": "Snow on the road"}
        return {"reason": "Our delegation is in Beijing"}


CASES = [
    Case("check-in", OPEN, "session.checked_in", 'class="att att-present">present<'),
    Case("absence", BEFORE, "session.absence_noticed", 'class="att att-excused">excused<'),
    Case("move", BEFORE, "session.move_proposed", "New time Sat 6 Jan 2024, 11:00 KST proposed"),
    Case("postpone", BEFORE, "session.postponed", "Postponed: Our delegation is in Beijing"),
    Case("cancel", BEFORE, "session.cancelled", "Cancelled: Our delegation is in Beijing"),
]
IDS = [c.name for c in CASES]
SPEAKERS = ["south_head", "south_deputy", "north_head", "north_deputy"]


def url(world, name, key=KEY):
    return reverse(f"session-{name}", args=[world.office.slug, key])


def post(client, world, case, actor=None, key=KEY, data=None, follow=False):
    with time_machine.travel(case.at, tick=False):
        return client.post(
            url(world, case.name, key),
            data if data is not None else case.data(world, actor),
            follow=follow,
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_anonymous_visitors_are_sent_to_sign_in(office, client, case):
    before = Event.objects.count()
    response = post(client, office, case, office.south_head)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Event.objects.count() == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_outsiders_get_not_found(office, as_user, case):
    before = Event.objects.count()
    response = post(as_user(office.outsider), office, case, office.south_head)
    assert response.status_code == 404
    assert Event.objects.count() == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("reader", ["observer", "south_staff", "north_staff"])
def test_observers_and_staff_are_not_allowed(office, as_user, case, reader):
    member = getattr(office, reader)
    before = Event.objects.count()
    response = post(as_user(member), office, case, office.south_head)
    assert response.status_code == 403
    assert "Not allowed" in response.text
    if reader == "observer":
        assert "Observers read the office&#x27;s records" in response.text
    else:
        assert "Only your side&#x27;s head or deputy can do this." in response.text
    assert Event.objects.count() == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_actions_on_an_unknown_session_are_not_found(office, as_user, case):
    before = Event.objects.count()
    response = post(as_user(office.south_head), office, case, office.south_head, key="nothing")
    assert response.status_code == 404
    assert Event.objects.count() == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_actions_are_post_only(office, as_user, case):
    assert as_user(office.south_head).get(url(office, case.name)).status_code == 405


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("speaker", SPEAKERS)
def test_heads_and_deputies_act_for_their_side(office, as_user, case, speaker):
    actor = getattr(office, speaker)
    before = Event.objects.count()
    response = post(as_user(actor), office, case, actor, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(url(office, "detail"), 302)]
    assert 'class="message success"' in response.text
    assert case.shows in response.text
    assert Event.objects.count() == before + 1
    event = Event.objects.select_related("log").latest("pk")
    assert event.type == case.event
    assert event.actor == actor.username
    assert event.log.side == actor.side_key


@pytest.mark.parametrize("speaker", SPEAKERS)
def test_a_check_in_is_recorded_for_the_actors_side_only(office, as_user, speaker):
    actor = getattr(office, speaker)
    other = "north" if actor.side_key == "south" else "south"
    post(as_user(actor), office, CASES[0], actor)
    detail = session_detail(office.office, KEY, OPEN)
    assert detail.for_side(actor.side_key).attendance == "present"
    assert detail.for_side(actor.side_key).check_in.checked_in_by.username == actor.username
    assert detail.for_side(other).check_in is None


def test_the_other_side_cannot_check_in_a_sides_attendee(office, as_user):
    before = Event.objects.count()
    response = post(
        as_user(office.north_head),
        office,
        CASES[0],
        data={"attendee": office.south_head.username},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert Event.objects.count() == before
    detail = session_detail(office.office, KEY, OPEN)
    assert [s.check_in for s in detail.sides] == [None, None]


def test_a_notice_from_one_side_leaves_the_other_expected(office, as_user):
    post(as_user(office.north_deputy), office, CASES[1], office.north_deputy)
    detail = session_detail(office.office, KEY, BEFORE)
    assert detail.for_side("north").attendance == "excused"
    assert detail.for_side("south").attendance == "expected"


def test_a_late_check_in_is_shown_late(office, as_user):
    case = Case("check-in", START + dt.timedelta(minutes=10), "session.checked_in", "")
    response = post(as_user(office.south_head), office, case, office.south_head, follow=True)
    assert 'class="att att-late">late<' in response.text
    assert "The South checked in at Fri 5 Jan 2024, 10:10 KST: South Head attends." in (
        response.text
    )


# Refusals: the form comes back with the action's message, and nothing is written.


def refused(client, office, case, actor, data=None):
    before = Event.objects.count()
    response = post(client, office, case, actor, data=data)
    assert response.status_code == 400
    assert Event.objects.count() == before
    return response.text


def test_check_in_after_the_grace_period_is_refused(office, as_user):
    late = Case("check-in", AFTER_GRACE, "", "")
    text = refused(as_user(office.south_head), office, late, office.south_head)
    assert '<div class="errors" role="alert">' in text
    assert "the grace period ended at Fri 05 Jan 2024 10:15 KST" in text
    assert "your side is recorded as a no-show" in text


def test_a_second_check_in_is_refused(office, as_user):
    attending.check_in(
        member=office.south_head, command=CheckInTo(key=KEY), now=OPEN - dt.timedelta(minutes=5)
    )
    text = refused(as_user(office.south_deputy), office, CASES[0], office.south_deputy)
    assert "your side already checked in at" in text


def test_check_in_to_a_cancelled_session_is_refused(office, as_user):
    calling_off.cancel_session(
        member=office.north_head, command=CancelSession(key=KEY, reason="Typhoon"), now=BEFORE
    )
    text = refused(as_user(office.south_head), office, CASES[0], office.south_head)
    assert "this session was cancelled; there is nothing to check in to" in text


def test_notice_after_the_start_is_refused(office, as_user):
    late = Case("absence", START + dt.timedelta(minutes=1), "", "")
    text = refused(as_user(office.north_head), office, late, office.north_head)
    assert "notice of absence must be given before the session starts" in text


def test_notice_without_a_reason_is_a_field_error(office, as_user):
    text = refused(
        as_user(office.north_head), office, CASES[1], office.north_head, data={"reason": " "}
    )
    assert 'id="absence-reason_error"' in text
    assert "give a reason for the absence" in text


def test_moving_into_the_past_is_refused_next_to_the_date(office, as_user):
    text = refused(
        as_user(office.south_head),
        office,
        CASES[2],
        office.south_head,
        data={"date": "2023-12-29", "time": "10:00", "reason": ""},
    )
    assert '<p class="error" id="move-date_error">the new start must be in the future</p>' in text
    # The form keeps what was typed.
    assert 'value="2023-12-29"' in text


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_moving_to_a_day_at_the_calendars_end_is_refused_next_to_the_date(office, as_user, day):
    # Its instants do not exist in every zone: this was a 500 from the time zone helpers.
    text = refused(
        as_user(office.south_head),
        office,
        CASES[2],
        office.south_head,
        data={"date": day, "time": "10:00", "reason": ""},
    )
    assert (
        f'<p class="error" id="move-date_error">{day} is out of range: use a day from '
        "0001-01-02 to 9999-12-30</p>"
    ) in text


def test_moving_a_started_session_is_refused(office, as_user):
    started = Case("move", START + dt.timedelta(minutes=1), "", "")
    text = refused(as_user(office.south_head), office, started, office.south_head)
    assert "it can no longer be changed" in text


def test_postponing_twice_is_refused(office, as_user):
    calling_off.postpone_session(
        member=office.south_head, command=PostponeSession(key=KEY, reason="Fog"), now=BEFORE
    )
    text = refused(as_user(office.north_head), office, CASES[3], office.north_head)
    assert "this session is already postponed" in text


def test_a_postponed_session_can_be_moved_to_a_new_time(office, as_user):
    calling_off.postpone_session(
        member=office.south_head, command=PostponeSession(key=KEY, reason="Fog"), now=BEFORE
    )
    with time_machine.travel(AFTER_GRACE, tick=False):
        page = as_user(office.north_head).get(url(office, "detail"))
        assert url(office, "move") in page.text
        assert url(office, "postpone") not in page.text
        response = as_user(office.north_head).post(
            url(office, "move"), {"date": "2024-01-12", "time": "15:00", "reason": "Fog lifted"}
        )
    assert response.status_code == 302
    # Proposed by the North, it stays postponed until the South accepts the new time.
    assert session_detail(office.office, KEY, AFTER_GRACE).session.status == "postponed"
    proposal = Proposal.objects.get(office=office.office, kind="move", subject=KEY)
    with time_machine.travel(AFTER_GRACE, tick=False):
        accepted = as_user(office.south_deputy).post(
            reverse("proposal-accept", args=[office.office.slug, proposal.key]),
            {"confirm": "on"},
        )
    assert accepted.status_code == 302
    detail = session_detail(office.office, KEY, AFTER_GRACE)
    assert detail.session.status == "scheduled"
    assert detail.session.start == dt.datetime(2024, 1, 12, 6, 0, tzinfo=dt.UTC)
