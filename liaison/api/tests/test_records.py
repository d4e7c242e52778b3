"""Meeting records, readouts and each side's private draft, through the API."""

import contextlib
import datetime as dt

import pytest

from liaison.api.tests.conftest import AFTER_FIRST, FIRST, FIRST_START, office_url
from liaison.ledger.models import Event
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.records import readouts
from liaison.records.commands import SaveReadoutDraft
from liaison.records.models import MeetingRecord, Readout, ReadoutDraft
from liaison.testing import hold, weekly

RECORD = {
    "base_revision": 0,
    "place": "Joint liaison office, Kaesong",
    "started_at": "2024-01-05T10:05:00+09:00",
    "duration_minutes": 50,
    "participants": [
        {"member": "testoffice-south-head"},
        {"member": "testoffice-north-head", "affiliation": "Head of the North's office"},
        {"name": "Kim", "affiliation": "Ministry of Unification"},
    ],
    "topics": ["Rail-link study", "  ", "Next meetings"],
    "outcomes": [
        {"kind": "reaffirmation", "text": "Both implement the declaration."},
        {"kind": "next_step", "text": "Prepare the rail-link study."},
    ],
}
SOUTH_READOUT = (
    "The two sides reaffirmed the declaration. "
    "They agreed to study the rail link. "
    "The South raised the families reunion."
)
NORTH_READOUT = "The sides reaffirmed the declaration. The North urged an end to the drills."


@pytest.fixture
def held(world):
    weekly(world)
    hold(world)
    return world


@contextlib.contextmanager
def no_new_events():
    before = Event.objects.count()
    yield
    assert Event.objects.count() == before


def call(client, method, world, path, body=None):
    if method == "get":
        return client.get(office_url(world, path))
    return getattr(client, method)(office_url(world, path), body, content_type="application/json")


def put_record(client, world, body, session=FIRST):
    return call(client, "put", world, f"/sessions/{session}/record", body)


def draft(client, world, body, base_revision=0):
    payload = {"base_revision": base_revision, "title": "Readout", "source": "Ministry", **body}
    return call(client, "put", world, f"/sessions/{FIRST}/readouts/draft", payload)


# Meeting records


