"""Private notes through the API: a side's own, never shown to the other side or an
observer by any endpoint, removable only by their author, and never in a log."""

import contextlib
import re

import pytest
from django.test import Client

from liaison.api.tests.conftest import (
    CHANNEL_AT,
    COMMITMENT,
    FIRST,
    FRAMEWORK,
    NOTICE,
    PARTY,
    PDF_SHA256,
    PROJECT,
    READS,
    SECRETS,
    corresponded,
    office_url,
    planned,
    recorded,
)
from liaison.api.tests.test_openapi import PATHS
from liaison.channel import notes
from liaison.channel.commands import AddNote
from liaison.channel.models import Message, PrivateNote
from liaison.ledger.models import Event


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
    """Four messages and a note of each side on the notice (``conftest.corresponded``)."""
    corresponded(world)
    return world


NOTES = f"/notes?target_kind=message&target_key={NOTICE}"


def test_a_side_reads_its_own_notes_only(office, api_as, frozen):
    with frozen(CHANNEL_AT):
        south = send(api_as("south_head"), "get", office, NOTES).json()
        north = send(api_as("north_deputy"), "get", office, NOTES).json()
        observer = send(api_as("observer"), "get", office, NOTES).json()
    assert [(n["side"], n["body"], n["author"]) for n in south] == [
        ("south", SECRETS["south"], "testoffice-south-staff")
    ]
    assert [n["body"] for n in north] == [SECRETS["north"]]
    assert observer == []
    assert set(south[0]) == {
        "id",
        "target_kind",
        "target_key",
        "body",
        "author",
        "side",
        "created_at",
    }
    assert south[0]["created_at"] == "2024-02-01T02:00:00Z"


@pytest.mark.parametrize("writer", ["south_staff", "north_head"])
def test_any_member_of_a_side_notes_a_record_and_no_log_receives_it(office, api_as, frozen, writer):
    side = writer.split("_")[0]
    body = {"target_kind": "project", "target_key": PROJECT, "body": " Hold firm on March. "}
    planned(office)
    with frozen(CHANNEL_AT), no_new_events():
        response = send(api_as(writer), "post", office, "/notes", body)
        mine = send(
            api_as(writer), "get", office, f"/notes?target_kind=project&target_key={PROJECT}"
        )
        other = "north_staff" if side == "south" else "south_staff"
        theirs = send(
            api_as(other), "get", office, f"/notes?target_kind=project&target_key={PROJECT}"
        )
    assert response.status_code == 201, response.content
    assert response.json()["body"] == "Hold firm on March."
    assert response.json()["side"] == side
    assert mine.json() == [response.json()]
    assert theirs.json() == []
    assert not any(b"Hold firm" in bytes(e.data) for e in Event.objects.all())


def test_a_notes_id_says_nothing_of_the_other_sides_notes(office, api_as, frozen):
    # One integer sequence numbered every side's notes: the North, noting before and
    # after, read from the gap that the South had written three notes meanwhile.
    north = api_as("north_staff")
    body = {"target_kind": "message", "target_key": NOTICE, "body": "Ours."}
    with frozen(CHANNEL_AT):
        before = send(north, "post", office, "/notes", body).json()["id"]
        for n in range(3):
            notes.add_note(
                member=office.south_staff,
                command=AddNote(target_kind="message", target_key=NOTICE, body=f"South {n}"),
                now=CHANNEL_AT,
            )
        after = send(north, "post", office, "/notes", body).json()["id"]
        listed = [n["id"] for n in send(north, "get", office, NOTES).json()]
    assert listed[-2:] == [before, after]
    for key in (before, after):
        assert isinstance(key, str) and re.fullmatch(r"[A-Za-z0-9_-]{22}", key)
        assert not key.isdigit()
    pks = {str(pk) for pk in PrivateNote.objects.values_list("pk", flat=True)}
    assert not pks & set(listed)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"target_kind": "message", "target_key": "north-99", "body": "x"}, 400, "target_key"),
        ({"target_kind": "project", "target_key": "no-such", "body": "x"}, 400, "target_key"),
        ({"target_kind": "message", "target_key": NOTICE, "body": "  "}, 400, "body"),
        ({"target_kind": "readout", "target_key": NOTICE, "body": "x"}, 422, None),
    ],
)
def test_a_wrong_note_is_refused_and_nothing_is_kept(office, api_as, frozen, body, status, field):
    before = PrivateNote.objects.count()
    with frozen(CHANNEL_AT), no_new_events():
        response = send(api_as("south_staff"), "post", office, "/notes", body)
    assert response.status_code == status, response.content
    if field:
        assert response.json()["field"] == field
    assert PrivateNote.objects.count() == before


def test_an_observer_keeps_no_notes(office, api_as, frozen):
    body = {"target_kind": "message", "target_key": NOTICE, "body": "An analyst's view."}
    with frozen(CHANNEL_AT), no_new_events():
        response = send(api_as("observer"), "post", office, "/notes", body)
    assert response.status_code == 403
    assert not PrivateNote.objects.filter(body="An analyst's view.").exists()


