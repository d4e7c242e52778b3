"""Input at the edges of what a form accepts answers a form error or a 404, never a 500:
a note on a key that is no record's, a draft key with ``%`` in it, dates in year 1 or
9999 on the timeline, a project planned for December 9999 (refused; and a plan stored
before the refusal still draws its chart)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from liaison.channel.models import PrivateNote
from liaison.projects import drafts, shared
from liaison.projects.commands import ProposeDraft, SaveDraft
from liaison.projects.models import Project, ProjectDraft
from liaison.testing import T0, World

pytestmark = pytest.mark.django_db

NOW = T0 + dt.timedelta(days=30)
OFFICE = "/offices/testoffice"


def member_client(world: World, who: str = "south_staff") -> Client:
    client = Client()
    client.force_login(world.members[who].user if who in world.members else getattr(world, who))
    return client


def at_now(call, *args, **kwargs):
    with time_machine.travel(NOW, tick=False):
        return call(*args, **kwargs)


# Notes


@pytest.mark.parametrize("key", ["not a slug!", "north/1", "%", "a" * 100])
@pytest.mark.parametrize("kind", ["session", "record", "minutes", "message", "project"])
def test_a_note_on_a_key_no_record_has_is_a_form_error(world, kind: str, key: str):
    client = member_client(world, "south_staff")
    response = at_now(
        client.post,
        f"{OFFICE}/notes/add/",
        {"target_kind": kind, "target_key": key, "body": "On nothing."},
    )
    assert response.status_code == 400
    assert f"there is no {kind}" in response.text
    assert "On nothing." in response.text  # kept for another try
    assert not PrivateNote.objects.exists()


# Project drafts


@pytest.mark.parametrize("key", ["a%b", "%s", "%(x)s", "100%"])
def test_a_draft_key_with_a_percent_sign_is_a_form_error(world, key: str):
    client = member_client(world, "south_head")
    for base_revision in (0, 1):
        response = at_now(
            client.post,
            f"{OFFICE}/projects/drafts/",
            {
                "base_revision": base_revision,
                "key": key,
                "kind": "study",
                "title": "A study",
                "leads": ["south"],
            },
        )
        assert response.status_code == 400, base_revision
        assert "must be lowercase letters, digits and hyphens" in response.text
    assert not ProjectDraft.objects.exists()


# Plans


@pytest.mark.parametrize(
    ("start", "end"),
    [("9999-12-01", "9999-12-31"), ("0001-01-01", "2024-03-31"), ("2024-03-01", "2200-01-01")],
)
def test_a_plan_in_an_absurd_year_is_refused_at_entry(world, start: str, end: str):
    client = member_client(world, "south_head")
    response = at_now(
        client.post,
        f"{OFFICE}/projects/drafts/",
        {
            "base_revision": 0,
            "key": "forever",
            "kind": "study",
            "title": "A study",
            "leads": ["south"],
            "start": start,
            "end": end,
        },
    )
    assert response.status_code == 400
    assert "a plan lies between 1900 and 2199" in response.text
    assert not ProjectDraft.objects.exists()


def test_a_stored_plan_ending_in_december_9999_still_draws_the_chart(world, monkeypatch):
    # Stored before plans were held to a range of years: the chart still draws.
    monkeypatch.setattr(shared, "PLAN_YEARS", range(1, 10_000))
    head = world.south_head
    drafts.save_project_draft(
        member=head,
        command=SaveDraft(
            key="forever",
            base_revision=0,
            kind="study",
            title="A study that never ends",
            leads=["south"],
            start=dt.date(2024, 3, 1),
            end=dt.date(9999, 12, 31),
        ),
        now=NOW,
    )
    drafts.propose_project(member=head, command=ProposeDraft(key="forever"), now=NOW)
    assert Project.objects.get().current_end == dt.date(9999, 12, 31)
    for who in ("south_head", "north_staff", "observer"):
        chart = at_now(member_client(world, who).get, f"{OFFICE}/projects/chart/")
        assert chart.status_code == 200, who
        assert "A study that never ends" in chart.text
        assert "31 Dec 9999" in chart.text  # the table keeps the real day
        assert chart.text.count("<line") < 400  # the axis is bounded, not 96,000 months
    board = at_now(member_client(world).get, f"{OFFICE}/projects/")
    assert board.status_code == 200
    page = at_now(member_client(world).get, f"{OFFICE}/projects/forever/")
    assert page.status_code == 200


# The timeline


@pytest.mark.parametrize(
    "query",
    [
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
        {"start": "0001-01-01", "end": "9999-12-31"},
    ],
)
def test_timeline_dates_at_the_ends_of_the_calendar_are_a_form_error(world, query):
    response = at_now(member_client(world, "observer").get, f"{OFFICE}/timeline/", query)
    assert response.status_code == 400
    assert "is out of range: use a day from 0001-01-02 to 9999-12-30" in response.text


def test_timeline_dates_just_inside_the_calendar_are_answered(world):
    query = {"start": "0001-01-02", "end": "9999-12-30"}
    response = at_now(member_client(world, "observer").get, f"{OFFICE}/timeline/", query)
    assert response.status_code == 200
