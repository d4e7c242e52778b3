"""The schedule page: cadences with their history, the sessions of a month, the open
proposals, and the forms a side's head or deputy uses to propose a cadence, its end or an
ad hoc session, which bind once the other side accepts them on the proposal's page.

Every success writes exactly one event, in the actor's side's log; every refusal none.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from liaison.ledger.models import Event
from liaison.meetings import attending, calling_off
from liaison.meetings.commands import CancelSession, CheckInTo
from liaison.meetings.models import PROPOSAL_TYPES, Proposal
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember
from liaison.testing import (
    OPERATOR,
    agreed_cadence,
    agreed_session,
    make_user,
)
from liaison.web.schedule import Month, describe_rule, parse_month

from .conftest import BEFORE, NEEDS_QUERIES, START
from .test_queries import _two_years_of_meetings

pytestmark = pytest.mark.django_db

SPEAKERS = ["south_head", "south_deputy", "north_head", "north_deputy"]
READERS = ["observer", "south_staff", "north_staff"]
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")

CADENCE = {
    "key": "working-group",
    "title": "Working group",
    "rule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
    "starts_on": "2024-01-08",
    "start_time": "09:30",
    "duration_minutes": "90",
    "grace_minutes": "10",
    "required_level": "deputy",
    "effective_date": "",
    "effective_time": "",
    "reason": "Agreed at the launch",
}
ADHOC = {
    "title": "Emergency consultation",
    "date": "2024-01-10",
    "time": "15:00",
    "duration_minutes": "45",
    "grace_minutes": "10",
    "required_level": "head",
}
ADHOC_KEY = "adhoc-20240110T1500"
END = {
    "key": "weekly",
    "effective_date": "2024-01-20",
    "effective_time": "09:00",
    "reason": "Replaced by monthly talks",
}


def schedule_url(world, month=None):
    url = reverse("office-schedule", args=[world.office.slug])
    return f"{url}?month={month}" if month is not None else url


def cadence_url(world):
    return reverse("office-cadence-set", args=[world.office.slug])


def adhoc_url(world):
    return reverse("office-session-schedule", args=[world.office.slug])


def end_url(world):
    return reverse("office-cadence-end", args=[world.office.slug])


def latest_proposal(world):
    event = (
        Event.objects.filter(log__office=world.office.id, type__in=PROPOSAL_TYPES)
        .select_related("log")
        .latest("pk")
    )
    return Proposal.objects.get(office=world.office, side__key=event.log.side, seq=event.seq)


def accept(as_user, world, at=BEFORE):
    """The other side's head accepts the latest proposal on its page."""
    proposal = latest_proposal(world)
    head = world.north_head if proposal.side_key == "south" else world.south_head
    url = reverse("proposal-accept", args=[world.office.slug, proposal.key])
    response = post(as_user(head), url, {"confirm": "on"}, at=at, follow=True)
    assert response.status_code == 200
    assert "it now binds both sides" in response.text
    return proposal


def form_urls(world):
    return (cadence_url(world), end_url(world), adhoc_url(world))


def get(client, world, month=None, at=BEFORE):
    with time_machine.travel(at, tick=False):
        return client.get(schedule_url(world, month))


def post(client, url, data, at=BEFORE, follow=False):
    with time_machine.travel(at, tick=False):
        return client.post(url, data, follow=follow)


def main(html: str) -> str:
    return html.split("<main", 1)[1]


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def session_keys(html: str) -> list[str]:
    table = section(html, "sessions-heading")
    return re.findall(r'href="/offices/[^/]+/sessions/([^/]+)/"', table)


# Who may see the page and use its forms