def test_only_the_author_removes_a_note_and_the_other_side_finds_none(office, api_as, frozen):
    note = PrivateNote.objects.get(body=SECRETS["south"])  # by the South's staff
    path = f"/notes/{note.key}"
    with frozen(CHANNEL_AT), no_new_events():
        colleague = send(api_as("south_head"), "delete", office, path)
        other_side = send(api_as("north_head"), "delete", office, path)
        missing = send(api_as("north_head"), "delete", office, "/notes/no-such-note-key-at-all1")
        observer = send(api_as("observer"), "delete", office, path)
        assert PrivateNote.objects.filter(pk=note.pk).exists()
        author = send(api_as("south_staff"), "delete", office, path)
        again = send(api_as("south_staff"), "delete", office, path)
    assert colleague.status_code == 403
    assert colleague.json()["detail"] == "only the note's author can remove it"
    assert other_side.status_code == missing.status_code == 404
    assert other_side.json() == missing.json() == {"detail": "No such note.", "field": None}
    assert observer.status_code == 403
    assert author.status_code == 204
    assert again.status_code == 404
    assert not PrivateNote.objects.filter(pk=note.pk).exists()


# No GET shows a side's note to anyone off that side.

# What each placeholder of a GET path stands for in the world below.
VALUES = {
    "slug": "testoffice",
    "pkey": PROJECT,
    "fkey": FRAMEWORK,
    "ckey": COMMITMENT,
    "tkey": PARTY,
    "sha256": PDF_SHA256,
    "version": "1",
}
TARGETS = [
    ("session", FIRST),
    ("record", FIRST),
    ("minutes", FIRST),
    ("project", PROJECT),
    ("message", "the notice's key"),
    ("commitment", COMMITMENT),
]


def _fill(template: str, notice: str) -> str:
    # ``{key}`` is a session's key, a message's under ``messages/``, or under
    # ``proposals/`` the weekly cadence's proposal (the South's first event).
    key = notice if "/messages/" in template else FIRST
    if "/proposals/" in template:
        key = "south-1"
    return re.sub(r"\{(\w+)\}", lambda m: VALUES.get(m.group(1), key), template)


def targets(notice: str) -> list[tuple[str, str]]:
    return [(kind, notice if kind == "message" else key) for kind, key in TARGETS]


def every_get(notice: str) -> list[str]:
    """Every GET path of the schema, concretely, with each note target's query."""
    schema = Client().get("/api/openapi.json").json()
    paths = []
    for template, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        path = _fill(template, notice)
        if template.endswith("/notes"):
            paths += [f"{path}?target_kind={k}&target_key={key}" for k, key in targets(notice)]
        else:
            paths.append(path)
    return paths


@pytest.fixture
def everything(world):
    """Records, minutes, a framework, a commitment, projects, a third party, messages
    with a file, and a private note of each side on every kind of record."""
    recorded(world)
    planned(world)
    corresponded(world)
    notice = Message.objects.get(subject="Weekly meetings").key  # the logs hold more here
    for side in ("south", "north"):
        for kind, key in targets(notice):
            notes.add_note(
                member=world.members[f"{side}_deputy"],
                command=AddNote(target_kind=kind, target_key=key, body=f"{SECRETS[side]} ({kind})"),
                now=CHANNEL_AT,
            )
    return world


@pytest.mark.parametrize(
    ("reader", "hidden"),
    [
        ("north_head", ["south"]),
        ("north_deputy", ["south"]),
        ("north_staff", ["south"]),
        ("south_head", ["north"]),
        ("south_staff", ["north"]),
        ("observer", ["south", "north"]),
    ],
)
def test_no_get_in_the_schema_shows_a_note_off_its_side(everything, api_as, frozen, reader, hidden):
    client = api_as(reader)
    paths = every_get(Message.objects.get(subject="Weekly meetings").key)
    # The walk reaches every GET of the API, and the notes' once per kind of record.
    gets = sum("get" in operations for operations in PATHS.values())
    assert len(paths) == gets - 1 + len(TARGETS)
    seen = []
    with frozen(CHANNEL_AT):
        for path in paths:
            response = client.get(path)
            # Every GET answers (a walk of 404s would prove nothing), except a side's
            # draft to an observer, on no side (as ``READS`` says).
            row = READS.get(path.removeprefix(office_url(everything)))
            hidden_from = row.hidden_from if row else ()
            expected = 404 if reader in hidden_from else 200
            assert response.status_code == expected, (path, response.content)
            for side in hidden:
                assert SECRETS[side].encode() not in response.content, path
            seen.append(response.content)
    # The walk does reach notes: the reader's own side's, where it has one.
    own = [s for s in ("south", "north") if s not in hidden]
    for side in own:
        assert sum(SECRETS[side].encode() in c for c in seen) == len(TARGETS)
