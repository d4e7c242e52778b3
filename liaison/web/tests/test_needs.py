"""The dashboard's "Needs you" panel and the navigation's count of what waits on the
viewer, on every office page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.attention.tests.helpers import (
    commitment,
    minutes_proposed,
    notice,
    proposal,
    refused,
)
from liaison.channel import notes
from liaison.channel.commands import AddNote
from liaison.channel.models import Receipt
from liaison.records import minutes, readouts
from liaison.records.commands import SaveReadoutDraft, SignMinutes
from liaison.testing import FIRST_SESSION, FIRST_START, World
from liaison.web import context_processors

pytestmark = pytest.mark.django_db

AFTER = FIRST_START + dt.timedelta(days=3)  # Monday 8 Jan 2024, 10:00 in Seoul
SECRET = "zz-south-private-marker"


def _dashboard(office: World) -> str:
    return reverse("office-dashboard", args=[office.office.slug])


def _nav_count(page: str) -> int:
    """The count the navigation shows (0 when it shows none)."""
    found = re.search(r'<span class="needs-count" id="needs-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


def _panel(page: str) -> list[str]:
    """The items of the panel: their links' texts."""
    panel = page.split('id="needs-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li class="need need-[a-z]+[^"]*">\s*<a href="[^"]+">([^<]+)</a>', panel)


def test_a_head_sees_the_minutes_awaiting_his_signature_and_the_count_until_he_signs(
    office, as_user
):
    minutes_proposed(office, 0)
    client = as_user(office.south_head)
    with time_machine.travel(AFTER, tick=False):
        page = client.get(_dashboard(office)).content.decode()
    assert "Needs you <span" in page and "(1)" in page
    assert _panel(page) == ["Version 1 of the minutes of the meeting of 5 Jan 2024"]
    assert f'href="/offices/testoffice/sessions/{FIRST_SESSION}/minutes/"' in page
    assert "Minutes to sign" in page
    assert "since Fri 5 Jan 2024, 11:00 KST" in page  # proposed then, in his zone (Seoul)
    assert _nav_count(page) == 1

    minutes.sign_minutes(
        member=office.south_head, command=SignMinutes(session=FIRST_SESSION, version=1), now=AFTER
    )
    with time_machine.travel(AFTER, tick=False):
        page = client.get(_dashboard(office)).content.decode()
    assert _panel(page) == []
    assert "Nothing waits on you." in page
    assert _nav_count(page) == 0


def test_the_other_sides_head_sees_his_own_items_and_none_of_this_sides_private_ones(
    office, as_user
):
    minutes_proposed(office, 0)
    sent = notice(office, "south_head", "Talks on Friday", FIRST_START)
    commitment(office, "south-only", AFTER.date(), ["south"], FIRST_START)
    # The South's private content, about the very things waiting on the North.
    notes.add_note(
        member=office.south_staff,
        command=AddNote(target_kind="message", target_key=sent.key, body=SECRET),
        now=AFTER,
    )
    readouts.save_readout_draft(
        member=office.south_staff,
        command=SaveReadoutDraft(
            session=FIRST_SESSION, base_revision=0, title="Readout", source="Ministry", body=SECRET
        ),
        now=AFTER,
    )
    with time_machine.travel(AFTER, tick=False):
        north = as_user(office.north_head).get(_dashboard(office)).content.decode()
        south = as_user(office.south_head).get(_dashboard(office)).content.decode()
    assert _panel(north) == [
        "Version 1 of the minutes of the meeting of 5 Jan 2024",
        "Notice from The South: Talks on Friday",
    ]
    assert SECRET not in north
    assert "south-only" not in north
    assert _panel(south) == [
        "Version 1 of the minutes of the meeting of 5 Jan 2024",
        "Commitment south-only: Do south-only",
    ]
    assert _nav_count(north) == 2 and _nav_count(south) == 2