def test_anonymous_visitors_are_sent_to_sign_in(office, client):
    before = Event.objects.count()
    for response in (
        get(client, office),
        post(client, cadence_url(office), CADENCE),
        post(client, end_url(office), END),
        post(client, adhoc_url(office), ADHOC),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Event.objects.count() == before


def test_outsiders_get_not_found(office, as_user):
    client = as_user(office.outsider)
    before = Event.objects.count()
    assert get(client, office).status_code == 404
    assert post(client, cadence_url(office), CADENCE).status_code == 404
    assert post(client, adhoc_url(office), ADHOC).status_code == 404
    assert post(client, end_url(office), END).status_code == 404
    assert Event.objects.count() == before


@pytest.mark.parametrize("reader", READERS)
def test_observers_and_staff_see_the_schedule_without_forms(office, as_user, reader):
    response = get(as_user(getattr(office, reader)), office)
    assert response.status_code == 200
    text = main(response.text)
    assert "Weekly meeting" in text
    assert "Every week on Friday at 10:00" in text
    assert "<form" not in text
    assert "Change this cadence" not in text
    for url in form_urls(office):
        assert url not in text


@pytest.mark.parametrize(
    "data", [CADENCE, END, {"rule": "nonsense"}, {}], ids=["good", "end", "bad", "empty"]
)
@pytest.mark.parametrize("reader", READERS)
def test_observers_and_staff_may_not_post_even_bad_input(office, as_user, reader, data):
    client = as_user(getattr(office, reader))
    before = Event.objects.count()
    for url in form_urls(office):
        response = post(client, url, data)
        assert response.status_code == 403
        assert "Not allowed" in response.text
    assert Event.objects.count() == before


def test_the_forms_are_post_only(office, as_user):
    client = as_user(office.south_head)
    assert client.get(cadence_url(office)).status_code == 405
    assert client.get(adhoc_url(office)).status_code == 405
    assert client.get(end_url(office)).status_code == 405


@pytest.mark.parametrize("speaker", SPEAKERS)
def test_heads_and_deputies_see_the_forms_in_office_time(office, as_user, speaker):
    response = get(as_user(getattr(office, speaker)), office)
    assert response.status_code == 200
    text = response.text
    assert "Propose a cadence or a change" in text
    assert "Propose an ad hoc session" in text
    assert f'action="{cadence_url(office)}"' in text
    assert f'action="{adhoc_url(office)}"' in text
    assert f'action="{end_url(office)}"' in text
    assert '<option value="weekly">Weekly meeting (weekly)</option>' in text
    # Fields that take office-zone times name the zone.
    assert '<label for="cadence-start_time">Start time (Asia/Seoul)</label>' in text
    assert '<label for="adhoc-date">Date (Asia/Seoul)</label>' in text
    assert "In force from: date (Asia/Seoul)" in text
    assert "Ends from: date (Asia/Seoul)" in text


def test_the_dashboard_links_to_the_schedule(office, as_user):
    with time_machine.travel(BEFORE, tick=False):
        board = as_user(office.observer).get(reverse("office-dashboard", args=[office.office.slug]))
    assert f'href="{schedule_url(office)}"' in board.text
    page = get(as_user(office.observer), office)
    assert f'<a href="{schedule_url(office)}" aria-current="page">Schedule</a>' in page.text


# Agreeing a cadence and scheduling an ad hoc session


@pytest.mark.parametrize("speaker", SPEAKERS)
def test_heads_and_deputies_propose_a_cadence_that_binds_once_accepted(office, as_user, speaker):
    actor = getattr(office, speaker)
    other = "The North" if actor.side_key == "south" else "The South"
    before = Event.objects.count()
    response = post(as_user(actor), cadence_url(office), CADENCE, follow=True)
    assert response.status_code == 200
    proposal = Proposal.objects.get(office=office.office, subject="working-group")
    detail = reverse("proposal-detail", args=[office.office.slug, proposal.key])
    assert response.redirect_chain == [(detail, 302)]
    assert 'class="message success"' in response.text
    assert f"Cadence working-group proposed (proposal {proposal.key})" in response.text
    assert f"awaiting {other} until Mon 15 Jan 2024, 09:00 KST" in response.text
    assert Event.objects.count() == before + 1
    event = Event.objects.select_related("log").latest("pk")
    assert event.type == "cadence.proposed"
    assert event.actor == actor.username
    assert event.log.side == actor.side_key
    # Proposed, it binds nobody: no cadence, no sessions; the schedule lists it as a proposal.
    page = get(as_user(office.observer), office).text
    assert "Working group" not in section(page, "cadences-heading")
    assert "working-group" not in " ".join(session_keys(page))
    assert "Working group" in section(page, "proposals-heading")
    accept(as_user, office)
    assert Event.objects.count() == before + 2
    answer = Event.objects.select_related("log").latest("pk")
    assert (answer.type, answer.log.side) == (
        "proposal.accepted",
        "north" if actor.side_key == "south" else "south",
    )
    text = get(as_user(actor), office).text
    cadences = section(text, "cadences-heading")
    assert "Working group" in cadences
    assert "Every 2 weeks on Monday and Thursday at 09:30" in cadences
    assert "<code>FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH</code>" in cadences
    assert "1 h 30 min" in cadences and "10 minutes" in cadences
    assert "Head or deputy" in cadences
    assert f"Proposed by {actor.full_name} <span" in cadences
    assert ", accepted by " in cadences
    assert "Agreed at the launch" in cadences
    # Its sessions show up in the month: Mondays and Thursdays of every other week.
    assert session_keys(text) == [
        "weekly-20240105T1000",
        "working-group-20240108T0930",
        "working-group-20240111T0930",
        "weekly-20240112T1000",
        "weekly-20240119T1000",
        "working-group-20240122T0930",
        "working-group-20240125T0930",
        "weekly-20240126T1000",
    ]


@pytest.mark.parametrize("speaker", SPEAKERS)
def test_heads_and_deputies_propose_an_ad_hoc_session(office, as_user, speaker):
    actor = getattr(office, speaker)
    client = as_user(actor)
    before = Event.objects.count()
    response = post(client, adhoc_url(office), ADHOC, follow=True)
    assert response.status_code == 200
    session_url = reverse("session-detail", args=[office.office.slug, ADHOC_KEY])
    assert response.redirect_chain == [(session_url, 302)]
    assert "it takes place once the other side accepts it" in response.text
    assert "<h1>Emergency consultation</h1>" in response.text
    assert "It binds nobody until it is accepted." in response.text
    assert Event.objects.count() == before + 1
    event = Event.objects.select_related("log").latest("pk")
    assert event.type == "session.proposed"
    assert event.actor == actor.username
    assert event.log.side == actor.side_key
    page = get(client, office)
    assert ADHOC_KEY in session_keys(page.text)
    row = section(page.text, "sessions-heading").split(ADHOC_KEY, 1)[1].split("</tr>", 1)[0]
    assert '<span class="tag">ad hoc</span>' in row
    assert "Wed 10 Jan 2024, 15:00 KST" in row
    assert "proposed" in row
    accept(as_user, office)
    page = get(client, office)
    row = section(page.text, "sessions-heading").split(ADHOC_KEY, 1)[1].split("</tr>", 1)[0]
    assert "scheduled" in row and "proposed" not in row


def test_a_cadence_change_keeps_both_versions_in_the_history(office, as_user):
    client = as_user(office.north_head)
    change = {
        **CADENCE,
        "key": "weekly",
        "title": "Weekly meeting",
        "rule": "FREQ=WEEKLY;BYDAY=TH",
        "starts_on": "2024-02-01",
        "start_time": "14:00",
        "duration_minutes": "60",
        "grace_minutes": "15",
        "required_level": "head",
        "effective_date": "2024-02-01",
        "effective_time": "00:00",
        "reason": "Fridays clash with the cabinet meeting",
    }
    response = post(client, cadence_url(office), change, follow=True)
    assert "Cadence weekly proposed" in response.text
    accept(as_user, office)
    response = get(client, office)
    # Before the change: version 1 in force, version 2 agreed for later.
    cadences = section(response.text, "cadences-heading")
    assert "Every week on Friday at 10:00" in cadences.split("<table", 1)[0]
    assert "Changes from Thu 1 Feb 2024, 00:00 KST (version 2)" in cadences
    history = cadences.split('class="grid history"', 1)[1]
    assert history.count("<tr") == 3  # the header and two versions
    assert "since Mon 1 Jan 2024, 09:00 KST" in history
    assert "from Thu 1 Feb 2024, 00:00 KST" in history
    assert "Fridays clash with the cabinet meeting" in history
    # After it: version 2 in force, version 1 ended with its period.
    later = get(client, office, "2024-02", at=dt.datetime(2024, 2, 10, tzinfo=dt.UTC))
    cadences = section(later.text, "cadences-heading")
    assert "Every week on Thursday at 14:00" in cadences.split("<table", 1)[0]
    assert "since Thu 1 Feb 2024, 00:00 KST" in cadences
    assert "Mon 1 Jan 2024, 09:00 KST to Thu 1 Feb 2024, 00:00 KST" in cadences
    assert '<span class="status status-ended">ended</span>' in cadences
    assert "North Head" in cadences and "South Head" in cadences
    # February's sessions follow the new rule; January's kept the old one.
    assert session_keys(later.text) == [f"weekly-202402{d:02d}T1400" for d in (1, 8, 15, 22, 29)]
    january = get(client, office, "2024-01", at=dt.datetime(2024, 2, 10, tzinfo=dt.UTC))
    assert session_keys(january.text) == [f"weekly-202401{d:02d}T1000" for d in (5, 12, 19, 26)]


def test_a_cadence_agreed_for_later_says_so(office, as_user):
    data = {**CADENCE, "effective_date": "2024-01-08", "effective_time": "09:00"}
    post(as_user(office.south_deputy), cadence_url(office), data)
    accept(as_user, office)
    response = get(as_user(office.south_deputy), office)
    card = section(response.text, "cadences-heading").split('id="cadence-working-group"', 1)[1]
    assert '<span class="status status-upcoming">agreed, not yet in force</span>' in card
    assert "from Mon 8 Jan 2024, 09:00 KST" in card.split("</article>", 1)[0]


@pytest.mark.parametrize("speaker", SPEAKERS)
def test_heads_and_deputies_propose_to_end_a_cadence(office, as_user, speaker):
    actor = getattr(office, speaker)
    before = Event.objects.count()
    response = post(as_user(actor), end_url(office), END, follow=True)
    proposal = latest_proposal(office)
    detail = reverse("proposal-detail", args=[office.office.slug, proposal.key])
    assert response.redirect_chain == [(detail, 302)]
    assert "End of cadence weekly proposed" in response.text
    assert Event.objects.count() == before + 1
    event = Event.objects.select_related("log").latest("pk")
    assert (event.type, event.actor, event.log.side) == (
        "cadence.end_proposed",
        actor.username,
        actor.side_key,
    )
    # Until the other side accepts, the cadence runs on.
    assert len(session_keys(get(as_user(actor), office).text)) == 4
    accept(as_user, office)
    response = get(as_user(actor), office)
    # The sessions before the end stay; those after are gone.
    assert session_keys(response.text) == [
        "weekly-20240105T1000",
        "weekly-20240112T1000",
        "weekly-20240119T1000",
    ]


def test_a_cadence_ended_now_offers_no_end_form(office, as_user):
    client = as_user(office.south_head)
    post(client, end_url(office), {**END, "effective_date": "", "effective_time": ""})
    accept(as_user, office)
    text = get(client, office).text
    assert "Propose to end a cadence" not in text and end_url(office) not in text


@pytest.mark.parametrize(
    ("change", "error_id", "message"),
    [
        ({"reason": ""}, "end-cadence-reason_error", "say why the cadence ends"),
        (
            {"effective_date": "2023-12-31"},
            "end-cadence-effective_date_error",
            "a cadence cannot end in the past",
        ),
        (
            {"effective_time": ""},
            "end-cadence-effective_time_error",
            "Give the time as well, or leave both empty.",
        ),
        (
            {"key": "monthly"},
            "end-cadence-key_error",
            "Choose one of the cadences not yet ended.",
        ),
    ],
    ids=["no-reason", "past", "no-time", "unknown"],
)
def test_a_bad_end_is_refused_on_its_field(office, as_user, change, error_id, message):
    text = refused(
        as_user(office.north_head), end_url(office), {**END, **change}, error_id, message
    )
    assert "Weekly meeting" in section(text, "cadences-heading")


def test_an_ended_cadence_is_shown_as_ended(office, as_user):
    post(as_user(office.south_head), end_url(office), END)
    accept(as_user, office)
    response = get(as_user(office.observer), office, at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC))
    cadences = section(response.text, "cadences-heading")
    assert 'class="cadence ended"' in cadences
    assert '<span class="status status-ended">ended</span>' in cadences
    assert "Was in force" in cadences
    assert (
        f"Ended by</span> {office.south_head.full_name} "
        '<span class="muted">(The South)</span><span class="muted">:</span> '
        "Replaced by monthly talks"
    ) in cadences
    assert "Mon 1 Jan 2024, 09:00 KST to Sat 20 Jan 2024, 09:00 KST" in cadences
    assert "No sessions start in February 2024." in response.text


