"""Frameworks and commitments through the API."""

import contextlib
import datetime as dt

import pytest

from liaison.api.tests.conftest import AFTER_FIRST, FIRST, office_url, recorded
from liaison.ledger.models import Event
from liaison.records import commitments
from liaison.records.commands import ChangeCommitmentStatus, MakeCommitment
from liaison.records.models import Framework

DECLARATION = {
    "key": "declaration",
    "title": "Joint declaration",
    "adopted_on": "2018-04-27",
    "summary": "Peace, prosperity and unification.",
    "clauses": [
        {"number": "1", "text": "Reconnect the blood relations of the people."},
        {"number": "1.6", "text": "Connect and modernise the railways and roads."},
    ],
}


@contextlib.contextmanager
def no_new_events():
    before = Event.objects.count()
    yield
    assert Event.objects.count() == before


def send(client, method, world, path, body=None):
    return getattr(client, method)(office_url(world, path), body, content_type="application/json")


@pytest.fixture
def office(world):
    """The first session held and recorded, a framework ``declaration`` and a
    commitment ``rail-study`` (see ``conftest.recorded``)."""
    recorded(world)
    return world


# Frameworks


def test_a_framework_is_recorded_and_read_with_its_clauses(world, api_as, frozen):
    with frozen(AFTER_FIRST):
        made = send(api_as("north_head"), "post", world, "/frameworks", DECLARATION)
        one = api_as("observer").get(office_url(world, "/frameworks/declaration"))
        listing = api_as("south_staff").get(office_url(world, "/frameworks"))
    assert made.status_code == 201
    assert one.json() == made.json() == listing.json()[0]
    assert made.json() == {
        "key": "declaration",
        "revision": 1,
        "title": "Joint declaration",
        "adopted_on": "2018-04-27",
        "summary": "Peace, prosperity and unification.",
        "clauses": [
            {
                "number": "1",
                "text": "Reconnect the blood relations of the people.",
                "reference": "declaration/1",
            },
            {
                "number": "1.6",
                "text": "Connect and modernise the railways and roads.",
                "reference": "declaration/1.6",
            },
        ],
        "recorded_by": "testoffice-north-head",
        "side": "north",
        "updated_at": "2024-01-05T03:00:00Z",
    }


def test_recording_a_framework_key_twice_is_400(office, api_as, frozen):
    with frozen(AFTER_FIRST), no_new_events():
        response = send(api_as("north_head"), "post", office, "/frameworks", DECLARATION)
    assert response.status_code == 400
    assert response.json() == {"detail": "a framework 'declaration' exists already", "field": "key"}


def test_a_framework_cannot_take_the_key_of_the_pages_record_address(world, api_as, frozen):
    # The pages' frameworks/record/ is the address that records one: the action's rule,
    # so the API refuses the key as the form does.
    with frozen(AFTER_FIRST), no_new_events():
        response = send(
            api_as("north_head"), "post", world, "/frameworks", {**DECLARATION, "key": "record"}
        )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "“record” names a page of its own; choose another key",
        "field": "key",
    }


def test_revising_a_framework_from_a_stale_revision_is_409(office, api_as, frozen):
    revision = {**DECLARATION, "base_revision": 1}
    del revision["key"]
    with frozen(AFTER_FIRST):
        first = send(api_as("south_head"), "put", office, "/frameworks/declaration", revision)
        with no_new_events():
            stale = send(api_as("north_head"), "put", office, "/frameworks/declaration", revision)
    assert first.status_code == 200 and first.json()["revision"] == 2
    assert stale.status_code == 409
    assert (stale.json()["field"], stale.json()["current"]) == ("base_revision", 2)
    assert "you started from revision 1" in stale.json()["detail"]


def test_a_clause_a_commitment_cites_cannot_be_dropped(office, api_as, frozen):
    commitments.make_commitment(
        member=office.south_head,
        command=MakeCommitment(
            key="rail-link",
            text="Link the railways",
            owners=["south"],
            source_clause="declaration/2",
        ),
        now=AFTER_FIRST,
    )
    revision = {**DECLARATION, "base_revision": 1}
    del revision["key"]
    with frozen(AFTER_FIRST), no_new_events():
        response = send(api_as("south_head"), "put", office, "/frameworks/declaration", revision)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "clause 2 is the source of commitment 'rail-link'; keep it",
        "field": "clauses",
    }


def test_an_unknown_framework_is_404_to_read_and_to_revise(office, api_as, frozen):
    revision = {**DECLARATION, "base_revision": 1}
    with frozen(AFTER_FIRST), no_new_events():
        read = api_as("south_head").get(office_url(office, "/frameworks/charter"))
        revise = send(api_as("south_head"), "put", office, "/frameworks/charter", revision)
    assert read.status_code == revise.status_code == 404
    assert revise.json() == {"detail": "No such framework.", "field": None}
    assert not Framework.objects.filter(key="charter").exists()


# Commitments


