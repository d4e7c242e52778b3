"""The meeting record page: what it shows, writing and revising it through the form,
conflicts between two writers, and bad input answered on the form with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.ledger.models import Event
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.records.models import MeetingRecord
from liaison.testing import World, hold

from .record_helpers import (
    SECOND,
    SECOND_START,
    get,
    post,
    record_data,
    save_record,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(office: World) -> World:
    hold(office)
    return office


def test_a_staff_member_writes_the_record_and_everyone_reads_it(held, as_user):
    before = Event.objects.count()
    response = post(as_user(held.south_staff), url(held, "session-record-save"), record_data(held))
    assert response.redirect_chain[-1][0] == url(held, "session-record")
    assert "Meeting record saved: revision 1." in response.text
    assert Event.objects.count() == before + 1

    page = get(as_user(held.observer), url(held, "session-record")).text
    assert "Office building, Kaesong" in page
    # The actual start in the viewer's zone: the observer on neither side keeps Seoul's.
    assert "Fri 5 Jan 2024, 10:05 KST" in page
    assert "1 h 10 min" in page
    assert '<th scope="row">South Head</th><td>The South</td>' in page
    assert (
        '<th scope="row">Kim Ok</th><td><span class="muted">neither side</span></td>'
        "<td>Red Cross liaison</td>" in page
    )
    assert "<li>Rail study</li><li>Next meetings</li>" in page
    assert 'id="outcome-o1"' in page and "Reaffirmation" in page
    assert 'id="outcome-o2"' in page and "Next step" in page
    assert "South Staff" in page  # the revision history names who saved
    assert 'id="record-form"' not in page  # observers read


def test_the_north_sees_the_start_in_its_own_zone(held, as_user):
    post(as_user(held.south_staff), url(held, "session-record-save"), record_data(held))
    page = get(as_user(held.north_staff), url(held, "session-record")).text
    assert "Fri 5 Jan 2024, 10:05 KST" in page  # Pyongyang keeps Seoul's offset in 2024


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_start_on_a_day_at_the_calendars_end_is_refused_on_its_field(held, as_user, day):
    # Its instants do not exist in every zone: this was a 500 from the time zone helpers.
    before = Event.objects.count()
    data = record_data(held, started_date=day)
    response = post(as_user(held.south_staff), url(held, "session-record-save"), data)
    assert response.status_code == 400
    assert (
        f'id="record-started_date_error">{day} is out of range: use a day from 0001-01-02 '
        "to 9999-12-30" in response.text
    )
    assert Event.objects.count() == before
    assert not MeetingRecord.objects.exists()


def test_a_revision_keeps_outcome_keys_and_adds_new_ones(held, as_user):
    save_record(held)
    form = get(as_user(held.north_deputy), url(held, "session-record")).text
    assert 'name="outcome-0-key" value="o1"' in form
    assert 'name="base_revision" value="1"' in form
    data = record_data(
        held,
        base_revision=1,
        **{
            "outcome-TOTAL_FORMS": 2,
            "outcome-0-key": "",
            "outcome-0-kind": "disagreement",
            "outcome-0-text": "The sides differ on the pace of the rail study.",
            "outcome-1-key": "o1",
            "outcome-1-kind": "next_step",
            "outcome-1-text": "Prepare a business visit in March.",
        },
    )
    post(as_user(held.north_deputy), url(held, "session-record-save"), data)
    record = MeetingRecord.objects.get()
    assert [(o.key, o.kind) for o in record.outcomes.all()] == [
        ("o2", "disagreement"),
        ("o1", "next_step"),
    ]
    page = get(as_user(held.south_head), url(held, "session-record")).text
    assert "North Deputy" in page and "for The North" in page  # the history's second entry


def test_two_saves_from_the_same_revision_show_the_diff_and_keep_the_typing(held, as_user):
    save_record(held)
    post(
        as_user(held.south_head),
        url(held, "session-record-save"),
        record_data(held, base_revision=1, place="Panmunjom"),
    )
    before = Event.objects.count()
    response = post(
        as_user(held.north_staff),
        url(held, "session-record-save"),
        record_data(held, base_revision=1, place="Peace House"),
    )
    assert response.status_code == 400
    assert "changed while you were editing" in response.text
    assert '<pre class="diff">' in response.text
    assert "-place: Panmunjom" in response.text
    assert "+place: Peace House" in response.text
    assert 'value="Peace House"' in response.text  # what they typed is kept
    assert 'name="base_revision" value="2"' in response.text  # saving again starts from 2
    assert Event.objects.count() == before
    assert MeetingRecord.objects.get().place == "Panmunjom"


def test_a_participant_from_neither_side_needs_a_name(held, as_user):
    before = Event.objects.count()
    response = post(
        as_user(held.south_staff),
        url(held, "session-record-save"),
        record_data(held, others="— Red Cross liaison"),
    )
    assert response.status_code == 400
    assert "a participant from neither side needs a name" in response.text
    assert Event.objects.count() == before


def test_a_record_without_participants_is_refused_on_the_form(held, as_user):
    before = Event.objects.count()
    response = post(
        as_user(held.south_staff),
        url(held, "session-record-save"),
        record_data(held, members=[], others=""),
    )
    assert response.status_code == 400
    assert "names at least one participant" in response.text
    assert Event.objects.count() == before


def test_a_record_for_a_session_not_held_is_refused_and_writes_nothing(held, as_user):
    attending.check_in(member=held.south_head, command=CheckInTo(key=SECOND), now=SECOND_START)
    later = SECOND_START + dt.timedelta(hours=2)
    page = get(as_user(held.south_staff), url(held, "session-record", SECOND), later).text
    assert "Only a held session has a record" in page
    assert 'id="record-form"' not in page
    before = Event.objects.count()
    response = post(
        as_user(held.south_staff),
        url(held, "session-record-save", SECOND),
        record_data(held, started_date="2024-01-12"),
        later,
    )
    assert response.status_code == 400
    assert "was not held" in response.text
    assert Event.objects.count() == before


def test_the_session_page_links_the_record_and_says_its_state(held, as_user):
    page = get(as_user(held.observer), url(held, "session-detail")).text
    assert url(held, "session-record") in page
    assert "not written yet" in page
    save_record(held)
    page = get(as_user(held.observer), url(held, "session-detail")).text
    assert "written (revision 1)" in page
    assert url(held, "session-readouts") in page and "none published" in page
    assert url(held, "session-minutes") in page


def test_unknown_session_is_a_404(held, as_user):
    response = get(as_user(held.south_head), url(held, "session-record", "weekly-20240105T1100"))
    assert response.status_code == 404