def test_change_this_cadence_fills_in_the_form(office, as_user):
    client = as_user(office.south_deputy)
    page = get(client, office)
    assert 'href="?change=weekly#cadence-form"' in page.text
    with time_machine.travel(BEFORE, tick=False):
        response = client.get(schedule_url(office) + "?change=weekly")
    form = response.text.split('id="cadence-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="key" value="weekly"' in form
    assert 'value="FREQ=WEEKLY;BYDAY=FR"' in form
    assert 'name="starts_on" value="2024-01-05"' in form
    assert '<option value="head" selected>' in form


# Bad input: a visible error, the form as typed, and nothing written


def refused(client, url, data, error_id, message, at=BEFORE):
    before = Event.objects.count()
    response = post(client, url, data, at=at)
    assert response.status_code == 400
    assert Event.objects.count() == before
    text = response.text
    assert f'<p class="error" id="{error_id}">{message}' in text, text
    return text


@pytest.mark.parametrize(
    ("change", "error_id", "message"),
    [
        (
            {"rule": "FREQ=HOURLY"},
            "cadence-rule_error",
            "a cadence repeats at most daily (FREQ=DAILY, WEEKLY, MONTHLY, YEARLY)",
        ),
        (
            {"rule": "nonsense"},
            "cadence-rule_error",
            "&#x27;nonsense&#x27; has no FREQ; e.g. FREQ=WEEKLY;BYDAY=FR",
        ),
        (
            {"duration_minutes": "30", "grace_minutes": "45"},
            "cadence-grace_minutes_error",
            "the grace period must be between 0 and the session&#x27;s length",
        ),
        (
            {"effective_date": "2023-12-31", "effective_time": "10:00"},
            "cadence-effective_date_error",
            "a cadence change cannot start in the past",
        ),
        (
            {"effective_date": "2024-02-01"},
            "cadence-effective_time_error",
            "Give the time as well, or leave both empty.",
        ),
        (
            {"key": "Weekly Meeting"},
            "cadence-key_error",
            "Use lowercase letters, digits and hyphens, e.g. weekly.",
        ),
    ],
    ids=["hourly", "nonsense", "grace", "past", "no-time", "key"],
)
def test_a_bad_cadence_is_refused_on_its_field(office, as_user, change, error_id, message):
    data = {**CADENCE, **change}
    text = refused(as_user(office.south_head), cadence_url(office), data, error_id, message)
    form = text.split('id="cadence-form"', 1)[1].split("</form>", 1)[0]
    assert f'value="{data["title"]}"' in form  # the form keeps what was typed
    # The rest of the page is still there.
    assert "Sessions in January 2024" in text
    assert "Weekly meeting" in section(text, "cadences-heading")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        (cadence_url, CADENCE, "cadence-starts_on"),
        (cadence_url, {**CADENCE, "effective_time": "09:00"}, "cadence-effective_date"),
        (adhoc_url, ADHOC, "adhoc-date"),
        (end_url, END, "end-cadence-effective_date"),
    ],
    ids=["cadence-start", "cadence-effective", "adhoc", "end"],
)
def test_a_day_at_the_calendars_end_is_refused_on_its_field(office, as_user, day, url, data, field):
    # Its instants do not exist in every zone: this was a 500 from the time zone helpers.
    name = field.rsplit("-", 1)[1]
    message = f"{day} is out of range: use a day from 0001-01-02 to 9999-12-30"
    refused(as_user(office.south_head), url(office), {**data, name: day}, f"{field}_error", message)


