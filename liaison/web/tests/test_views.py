"""The read pages: office list, dashboard and session page, for each kind of person."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from liaison.meetings import attending, calling_off
from liaison.meetings.commands import CancelSession, CheckInTo, NoticeOfAbsence
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember
from liaison.testing import (
    OPERATOR,
    agreed_move,
    make_user,
)

from .conftest import AFTER_GRACE, BEFORE, KEY, OPEN, START

pytestmark = pytest.mark.django_db

READERS = [
    "south_head",
    "south_deputy",
    "south_staff",
    "north_head",
    "north_deputy",
    "north_staff",
    "observer",
]


def dashboard_url(world):
    return reverse("office-dashboard", args=[world.office.slug])


def session_url(world, key=KEY):
    return reverse("session-detail", args=[world.office.slug, key])


# Office list


def test_office_list_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("office-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/")


def test_office_list_shows_the_office_with_role_and_side(office, as_user):
    response = as_user(office.north_deputy).get(reverse("office-list"))
    assert response.status_code == 200
    assert office.office.name in response.text
    assert dashboard_url(office) in response.text
    assert "Deputy" in response.text
    assert "The North" in response.text


def test_office_list_shows_observer_on_neither_side(office, as_user):
    response = as_user(office.observer).get(reverse("office-list"))
    assert "Observer" in response.text
    assert "Neither side" in response.text


def test_office_list_is_empty_for_an_outsider(office, as_user):
    response = as_user(office.outsider).get(reverse("office-list"))
    assert response.status_code == 200
    assert office.office.name not in response.text
    assert "not a member of any office" in response.text


def test_sign_in_page_has_labelled_fields_and_signs_in(office, client):
    page = client.get(reverse("login"))
    assert 'for="id_username"' in page.text
    assert 'for="id_password"' in page.text
    response = client.post(
        reverse("login"),
        {"username": office.south_head.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("office-list")


def test_sign_in_with_a_wrong_password_says_so(office, client):
    response = client.post(
        reverse("login"), {"username": office.south_head.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "enter a correct username and password" in response.text


def test_sign_out_is_a_post_and_ends_the_session(office, as_user):
    client = as_user(office.south_head)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("office-list")).status_code == 302


# Dashboard


def test_dashboard_sends_anonymous_visitors_to_sign_in(office, client):
    response = client.get(dashboard_url(office))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_is_not_found_for_an_outsider_like_an_unknown_office(office, as_user):
    client = as_user(office.outsider)
    theirs = client.get(dashboard_url(office))
    unknown = client.get(reverse("office-dashboard", args=["no-such-office"]))
    assert theirs.status_code == unknown.status_code == 404
    assert _without_csrf(theirs.text) == _without_csrf(unknown.text)
    assert office.office.name not in theirs.text


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_dashboard_is_not_found_for_a_member_of_another_office(office, as_user):
    from liaison.testing import make_world

    other = make_world("elsewhere")
    response = as_user(other.south_head).get(dashboard_url(office))
    assert response.status_code == 404


@pytest.mark.parametrize("reader", READERS)
def test_dashboard_shows_standing_to_every_member(office, as_user, reader):
    member = getattr(office, reader)
    with time_machine.travel(AFTER_GRACE + dt.timedelta(days=1), tick=False):
        response = as_user(member).get(dashboard_url(office))
    assert response.status_code == 200
    text = response.text
    assert "Standing" in text
    assert "Attendance rate" in text
    assert "The South" in text and "The North" in text
    # Nobody checked in to the first session: both sides are no-shows, not held.
    assert "no-show" in text
    assert "0 of 1 agreed session held" in text
    assert member.full_name in text
    assert "Sign out" in text


def test_dashboard_shows_last_held_meeting_and_streaks(office, as_user):
    attending.check_in(member=office.south_head, command=CheckInTo(key=KEY), now=OPEN)
    attending.check_in(
        member=office.north_head, command=CheckInTo(key=KEY), now=START + dt.timedelta(minutes=3)
    )
    # The next Friday, only the South comes.
    next_key, next_start = "weekly-20240112T1000", START + dt.timedelta(days=7)
    attending.check_in(member=office.south_head, command=CheckInTo(key=next_key), now=next_start)
    with time_machine.travel(next_start + dt.timedelta(days=2), tick=False):
        response = as_user(office.observer).get(dashboard_url(office))
    text = response.text
    assert "Fri 5 Jan 2024" in text
    assert "9 days ago" in text
    assert "1 of 2 agreed sessions held (50%)" in text
    assert 'class="att att-present">present<' in text
    assert 'class="att att-late">late<' in text
    assert 'class="att att-no_show">no-show<' in text
    rows = {side: row for side, row in _standing_rows(text).items()}
    # rate, attended, no-shows, excused, current streak, longest streak, sessions the
    # side cancelled, sessions it postponed
    assert rows["The South"] == ["100%", "2", "0", "0", "0", "0", "0", "0"]
    assert rows["The North"] == ["50%", "1", "1", "0", "1", "1", "0", "0"]


def _standing_rows(html: str) -> dict[str, list[str]]:
    table = html.split('class="grid standing"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        name = re.sub(
            r"<[^>]+>|\(your side\)", "", re.findall(r"<th[^>]*>(.*?)</th>", row, re.S)[0]
        )
        rows[name.strip()] = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return rows


def test_dashboard_offers_check_in_to_a_head_while_open(office, as_user):
    with time_machine.travel(OPEN, tick=False):
        response = as_user(office.south_head).get(dashboard_url(office))
    text = response.text
    assert "Open for check-in now" in text
    assert reverse("session-check-in", args=[office.office.slug, KEY]) in text
    assert "Check in for The South" in text
    assert f'<option value="{office.south_head.username}" selected>' in text


@pytest.mark.parametrize("reader", ["south_staff", "north_staff", "observer"])
def test_dashboard_offers_no_check_in_to_staff_or_observers(office, as_user, reader):
    with time_machine.travel(OPEN, tick=False):
        response = as_user(getattr(office, reader)).get(dashboard_url(office))
    assert "Weekly meeting" in response.text.split("Open for check-in now", 1)[1]
    assert "session-check-in" not in response.text
    assert "/check-in/" not in response.text


def test_dashboard_lists_upcoming_sessions_and_cancellations(office, as_user):
    calling_off.cancel_session(
        member=office.north_head,
        command=CancelSession(key="weekly-20240112T1000", reason="Holiday"),
        now=BEFORE,
    )
    with time_machine.travel(BEFORE, tick=False):
        response = as_user(office.south_staff).get(dashboard_url(office))
    upcoming = response.text.split("Upcoming sessions", 1)[1]
    assert "Fri 5 Jan 2024, 10:00 KST" in upcoming
    assert 'class="att att-expected">expected<' in upcoming
    assert 'class="att att-cancelled">cancelled<' in upcoming
    assert "No session is open for check-in right now." in response.text


def test_dashboard_names_the_viewers_zone_and_the_offices(office, as_user):
    with time_machine.travel(BEFORE, tick=False):
        north = as_user(office.north_staff).get(dashboard_url(office))
        south = as_user(office.south_staff).get(dashboard_url(office))
    assert "Times are in Asia/Pyongyang, your time zone; the office keeps Asia/Seoul time." in (
        north.text
    )
    assert "Times are in Asia/Seoul, your time zone, which the office keeps too." in south.text


def test_a_member_in_utc_sees_a_seoul_ten_oclock_session_at_one(office, as_user):
    make_user("analyst")
    analyst = offices.add_member(
        office=office.office,
        command=AddMember(
            username="analyst",
            full_name="Analyst in London",
            role="observer",
            side=None,
            time_zone="UTC",
        ),
        actor=OPERATOR,
        now=BEFORE,
    )
    with time_machine.travel(BEFORE, tick=False):
        client = as_user(analyst)
        board = client.get(dashboard_url(office))
        page = client.get(session_url(office))
    assert "Fri 5 Jan 2024, 01:00 UTC" in board.text
    assert "Times are in UTC, your time zone; the office keeps Asia/Seoul time." in board.text
    assert "Fri 5 Jan 2024, 01:00 UTC" in page.text
    assert "10:00" not in page.text.split("<main", 1)[1].split("Attendance", 1)[0]


# Session page


def test_session_page_sends_anonymous_visitors_to_sign_in(office, client):
    response = client.get(session_url(office))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_session_page_is_not_found_for_an_outsider_or_an_unknown_session(office, as_user):
    outsider = as_user(office.outsider).get(session_url(office))
    assert outsider.status_code == 404
    member = as_user(office.south_head)
    assert member.get(session_url(office, "weekly-20240106T1000")).status_code == 404
    assert member.get(session_url(office, "nothing")).status_code == 404
    assert member.get(session_url(office, "adhoc-20240106T1000")).status_code == 404


def _actions_part(html: str) -> str:
    """The page's main content without the side's private notes, whose form any member
    of a side (staff too) may use."""
    return html.split("<main", 1)[1].split('<section aria-labelledby="notes-heading"', 1)[0]


@pytest.mark.parametrize("reader", ["south_staff", "north_staff", "observer"])
def test_session_page_shows_staff_and_observers_no_action_forms(office, as_user, reader):
    with time_machine.travel(OPEN, tick=False):
        response = as_user(getattr(office, reader)).get(session_url(office))
    assert response.status_code == 200
    assert "Weekly meeting" in response.text
    assert "<form" not in _actions_part(response.text)


def test_session_page_describes_the_session(office, as_user):
    with time_machine.travel(BEFORE, tick=False):
        response = as_user(office.observer).get(session_url(office))
    text = response.text
    assert "<h1>Weekly meeting</h1>" in text
    assert "Fri 5 Jan 2024, 10:00 KST" in text  # start
    assert "Fri 5 Jan 2024, 11:00 KST" in text  # end
    assert "Fri 5 Jan 2024, 10:15 KST" in text  # grace end
    assert "Required level" in text and "<dd>Head</dd>" in text
    assert "Scheduled" in text
    assert "opens Fri 5 Jan 2024, 09:00 KST" in text


def test_session_page_offers_a_head_every_form_before_the_start(office, as_user):
    with time_machine.travel(BEFORE, tick=False):
        response = as_user(office.south_head).get(session_url(office))
    text = response.text
    for name in ("absence", "move", "postpone", "cancel"):
        assert reverse(f"session-{name}", args=[office.office.slug, KEY]) in text
    assert "/check-in/" not in text  # not open yet
    assert 'for="move-date"' in text and 'id="move-date"' in text
    assert "Date and time in the office&#x27;s zone, Asia/Seoul." in text


def test_session_page_offers_check_in_with_the_viewer_as_default(office, as_user):
    with time_machine.travel(OPEN, tick=False):
        response = as_user(office.north_head).get(session_url(office))
    text = response.text
    assert reverse("session-check-in", args=[office.office.slug, KEY]) in text
    assert f'<option value="{office.north_head.username}" selected>' in text
    assert office.south_head.username not in text.split('name="attendee"', 1)[1]


def test_session_page_offers_a_deputy_their_head_as_attendee(office, as_user):
    with time_machine.travel(OPEN, tick=False):
        response = as_user(office.south_deputy).get(session_url(office))
    select = response.text.split('name="attendee"', 1)[1].split("</select>", 1)[0]
    assert office.south_head.username in select
    assert office.south_deputy.username not in select  # the session needs the head


def test_session_page_shows_who_checked_in_and_when(office, as_user):
    attending.check_in(
        member=office.south_deputy,
        command=CheckInTo(key=KEY, attendee=office.south_head.username),
        now=OPEN,
    )
    with time_machine.travel(OPEN + dt.timedelta(minutes=1), tick=False):
        response = as_user(office.south_head).get(session_url(office))
    text = response.text
    assert "South Head attended; checked in by South Deputy at Fri 5 Jan 2024, 09:55 KST." in text
    assert 'class="att att-present">present<' in text
    assert "/check-in/" not in text  # the South has checked in


def test_session_page_shows_notice_of_absence(office, as_user):
    attending.give_notice_of_absence(
        member=office.north_deputy,
        command=NoticeOfAbsence(key=KEY, reason="Our delegation is in Beijing"),
        now=BEFORE,
    )
    with time_machine.travel(AFTER_GRACE, tick=False):
        response = as_user(office.south_staff).get(session_url(office))
    text = response.text
    assert 'class="att att-excused">excused<' in text
    assert 'class="att att-no_show">no-show<' in text  # the South never checked in
    assert "Notice of absence given by North Deputy" in text
    assert "Our delegation is in Beijing" in text


def test_session_page_shows_a_moved_session(office, as_user):
    new_start = dt.datetime(2024, 1, 6, 2, 0, tzinfo=dt.UTC)
    agreed_move(member=office.north_head, key=KEY, start=new_start, reason="Snow", now=BEFORE)
    with time_machine.travel(BEFORE, tick=False):
        response = as_user(office.observer).get(session_url(office))
    text = response.text
    assert "Moved from" in text
    assert "Sat 6 Jan 2024, 11:00 KST" in text
    assert "Scheduled: Snow" in text


def test_session_page_shows_a_cancelled_session_without_forms(office, as_user):
    calling_off.cancel_session(
        member=office.south_head, command=CancelSession(key=KEY, reason="Typhoon"), now=BEFORE
    )
    with time_machine.travel(OPEN, tick=False):
        response = as_user(office.north_head).get(session_url(office))
    text = response.text
    assert "Cancelled: Typhoon" in text
    assert 'class="att att-cancelled">cancelled<' in text
    assert "<form" not in _actions_part(text)


def test_a_members_zone_does_not_outlive_their_request(office, as_user):
    with time_machine.travel(BEFORE, tick=False):
        as_user(office.north_staff).get(dashboard_url(office))
    assert timezone.get_current_timezone_name() == "UTC"