def test_a_record_is_read_back_with_who_saved_each_revision(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        first = put_record(api_as("south_staff"), held, RECORD)
    revised = {
        **RECORD,
        "base_revision": 1,
        "place": "Panmunjom",
        "outcomes": [
            {"key": "o2", "kind": "next_step", "text": "Prepare the rail-link study."},
            {"kind": "agreement", "text": "Consult closely."},
        ],
    }
    with frozen(AFTER_FIRST + dt.timedelta(hours=1)):
        second = put_record(api_as("north_deputy"), held, revised)
        read = call(api_as("observer"), "get", held, f"/sessions/{FIRST}/record")
    assert first.status_code == second.status_code == read.status_code == 200
    assert first.json()["revision"] == 1
    body = read.json()
    assert body == second.json()
    assert (body["revision"], body["place"], body["side"]) == (2, "Panmunjom", "north")
    assert body["started_at"] == "2024-01-05T01:05:00Z"
    assert body["topics"] == ["Rail-link study", "Next meetings"]
    assert body["participants"] == [
        {
            "member": "testoffice-south-head",
            "name": "South Head",
            "affiliation": "The South, Head",
            "side": "south",
        },
        {
            "member": "testoffice-north-head",
            "name": "North Head",
            "affiliation": "Head of the North's office",
            "side": "north",
        },
        {"member": None, "name": "Kim", "affiliation": "Ministry of Unification", "side": None},
    ]
    # The kept outcome keeps its key (a commitment may cite it); the new one gets o3.
    assert [(o["key"], o["reference"]) for o in body["outcomes"]] == [
        ("o2", f"{FIRST}/o2"),
        ("o3", f"{FIRST}/o3"),
    ]
    assert body["revisions"] == [
        {
            "revision": 1,
            "written_by": "testoffice-south-staff",
            "side": "south",
            "at": "2024-01-05T03:00:00Z",
        },
        {
            "revision": 2,
            "written_by": "testoffice-north-deputy",
            "side": "north",
            "at": "2024-01-05T04:00:00Z",
        },
    ]


def test_a_session_without_a_record_is_a_json_404(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        response = call(api_as("north_staff"), "get", held, f"/sessions/{FIRST}/record")
    assert response.status_code == 404
    assert response.json() == {"detail": "This session has no meeting record yet.", "field": None}


def test_an_unknown_session_has_no_record_to_read_or_write(held, api_as, frozen):
    with frozen(AFTER_FIRST), no_new_events():
        read = call(api_as("south_head"), "get", held, "/sessions/weekly-20240106T1000/record")
        write = put_record(api_as("south_head"), held, RECORD, session="weekly-20240106T1000")
    assert read.status_code == write.status_code == 404
    assert write.json() == {"detail": "No such session.", "field": None}


def test_a_record_for_a_session_not_held_is_400_saying_who_was_missing(world, api_as, frozen):
    weekly(world)
    attending.check_in(member=world.south_head, command=CheckInTo(key=FIRST), now=FIRST_START)
    with frozen(AFTER_FIRST), no_new_events():
        response = put_record(api_as("south_head"), world, RECORD)
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"session {FIRST} was not held (The North: no show); "
        "only a held session has a record and minutes",
        "field": "session",
    }
    assert not MeetingRecord.objects.exists()


def test_a_participant_from_neither_side_needs_a_name(held, api_as, frozen):
    body = {**RECORD, "participants": [{"member": "testoffice-south-head"}, {"affiliation": "UN"}]}
    with frozen(AFTER_FIRST), no_new_events():
        response = put_record(api_as("south_head"), held, body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "participant 2 is from neither side and needs a name",
        "field": "participants",
    }


def test_a_naive_actual_start_is_400(held, api_as, frozen):
    with frozen(AFTER_FIRST), no_new_events():
        response = put_record(
            api_as("south_head"), held, {**RECORD, "started_at": "2024-01-05T10:05:00"}
        )
    assert response.status_code == 400 and response.json()["field"] == "started_at"


def test_two_saves_of_the_record_from_one_revision_conflict(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        put_record(api_as("south_staff"), held, RECORD)
        put_record(api_as("south_head"), held, {**RECORD, "base_revision": 1, "place": "Seoul"})
        with no_new_events():
            stale = put_record(
                api_as("north_staff"), held, {**RECORD, "base_revision": 1, "place": "Pyongyang"}
            )
    assert stale.status_code == 409
    body = stale.json()
    assert (body["field"], body["current"]) == ("base_revision", 2)
    assert "testoffice-south-head saved revision 2" in body["detail"]
    assert "-place: Seoul" in body["changes"] and "+place: Pyongyang" in body["changes"]
    assert MeetingRecord.objects.get().place == "Seoul"


# Drafts are each side's own


def test_the_other_side_never_reaches_a_sides_draft(held, api_as, frozen):
    secret = "Draft: we will concede the rail timetable."
    with frozen(AFTER_FIRST):
        saved = draft(api_as("south_staff"), held, {"body": secret})
        own = call(api_as("south_head"), "get", held, f"/sessions/{FIRST}/readouts/draft")
        theirs = call(api_as("north_head"), "get", held, f"/sessions/{FIRST}/readouts/draft")
        observer = call(api_as("observer"), "get", held, f"/sessions/{FIRST}/readouts/draft")
        listings = [
            call(api_as(role), "get", held, f"/sessions/{FIRST}/readouts")
            for role in ("north_head", "observer", "south_head")
        ]
    assert saved.status_code == own.status_code == 200
    assert own.json()["body"] == secret and own.json()["side"] == "south"
    assert theirs.status_code == observer.status_code == 404
    assert theirs.json() == {
        "detail": "Your side has no draft readout of this session.",
        "field": None,
    }
    for listing in listings:
        assert listing.status_code == 200
        assert listing.json()["readouts"] == []
        assert secret not in listing.content.decode()
        assert "concede" not in listing.content.decode()


def test_a_published_readout_is_seen_by_the_other_side_and_later_drafts_are_not(
    held, api_as, frozen
):
    with frozen(AFTER_FIRST):
        draft(api_as("south_staff"), held, {"body": SOUTH_READOUT})
        published = call(
            api_as("south_deputy"), "post", held, f"/sessions/{FIRST}/readouts/south/publish"
        )
        draft(api_as("south_staff"), held, {"body": "Unpublished second thoughts."}, 1)
        seen = call(api_as("north_staff"), "get", held, f"/sessions/{FIRST}/readouts").json()
        own = call(api_as("south_staff"), "get", held, f"/sessions/{FIRST}/readouts/draft").json()
    assert published.status_code == 201
    assert published.json() == {
        "side": "south",
        "version": 1,
        "title": "Readout",
        "source": "Ministry",
        "body": SOUTH_READOUT,
        "published_by": "testoffice-south-deputy",
        "published_at": "2024-01-05T03:00:00Z",
    }
    assert [(r["side"], r["version"], r["body"]) for r in seen["readouts"]] == [
        ("south", 1, SOUTH_READOUT)
    ]
    assert "second thoughts" not in str(seen)
    assert (own["revision"], own["published_revision"]) == (2, 1)


def test_readouts_list_every_version_and_compare_the_latest(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        draft(api_as("south_staff"), held, {"body": "An early text."})
        call(api_as("south_head"), "post", held, f"/sessions/{FIRST}/readouts/south/publish")
        draft(api_as("south_staff"), held, {"body": SOUTH_READOUT}, 1)
        call(api_as("south_head"), "post", held, f"/sessions/{FIRST}/readouts/south/publish")
        draft(api_as("north_staff"), held, {"body": NORTH_READOUT})
        call(api_as("north_head"), "post", held, f"/sessions/{FIRST}/readouts/north/publish")
        body = call(api_as("observer"), "get", held, f"/sessions/{FIRST}/readouts").json()
    assert [(r["side"], r["version"]) for r in body["readouts"]] == [
        ("south", 1),
        ("south", 2),
        ("north", 1),
    ]
    comparison = body["comparison"]
    assert (comparison["left"], comparison["right"]) == ("south", "north")
    rows = [(r["shared"], r["only"]) for r in comparison["rows"]]
    assert rows == [(True, None), (False, "south"), (False, "south"), (False, "north")]
    assert comparison["rows"][0]["left"] == "The two sides reaffirmed the declaration."
    assert comparison["rows"][0]["right"] == "The sides reaffirmed the declaration."
    assert comparison["rows"][-1] == {
        "left": None,
        "right": "The North urged an end to the drills.",
        "shared": False,
        "only": "north",
        "score": 0.0,
    }


def test_publishing_the_other_sides_readout_is_403(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        draft(api_as("south_staff"), held, {"body": SOUTH_READOUT})
        with no_new_events():
            response = call(
                api_as("north_head"), "post", held, f"/sessions/{FIRST}/readouts/south/publish"
            )
    assert response.status_code == 403
    assert response.json() == {"detail": "you can act only for your own side", "field": None}
    assert not Readout.objects.exists()


def test_publishing_without_a_draft_or_twice_is_409(held, api_as, frozen):
    path = f"/sessions/{FIRST}/readouts/north/publish"
    with frozen(AFTER_FIRST):
        with no_new_events():
            none = call(api_as("north_head"), "post", held, path)
        draft(api_as("north_staff"), held, {"body": NORTH_READOUT})
        assert call(api_as("north_head"), "post", held, path).status_code == 201
        with no_new_events():
            again = call(api_as("north_deputy"), "post", held, path)
    assert none.status_code == again.status_code == 409
    assert none.json()["detail"] == "your side has no draft readout of this session to publish"
    assert again.json()["detail"].startswith("this draft is already published")


def test_publishing_before_the_session_begins_is_400(held, api_as, frozen):
    before = FIRST_START - dt.timedelta(hours=1)
    readouts.save_readout_draft(
        member=held.south_staff,
        command=SaveReadoutDraft(
            session=FIRST,
            base_revision=0,
            title="Readout",
            source="Ministry",
            body="Ready in advance.",
        ),
        now=before,
    )
    with frozen(before), no_new_events():
        response = call(
            api_as("south_head"), "post", held, f"/sessions/{FIRST}/readouts/south/publish"
        )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "a readout is published after the session has begun",
        "field": "session",
    }


def test_two_saves_of_a_draft_from_one_revision_conflict(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        draft(api_as("north_staff"), held, {"body": "The sides met."})
        draft(api_as("north_head"), held, {"body": "The sides met and talked."}, 1)
        stale = draft(api_as("north_deputy"), held, {"body": "The sides met briefly."}, 1)
    assert stale.status_code == 409
    body = stale.json()
    assert set(body) == {"detail", "field", "current", "changes"}
    assert (body["field"], body["current"]) == ("base_revision", 2)
    assert body["changes"].splitlines()[2:] == [
        "@@ -1 +1 @@",
        "-The sides met and talked.",
        "+The sides met briefly.",
    ]
    assert ReadoutDraft.objects.get().body == "The sides met and talked."


def test_publishing_a_draft_that_changed_since_it_was_read_is_409(held, api_as, frozen):
    path = f"/sessions/{FIRST}/readouts/south/publish"
    with frozen(AFTER_FIRST):
        draft(api_as("south_staff"), held, {"body": "One."})
        draft(api_as("south_staff"), held, {"body": "Two."}, 1)
        with no_new_events():
            stale = call(api_as("south_head"), "post", held, path, {"draft_revision": 1})
    assert stale.status_code == 409
    assert stale.json()["current"] == 2


def test_observers_cannot_draft_a_readout(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        response = draft(api_as("observer"), held, {"body": "An outside view."})
    assert response.status_code == 403
    assert not ReadoutDraft.objects.exists()