@pytest.mark.parametrize(
    ("change", "error_id", "message"),
    [
        ({"date": "2023-12-29"}, "adhoc-date_error", "a new session must start in the future"),
        ({"date": "2024-01-01", "time": "08:59"}, "adhoc-date_error", "a new session must start"),
        (
            {"grace_minutes": "60", "duration_minutes": "45"},
            "adhoc-grace_minutes_error",
            "the grace period must be between 0 and the session&#x27;s length",
        ),
        ({"time": "25:00"}, "adhoc-time_error", "Enter a valid time."),
    ],
    ids=["past-day", "a-minute-ago", "grace", "bad-time"],
)
def test_a_bad_ad_hoc_session_is_refused_on_its_field(office, as_user, change, error_id, message):
    data = {**ADHOC, **change}
    text = refused(as_user(office.north_deputy), adhoc_url(office), data, error_id, message)
    assert 'value="Emergency consultation"' in text


def test_a_refusal_keeps_the_month_being_looked_at(office, as_user):
    client = as_user(office.south_head)
    page = get(client, office, "2024-02")
    assert f'action="{cadence_url(office)}?month=2024-02"' in page.text
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(f"{cadence_url(office)}?month=2024-02", {**CADENCE, "rule": "x"})
    assert response.status_code == 400
    assert "Sessions in February 2024" in response.text


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2024-13", "“2024-13” is not a month: write it as YYYY-MM, e.g. 2024-01."),
        ("nonsense", "“nonsense” is not a month"),
        ("2024-1", "“2024-1” is not a month"),
        ("<b>2024</b>", "“&lt;b&gt;2024&lt;/b&gt;” is not a month"),
        ("\uff12\uff10\uff12\uff14-\uff10\uff12", "is not a month"),  # full-width digits
        ("9999-12", "December 9999 is outside the months this page shows"),
        ("2023-12", "December 2023 is outside the months this page shows (January 2024 to"),
    ],
)
def test_a_bad_month_says_so_and_shows_this_month(office, as_user, month, message):
    before = Event.objects.count()
    response = get(as_user(office.observer), office, month)
    assert response.status_code == 400
    assert '<div class="errors" role="alert" id="month-error">' in response.text
    assert message in response.text
    assert "Showing January 2024." in response.text
    assert "Sessions in January 2024" in response.text
    assert session_keys(response.text) == [f"weekly-202401{d:02d}T1000" for d in (5, 12, 19, 26)]
    assert Event.objects.count() == before