def test_the_count_in_the_navigation_is_the_panels_on_every_office_page(office, as_user):
    minutes_proposed(office, 0)
    sent = notice(office, "north_head", "Rail survey", FIRST_START)
    commitment(office, "rails", AFTER.date() - dt.timedelta(days=2), ["south"], FIRST_START)
    notice(office, "north_head", "Signed", FIRST_START)
    refused(office, "south", FIRST_START)
    proposal(office, "north_deputy", AFTER - dt.timedelta(days=1))
    slug = office.office.slug
    client = as_user(office.south_deputy)
    with time_machine.travel(AFTER, tick=False):
        page = client.get(_dashboard(office)).content.decode()
        others = [
            client.get(reverse(name, args=[slug])).content.decode()
            for name in ("office-commitments", "office-messages", "office-checkpoints")
        ]
        others.append(client.get(reverse("office-message", args=[slug, sent.key])).text)
    # The proposal, two notices, the overdue commitment, the refusal (a deputy signs no
    # minutes).
    assert len(_panel(page)) == _nav_count(page) == 5
    assert "Proposals to accept or decline" in page
    assert "answer by Wed 10 Jan 2024, 10:00 KST" in page
    assert "overdue: due Sat 6 Jan 2024" in page
    assert [_nav_count(other) for other in others] == [5, 5, 5, 5]


def test_staff_and_observers_are_told_nothing_waits_on_them(office, as_user):
    minutes_proposed(office, 0)
    notice(office, "north_head", "Rail survey", FIRST_START)
    for member in (office.south_staff, office.north_staff, office.observer):
        with time_machine.travel(AFTER, tick=False):
            page = as_user(member).get(_dashboard(office)).content.decode()
        assert "Nothing waits on you." in page, member
        assert _nav_count(page) == 0, member


def test_the_panel_delivers_the_messages_it_lists(office, as_user):
    sent = notice(office, "south_head", "Talks on Friday", FIRST_START)
    with time_machine.travel(AFTER, tick=False):
        as_user(office.south_head).get(_dashboard(office))
        assert not Receipt.objects.filter(message=sent).exists()  # the sender's: none
        as_user(office.north_deputy).get(_dashboard(office))
    assert list(Receipt.objects.filter(message=sent).values_list("kind", flat=True)) == [
        "delivered"
    ]


def test_what_waits_is_read_once_per_request(office, as_user, monkeypatch):
    calls: list[str] = []
    real = context_processors.needs_for

    def counted(member, now):  # type: ignore[no-untyped-def]
        calls.append(member.username)
        return real(member, now)

    monkeypatch.setattr(context_processors, "needs_for", counted)
    minutes_proposed(office, 0)
    client = as_user(office.south_head)
    with time_machine.travel(AFTER, tick=False):
        client.get(_dashboard(office))
        assert len(calls) == 1
        client.get(reverse("office-commitments", args=[office.office.slug]))
        assert len(calls) == 2
        client.get(reverse("office-list"))  # no office: nothing is read
    assert calls == [office.south_head.username] * 2


def _grow(office: World, weeks: range, at: dt.datetime) -> None:
    """For each week: minutes to sign, a notice, a commitment due; and one refusal."""
    for week in weeks:
        minutes_proposed(office, week)
        notice(office, "north_head", f"Notice {week}", FIRST_START + dt.timedelta(weeks=week))
        commitment(office, f"c{week}", at.date(), ["south"], FIRST_START)
    refused(office, "south", at - dt.timedelta(days=1))


def _queries(office: World, as_user, name: str, at: dt.datetime) -> int:
    client = as_user(office.south_head)
    url = reverse(name, args=[office.office.slug])
    with time_machine.travel(at, tick=False):
        client.get(url)  # delivers what it lists, the first time
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["office-dashboard", "office-frameworks"])
def test_the_panel_and_the_count_do_not_grow_with_what_waits(office, as_user, name):
    at = FIRST_START + dt.timedelta(weeks=20, days=1)
    _grow(office, range(1), at)
    small = _queries(office, as_user, name, at)
    _grow(office, range(1, 20), at)
    with time_machine.travel(at, tick=False):
        page = as_user(office.south_head).get(_dashboard(office)).content.decode()
    assert _nav_count(page) == len(_panel(page)) == 20 * 3 + 2
    assert _queries(office, as_user, name, at) == small