def test_a_commitment_shows_its_source_history_and_each_sides_view(office, api_as, frozen):
    with frozen(AFTER_FIRST):
        send(
            api_as("south_deputy"),
            "post",
            office,
            "/commitments/rail-study/status",
            {"status": "done", "reason": ""},
        )
    with frozen(AFTER_FIRST + dt.timedelta(days=1)):
        disputed = send(
            api_as("north_head"),
            "post",
            office,
            "/commitments/rail-study/status",
            {"status": "disputed", "reason": "the survey never started"},
        )
        read = api_as("observer").get(office_url(office, "/commitments/rail-study"))
    assert disputed.status_code == 200
    body = read.json()
    assert body == disputed.json()
    assert body["source"] == {"outcome": f"{FIRST}/o1", "clause": None}
    assert (body["status"], body["owners"], body["due_on"]) == (
        "disputed",
        ["south", "north"],
        "2024-06-30",
    )
    assert [(h["number"], h["status"], h["side"]) for h in body["history"]] == [
        (1, "open", "north"),
        (2, "done", "south"),
        (3, "disputed", "north"),
    ]
    # Both views stay visible: the South says done, the North disputes it.
    assert {side: view["status"] for side, view in body["views"].items()} == {
        "south": "done",
        "north": "disputed",
    }
    assert body["views"]["north"] == {
        "number": 3,
        "status": "disputed",
        "reason": "the survey never started",
        "side": "north",
        "changed_by": "testoffice-north-head",
        "at": "2024-01-06T03:00:00Z",
    }


def test_disputing_without_a_reason_is_400(office, api_as, frozen):
    with frozen(AFTER_FIRST), no_new_events():
        response = send(
            api_as("south_head"),
            "post",
            office,
            "/commitments/rail-study/status",
            {"status": "disputed"},
        )
    assert response.status_code == 400
    assert response.json() == {"detail": "say why your side disputes it", "field": "reason"}


def test_a_commitment_from_a_clause_is_made_and_is_overdue_after_its_day(office, api_as, frozen):
    body = {
        "key": "groundbreaking",
        "text": "Hold the groundbreaking ceremony",
        "owners": ["north", "south"],
        "source": {"clause": "declaration/2"},
        "due_on": "2024-01-31",
    }
    with frozen(AFTER_FIRST):
        made = send(api_as("south_head"), "post", office, "/commitments", body)
    # 31 January ends at 15:00 UTC in Seoul: overdue only from 1 February, office time.
    with frozen(dt.datetime(2024, 1, 31, 14, 59, tzinfo=dt.UTC)):
        due = api_as("observer").get(office_url(office, "/commitments/groundbreaking"))
    with frozen(dt.datetime(2024, 1, 31, 15, 0, tzinfo=dt.UTC)):
        late = api_as("observer").get(office_url(office, "/commitments/groundbreaking"))
    assert made.status_code == 201
    assert made.json()["owners"] == ["south", "north"]  # in the office's order of sides
    assert made.json()["source"] == {"outcome": None, "clause": "declaration/2"}
    assert (due.json()["overdue"], late.json()["overdue"]) == (False, True)


@pytest.mark.parametrize(
    ("change", "field", "detail"),
    [
        ({"key": "rail-study"}, "key", "a commitment 'rail-study' exists already"),
        ({"owners": ["east"]}, "owners", "'east' is not a side of this office (south, north)"),
        (
            {"source": {"outcome": f"{FIRST}/o9"}},
            "source",
            f"there is no outcome '{FIRST}/o9'; name it as <session>/<outcome key>",
        ),
        (
            {"source": {"outcome": f"{FIRST}/o1", "clause": "declaration/1"}},
            "source",
            "a commitment comes from one outcome or one clause, not both",
        ),
    ],
)
def test_a_bad_commitment_is_400_naming_the_field(office, api_as, frozen, change, field, detail):
    body = {"key": "visit", "text": "A business visit", "owners": ["south"], **change}
    with frozen(AFTER_FIRST), no_new_events():
        response = send(api_as("north_head"), "post", office, "/commitments", body)
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "field": field}


def test_an_unknown_commitment_is_404_to_read_and_to_change(office, api_as, frozen):
    with frozen(AFTER_FIRST), no_new_events():
        read = api_as("south_head").get(office_url(office, "/commitments/visit"))
        change = send(
            api_as("south_head"), "post", office, "/commitments/visit/status", {"status": "done"}
        )
    assert read.status_code == change.status_code == 404
    assert change.json() == {"detail": "No such commitment.", "field": None}


@pytest.mark.parametrize("count", [1, 12])
def test_the_commitments_take_a_fixed_number_of_queries_however_many(
    office, api_as, frozen, django_assert_num_queries, count
):
    for number in range(2, count + 1):
        commitments.make_commitment(
            member=office.north_head,
            command=MakeCommitment(
                key=f"promise-{number}",
                text="Something promised",
                owners=["north"],
                source_clause="declaration/1" if number % 2 else "",
                source_outcome="" if number % 2 else f"{FIRST}/o1",
            ),
            now=AFTER_FIRST,
        )
        commitments.change_commitment_status(
            member=office.south_head,
            command=ChangeCommitmentStatus(key=f"promise-{number}", status="in_progress"),
            now=AFTER_FIRST,
        )
    client = api_as("observer")
    # Session and user (2), office and membership (2), the commitments with their
    # sources and sides, and their status histories (2).
    with frozen(AFTER_FIRST), django_assert_num_queries(6):
        response = client.get(office_url(office, "/commitments"))
    body = response.json()
    assert len(body) == count
    assert all(c["source"]["outcome"] or c["source"]["clause"] for c in body)