def test_an_empty_month_is_this_month(office, as_user):
    response = get(as_user(office.observer), office, "")
    assert response.status_code == 200
    assert "Sessions in January 2024" in response.text


# Months


def test_month_navigation_shows_each_months_sessions(office, as_user):
    client = as_user(office.south_staff)
    january = get(client, office)
    assert "Sessions in January 2024" in january.text
    assert 'rel="prev"' not in january.text  # the office launched in January
    assert '<a rel="next" href="?month=2024-02">February 2024 →</a>' in january.text
    february = get(client, office, "2024-02")
    assert "Sessions in February 2024" in february.text
    assert session_keys(february.text) == [f"weekly-202402{d:02d}T1000" for d in (2, 9, 16, 23)]
    assert '<a rel="prev" href="?month=2024-01">← January 2024</a>' in february.text
    assert '<a rel="next" href="?month=2024-03">March 2024 →</a>' in february.text
    assert f'<a href="{schedule_url(office)}">This month (January 2024)</a>' in february.text
    march = get(client, office, "2024-03")
    assert session_keys(march.text) == [f"weekly-202403{d:02d}T1000" for d in (1, 8, 15, 22, 29)]


def test_the_month_is_the_viewers(office, as_user):
    """A session at 08:00 on 1 Feb in Seoul is on 31 Jan in UTC: it is in February for a
    member in Seoul and in January for one in UTC."""
    agreed_session(
        member=office.south_head,
        title="Early talks",
        start=dt.datetime(2024, 1, 31, 23, 0, tzinfo=dt.UTC),
        duration_minutes=30,
        grace_minutes=5,
        required_level="head",
        now=BEFORE,
    )
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
    early = "adhoc-20240201T0800"
    seoul = as_user(office.south_head)
    assert early in session_keys(get(seoul, office, "2024-02").text)
    assert early not in session_keys(get(seoul, office, "2024-01").text)
    london = as_user(analyst)
    january = get(london, office, "2024-01")
    assert early in session_keys(january.text)
    assert "Wed 31 Jan 2024, 23:00 UTC" in january.text
    assert early not in session_keys(get(london, office, "2024-02").text)


