"""The timeline page: items by day, filters by kind and dates, permalinks, a clear
answer to bad filters, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.records import commitments, meeting_records
from liaison.records.commands import MakeCommitment, ParticipantIn, SaveRecord
from liaison.testing import FIRST_SESSION, FIRST_START, World, hold

from .conftest import NEEDS_QUERIES

URL = "/offices/testoffice/timeline/"
NOW = FIRST_START + dt.timedelta(days=15)  # Saturday 20 Jan 2024


@pytest.fixture
def history(office: World) -> World:
    """5 Jan held and written up; 12 Jan the North did not come."""
    hold(office)
    meeting_records.save_record(
        member=office.north_staff,
        command=SaveRecord(
            session=FIRST_SESSION,
            base_revision=0,
            place="Kaesong",
            started_at=FIRST_START,
            duration_minutes=60,
            participants=[ParticipantIn(member=office.north_head.username)],
            topics=[],
            outcomes=[],
        ),
        now=FIRST_START + dt.timedelta(hours=2),
    )
    attending.check_in(
        member=office.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=FIRST_START + dt.timedelta(days=7),
    )
    return office


def get(client, query: str = ""):
    with time_machine.travel(NOW, tick=False):
        return client.get(URL + query)


def test_the_page_lists_each_day_with_its_items_and_permalinks(history, as_user):
    response = get(as_user(history.observer))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Friday 5 January 2024" in html
    assert "Weekly meeting held" in html
    assert "Record of the meeting of 5 Jan 2024 written" in html
    assert "The North did not attend Weekly meeting" in html
    assert 'id="no_show-weekly-20240112T1000-north"' in html
    assert 'href="#no_show-weekly-20240112T1000-north"' in html
    assert html.index("Weekly meeting held") < html.index("did not attend")


def test_filters_by_kind_and_dates(history, as_user):
    client = as_user(history.south_staff)
    only = get(client, "?kind=no_show").content.decode()
    assert "did not attend" in only
    assert "Weekly meeting held" not in only
    late = get(client, "?start=2024-01-10").content.decode()
    assert "did not attend" in late
    assert "Weekly meeting held" not in late


def test_a_bad_filter_is_a_form_error(history, as_user):
    response = get(as_user(history.north_head), "?start=2024-01-10&end=2024-01-01")
    assert response.status_code == 400
    assert "The last day is before the first." in response.content.decode()
    response = get(as_user(history.north_head), "?kind=gossip")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_page_reads_in_a_fixed_number_of_queries(
    history, as_user, django_assert_max_num_queries
):
    client = as_user(history.south_head)
    get(client)
    for n in range(15):
        commitments.make_commitment(
            member=history.south_head,
            command=MakeCommitment(key=f"c{n}", text=f"Promise {n}", owners=["south"]),
            now=NOW - dt.timedelta(hours=1),
        )
    # session and user, membership, the timeline's seventeen reads; what waits on the viewer.
    with django_assert_max_num_queries(21 + NEEDS_QUERIES["head"]):
        response = get(client)
    assert response.content.decode().count("Commitment made") == 15
