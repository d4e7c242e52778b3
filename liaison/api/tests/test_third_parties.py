"""Third parties, their actors, positions and events, through the API."""

import contextlib
import datetime as dt

import pytest

from liaison.api.tests.conftest import PARTY, PROJECT, PROJECTS_AT, office_url, planned
from liaison.ledger.models import Event
from liaison.projects import blockers, drafts, third_parties
from liaison.projects.commands import (
    AddActor,
    OpenBlocker,
    ProposeDraft,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
    SaveDraft,
)
from liaison.projects.models import ExternalEvent

SUMMIT = {
    "key": "summit",
    "title": "Second summit",
    "on": "2024-02-27",
    "status": "expected",
    "source": "White House",
    "actor": "envoy",
}


@contextlib.contextmanager
def no_new_events():
    before = Event.objects.count()
    yield
    assert Event.objects.count() == before


def send(client, method, world, path, body=None):
    if method == "get":
        return client.get(office_url(world, path))
    return getattr(client, method)(office_url(world, path), body, content_type="application/json")


@pytest.fixture
def office(world):
    """The US with its envoy and position ``sanctions-review``, which blocks the rail
    study (``conftest.planned``)."""
    planned(world)
    return world


def test_a_third_party_is_recorded_with_actors_positions_and_events(world, api_as, frozen):
    with frozen(PROJECTS_AT):
        made = send(
            api_as("north_head"),
            "post",
            world,
            "/third-parties",
            {"key": "china", "name": "China", "description": "A neighbour with a say."},
        )
        send(
            api_as("north_deputy"),
            "post",
            world,
            "/third-parties/china/actors",
            {"key": "fm", "name": "Wang Yi", "title": "Foreign Minister"},
        )
        send(
            api_as("south_head"),
            "post",
            world,
            "/third-parties/china/positions",
            {
                "key": "dual-track",
                "stated_on": "2024-01-29",
                "summary": "Talks and sanctions relief together.",
                "source": "Xinhua",
                "actor": "fm",
            },
        )
        last = send(
            api_as("south_deputy"),
            "post",
            world,
            "/third-parties/china/events",
            {**SUMMIT, "actor": None, "source": "Xinhua"},
        )
        one = send(api_as("observer"), "get", world, "/third-parties/china")
        listing = send(api_as("north_staff"), "get", world, "/third-parties")
    assert made.status_code == last.status_code == 201
    assert made.json()["actors"] == made.json()["positions"] == made.json()["events"] == []
    assert one.json() == last.json() == listing.json()[0]
    assert one.json() == {
        "key": "china",
        "name": "China",
        "description": "A neighbour with a say.",
        "recorded_by": "testoffice-north-head",
        "actors": [{"key": "fm", "name": "Wang Yi", "title": "Foreign Minister"}],
        "positions": [
            {
                "key": "dual-track",
                "reference": "china/dual-track",
                "actor": "fm",
                "stated_on": "2024-01-29",
                "summary": "Talks and sanctions relief together.",
                "source": "Xinhua",
                "recorded_by": "testoffice-south-head",
                "side": "south",
                "recorded_at": "2024-01-31T03:00:00Z",
                "blocks": [],
            }
        ],
        "events": [
            {
                "key": "summit",
                "actor": None,
                "title": "Second summit",
                "on": "2024-02-27",
                "status": "expected",
                "source": "Xinhua",
                "recorded_by": "testoffice-south-deputy",
                "side": "south",
                "recorded_at": "2024-01-31T03:00:00Z",
            }
        ],
    }


def test_a_position_shows_the_blockers_that_cite_it(office, api_as, frozen):
    with frozen(PROJECTS_AT):
        body = send(api_as("observer"), "get", office, f"/third-parties/{PARTY}").json()
    assert body["positions"][0]["blocks"] == [f"{PROJECT}/sanctions"]


def test_the_same_event_key_is_a_new_account_of_the_event(office, api_as, frozen):
    path = f"/third-parties/{PARTY}/events"
    with frozen(PROJECTS_AT):
        expected = send(api_as("south_head"), "post", office, path, SUMMIT)
    with frozen(dt.datetime(2024, 2, 28, 3, 0, tzinfo=dt.UTC)):
        happened = send(
            api_as("north_head"),
            "post",
            office,
            path,
            {**SUMMIT, "status": "called_off", "source": "KCNA"},
        )
    assert expected.status_code == happened.status_code == 201
    (event,) = happened.json()["events"]
    assert (event["status"], event["source"], event["side"]) == ("called_off", "KCNA", "north")
    assert ExternalEvent.objects.count() == 1
    # Both accounts stay in the logs, one in each side's.
    accounts = Event.objects.filter(type="third_party.event_recorded").order_by("pk")
    assert [e.log.side for e in accounts] == ["south", "north"]