def test_the_sessions_show_attendance_and_status(office, as_user):
    key = "weekly-20240112T1000"
    calling_off.cancel_session(
        member=office.north_head, command=CancelSession(key=key, reason="Holiday"), now=BEFORE
    )
    attending.check_in(
        member=office.south_head, command=CheckInTo(key="weekly-20240105T1000"), now=START
    )
    attending.check_in(
        member=office.north_head,
        command=CheckInTo(key="weekly-20240105T1000"),
        now=START + dt.timedelta(minutes=5),
    )
    response = get(as_user(office.observer), office, at=dt.datetime(2024, 1, 20, tzinfo=dt.UTC))
    rows = {
        key: row
        for key, row in re.findall(
            r'sessions/([^/]+)/">.*?</th>(.*?)</tr>',
            section(response.text, "sessions-heading"),
            re.S,
        )
    }
    assert 'class="att att-present">present<' in rows["weekly-20240105T1000"]
    assert 'class="att att-late">late<' in rows["weekly-20240105T1000"]
    assert 'class="status status-held">held<' in rows["weekly-20240105T1000"]
    assert 'class="status status-cancelled">cancelled<' in rows[key]
    assert "Holiday" in rows[key]
    assert 'class="att att-no_show">no-show<' in rows["weekly-20240119T1000"]
    assert 'class="status status-not-held">not held<' in rows["weekly-20240119T1000"]
    assert 'class="status status-scheduled">scheduled<' in rows["weekly-20240126T1000"]


# Queries: bounded, whatever the office's age

# session, user, office, membership, sides, 4 outcomes, cadences, members, and the open and
# the recent proposals with their sides; what waits on the viewer (the navigation's count)
SCHEDULE_QUERIES = 14 + NEEDS_QUERIES["head"]


def test_the_query_count_does_not_grow_with_the_cadences_age(
    office, as_user, django_assert_max_num_queries
):
    client = as_user(office.south_head)
    with django_assert_max_num_queries(SCHEDULE_QUERIES) as young:
        response = get(client, office, at=START + dt.timedelta(days=30))
    assert response.status_code == 200
    assert "Sessions in February 2024" in response.text
    # A second version from mid-2025 (same times, so the occurrences keep their keys),
    # then two years of meetings.
    agreed_cadence(
        member=office.north_head,
        key="weekly",
        title="Weekly meeting of the co-heads",
        rule="FREQ=WEEKLY;BYDAY=FR",
        starts_on=dt.date(2024, 1, 5),
        start_time=dt.time(10, 0),
        duration_minutes=90,
        grace_minutes=20,
        required_level="head",
        effective=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        reason="Longer meetings",
        now=BEFORE,
    )
    _last_key, last_start = _two_years_of_meetings(office)
    with django_assert_max_num_queries(SCHEDULE_QUERIES) as old:
        response = get(client, office, at=last_start - dt.timedelta(days=7))
    assert response.status_code == 200
    assert "Sessions in December 2025" in response.text
    assert "Longer meetings" in response.text  # the history has both versions
    assert len(session_keys(response.text)) == 4
    assert len(old.captured_queries) == len(young.captured_queries)


# The rule in plain English