@pytest.mark.parametrize(
    ("path", "body", "field", "detail"),
    [
        (
            "/third-parties",
            {"key": PARTY, "name": "USA"},
            "key",
            "a third party 'us' exists already",
        ),
        ("/third-parties", {"key": "un", "name": " "}, "name", "the name is empty"),
        # third-parties/new/ is the pages' form to add one: refused on every path.
        (
            "/third-parties",
            {"key": "new", "name": "New"},
            "key",
            "the key “new” names a page of its own; choose another key",
        ),
        (
            f"/third-parties/{PARTY}/actors",
            {"key": "envoy", "name": "Another envoy"},
            "key",
            "United States has an actor 'envoy' already",
        ),
        (
            f"/third-parties/{PARTY}/positions",
            {"key": "later", "stated_on": "2024-02-01", "summary": "x", "source": "y"},
            "stated_on",
            "a position cannot be stated after today",
        ),
        (
            f"/third-parties/{PARTY}/positions",
            {
                "key": "p2",
                "stated_on": "2024-01-30",
                "summary": "x",
                "source": "y",
                "actor": "nobody",
            },
            "actor",
            "United States has no actor 'nobody'",
        ),
        (
            f"/third-parties/{PARTY}/positions",
            {"key": "sanctions-review", "stated_on": "2024-01-30", "summary": "x", "source": "y"},
            "key",
            "United States has a position 'sanctions-review' already",
        ),
        (
            f"/third-parties/{PARTY}/events",
            {**SUMMIT, "status": "happened"},
            "on",
            "an event that happened cannot be dated after today",
        ),
        (
            f"/third-parties/{PARTY}/events",
            {**SUMMIT, "source": ""},
            "source",
            "the source is empty",
        ),
    ],
)
def test_a_bad_third_party_record_is_400_naming_the_field(
    office, api_as, frozen, path, body, field, detail
):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(api_as("south_head"), "post", office, path, body)
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": detail, "field": field}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/third-parties/un", None),
        ("post", "/third-parties/un/actors", {"key": "sg", "name": "Guterres"}),
        (
            "post",
            "/third-parties/un/positions",
            {"key": "p", "stated_on": "2024-01-30", "summary": "x", "source": "y"},
        ),
        ("post", "/third-parties/un/events", SUMMIT),
    ],
)
def test_an_unknown_third_party_is_a_json_404_and_writes_nothing(
    office, api_as, frozen, method, path, body
):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(api_as("north_head"), method, office, path, body)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such third party.", "field": None}


def test_staff_and_observers_read_third_parties_but_do_not_record_them(office, api_as, frozen):
    with frozen(PROJECTS_AT), no_new_events():
        staff = send(
            api_as("north_staff"), "post", office, f"/third-parties/{PARTY}/events", SUMMIT
        )
        observer = send(
            api_as("observer"), "post", office, "/third-parties", {"key": "un", "name": "UN"}
        )
    assert staff.status_code == observer.status_code == 403


@pytest.mark.parametrize("count", [1, 8])
def test_the_third_parties_take_a_fixed_number_of_queries_however_many(
    world, api_as, frozen, django_assert_num_queries, count
):
    for number in range(count):
        key = f"party-{number}"
        third_parties.record_third_party(
            member=world.south_head, command=RecordThirdParty(key=key, name=key), now=PROJECTS_AT
        )
        third_parties.add_actor(
            member=world.south_head,
            command=AddActor(party=key, key="envoy", name="E"),
            now=PROJECTS_AT,
        )
        for position in ("a", "b"):
            third_parties.record_position(
                member=world.north_head,
                command=RecordPosition(
                    party=key,
                    key=position,
                    stated_on=dt.date(2024, 1, 30),
                    summary="s",
                    source="src",
                    actor="envoy",
                ),
                now=PROJECTS_AT,
            )
        third_parties.record_external_event(
            member=world.north_head,
            command=RecordExternalEvent(
                party=key,
                key="visit",
                title="Visit",
                on=dt.date(2024, 3, 1),
                status="expected",
                source="src",
                actor="envoy",
            ),
            now=PROJECTS_AT,
        )
        drafts.save_project_draft(
            member=world.south_staff,
            command=SaveDraft(
                key=f"project-{number}", base_revision=0, kind="works", title="t", leads=["south"]
            ),
            now=PROJECTS_AT,
        )
        drafts.propose_project(
            member=world.south_head, command=ProposeDraft(key=f"project-{number}"), now=PROJECTS_AT
        )
        blockers.open_blocker(
            member=world.south_head,
            command=OpenBlocker(
                project=f"project-{number}",
                key="b",
                kind="third_party",
                description="d",
                opened_on=dt.date(2024, 1, 30),
                position=f"{key}/a",
            ),
            now=PROJECTS_AT,
        )
    client = api_as("observer")
    # Session and user (2), office and membership (2), the sides (1), the third parties,
    # their actors, positions with their actors, the blockers citing them with their
    # projects, and events with their actors (8).
    with frozen(PROJECTS_AT), django_assert_num_queries(13):
        response = client.get(office_url(world, "/third-parties"))
    body = response.json()
    assert len(body) == count
    assert all(p["positions"][0]["blocks"] == [f"project-{i}/b"] for i, p in enumerate(body))
    assert all(p["events"][0]["actor"] == "envoy" for p in body)