@pytest.mark.parametrize(
    ("rule", "starts_on", "at", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=FR", "2018-09-28", "10:00", "Every week on Friday at 10:00"),
        ("RRULE:FREQ=WEEKLY", "2018-09-28", "10:00", "Every week on Friday at 10:00"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH,MO",
            "2024-01-08",
            "09:30",
            "Every 2 weeks on Monday and Thursday at 09:30",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "2024-01-08",
            "09:00",
            "Every week on Monday, Wednesday and Friday at 09:00",
        ),
        ("FREQ=DAILY", "2024-01-08", "08:00", "Every day at 08:00"),
        ("FREQ=DAILY;INTERVAL=3", "2024-01-08", "08:00", "Every 3 days at 08:00"),
        (
            "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
            "2024-01-08",
            "08:00",
            "Every weekday, Monday to Friday at 08:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=1MO",
            "2024-01-01",
            "14:00",
            "Every month on the first Monday at 14:00",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR",
            "2024-01-26",
            "14:00",
            "Every month on the last Friday at 14:00",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "2024-01-15", "10:00", "Every month on the 15th at 10:00"),
        ("FREQ=MONTHLY;INTERVAL=3", "2024-01-22", "10:00", "Every 3 months on the 22nd at 10:00"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            "2024-01-31",
            "10:00",
            "Every month on the last day at 10:00",
        ),
        ("FREQ=YEARLY", "2018-09-14", "09:00", "Every year on 14 September at 09:00"),
        (
            "FREQ=WEEKLY;BYDAY=FR;COUNT=4",
            "2024-01-05",
            "10:00",
            "Every week on Friday at 10:00, 4 times",
        ),
        (
            "FREQ=WEEKLY;BYDAY=FR;UNTIL=20240301T000000Z",
            "2024-01-05",
            "10:00",
            "Every week on Friday at 10:00, until 29 Feb 2024",
        ),
        (
            "FREQ=WEEKLY;BYDAY=FR;UNTIL=20240301T020000Z",
            "2024-01-05",
            "10:00",
            "Every week on Friday at 10:00, until 1 Mar 2024",
        ),
        # Said as written: rules whose English this does not risk.
        ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=2", "2024-01-12", "10:00", None),
        ("FREQ=MONTHLY;BYMONTHDAY=31", "2024-01-31", "10:00", None),
        ("FREQ=YEARLY;BYMONTH=3,9", "2024-03-01", "10:00", None),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;WKST=SU", "2024-01-08", "10:00", None),
        ("FREQ=HOURLY", "2024-01-08", "10:00", None),
        ("nonsense", "2024-01-08", "10:00", None),
    ],
)
def test_rules_in_plain_english(rule, starts_on, at, text):
    day, time = dt.date.fromisoformat(starts_on), dt.time.fromisoformat(at)
    assert describe_rule(rule, day, time, SEOUL) == text


def test_a_rule_without_plain_english_is_shown_as_written(office, as_user):
    agreed_cadence(
        member=office.south_head,
        key="second-friday",
        title="Second Friday review",
        rule="FREQ=MONTHLY;BYDAY=FR;BYSETPOS=2",
        starts_on=dt.date(2024, 1, 12),
        start_time=dt.time(15, 0),
        duration_minutes=60,
        grace_minutes=15,
        required_level="staff",
        now=BEFORE,
    )
    response = get(as_user(office.observer), office)
    assert '<p class="rule-text"><code>FREQ=MONTHLY;BYDAY=FR;BYSETPOS=2</code></p>' in (
        response.text
    )
    assert "second-friday-20240112T1500" in session_keys(response.text)


def test_months_parse_and_shift():
    lowest, highest = Month(2018, 9), Month(2028, 11)
    assert parse_month("2018-10", Month(2018, 11), lowest, highest) == (Month(2018, 10), None)
    assert Month(2018, 12).shift(1) == Month(2019, 1)
    assert Month(2019, 1).shift(-1) == Month(2018, 12)
    assert Month(2018, 10).label == "October 2018"
    start, end = Month(2018, 10).bounds(SEOUL)
    assert start == dt.datetime(2018, 9, 30, 15, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2018, 10, 31, 14, 59, 59, 999999, tzinfo=dt.UTC)
