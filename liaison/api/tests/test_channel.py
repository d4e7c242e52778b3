"""Official messages through the API: the inbox and sent lists, threads, receipts left
by each side and role, attachments, acknowledgements, the "awaiting" list, notification
settings, and what every refusal leaves (nothing)."""

import base64
import contextlib
import datetime as dt
import io
import json
import zipfile

import pytest

from liaison.api.tests.conftest import (
    CHANNEL_AT,
    NOTICE,
    PDF,
    PDF_SHA256,
    PROPOSAL,
    PROTEST,
    REPLY,
    corresponded,
    office_url,
)
from liaison.channel import attachments as files
from liaison.channel import messages as channel_messages
from liaison.channel import receipts as channel_receipts
from liaison.channel.commands import Acknowledge, SendMessage
from liaison.channel.models import Message, NotificationPreference, Receipt
from liaison.ledger.models import Event
from liaison.testing import make_world

SENT_AT = CHANNEL_AT - dt.timedelta(hours=1)
AT = "2024-02-01T03:00:00Z"  # CHANNEL_AT as the API writes it
NORTH = ["north_head", "north_deputy", "north_staff"]
SOUTH = ["south_head", "south_deputy", "south_staff"]


@contextlib.contextmanager
def no_new_events():
    before = Event.objects.count()
    yield
    assert Event.objects.count() == before


def send(client, method, world, path, body=None):
    if method == "get":
        return client.get(office_url(world, path))
    return getattr(client, method)(office_url(world, path), body, content_type="application/json")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


def stored_files(settings) -> list[str]:
    root = settings.LIAISON_ATTACHMENTS_DIR
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def notice_from(world, sender: str = "south_head", now=SENT_AT, **kw) -> Message:
    values = {"kind": "notice", "subject": "Weekly meetings", "body": "We propose Fridays."}
    values.update(kw)
    values["attachments"] = values.pop("uploads", ())
    command = SendMessage(**values)
    return channel_messages.send_message(member=world.members[sender], command=command, now=now)


@pytest.fixture
def office(world):
    """Four messages, each delivered, and a private note per side (``corresponded``)."""
    corresponded(world)
    return world


def latest_event():
    return Event.objects.select_related("log").latest("pk")


# Reading


def test_a_message_reads_back_with_its_file_and_receipts(office, api_as, frozen):
    with frozen(CHANNEL_AT):
        sent = send(api_as("south_deputy"), "get", office, "/messages/sent")
    assert sent.status_code == 200
    body = sent.json()
    assert (body["page"], body["pages"], body["count"]) == (1, 1, 2)
    assert [m["key"] for m in body["items"]] == [PROTEST, NOTICE]
    assert body["items"][1] == {
        "key": NOTICE,
        "kind": "notice",
        "subject": "Weekly meetings",
        "body": "We propose to resume the weekly meetings on Friday.",
        "side": "south",
        "sent_by": "testoffice-south-head",
        "sent_at": "2024-02-01T01:00:00Z",
        "in_reply_to": None,
        "thread": NOTICE,
        "about": {"session": None, "project": None},
        "attachments": [
            {
                "name": "agenda.pdf",
                "content_type": "application/pdf",
                "size": len(PDF),
                "sha256": PDF_SHA256,
                "url": f"/api/offices/testoffice/messages/{NOTICE}/attachments/{PDF_SHA256}",
            }
        ],
        "receipts": {
            "delivered": {"member": "testoffice-north-staff", "at": "2024-02-01T02:00:00Z"},
            "reads": [],
            "acknowledged": None,
        },
    }


def test_the_inbox_holds_what_the_other_side_sent_and_an_observer_sees_all(office, api_as, frozen):
    with frozen(CHANNEL_AT):
        south = send(api_as("south_staff"), "get", office, "/messages").json()
        north = send(api_as("north_staff"), "get", office, "/messages").json()
        observer = send(api_as("observer"), "get", office, "/messages").json()
        observer_sent = send(api_as("observer"), "get", office, "/messages/sent").json()
    assert [m["key"] for m in south["items"]] == [PROPOSAL, REPLY]
    assert [m["key"] for m in north["items"]] == [PROTEST, NOTICE]
    assert {m["key"] for m in observer["items"]} == {NOTICE, REPLY, PROPOSAL, PROTEST}
    assert observer_sent == {"items": [], "page": 1, "pages": 1, "count": 0}


def test_a_thread_reads_whole_from_any_of_its_messages(office, api_as, frozen):
    with frozen(CHANNEL_AT):
        from_reply = send(api_as("observer"), "get", office, f"/messages/{REPLY}").json()
        from_notice = send(api_as("observer"), "get", office, f"/messages/{NOTICE}").json()
    assert from_reply == from_notice
    assert from_reply["thread"] == NOTICE
    assert [(m["key"], m["in_reply_to"], m["thread"]) for m in from_reply["messages"]] == [
        (NOTICE, None, NOTICE),
        (REPLY, NOTICE, NOTICE),
    ]


def test_the_file_is_served_with_its_checked_type(office, api_as, frozen):
    with frozen(CHANNEL_AT):
        response = send(
            api_as("observer"), "get", office, f"/messages/{NOTICE}/attachments/{PDF_SHA256}"
        )
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="agenda.pdf"'


@pytest.mark.parametrize(
    "path",
    [
        f"/messages/{NOTICE}/attachments/{'0' * 64}",  # no such file
        f"/messages/{REPLY}/attachments/{PDF_SHA256}",  # the file is another message's
        f"/messages/north-99/attachments/{PDF_SHA256}",  # no such message
    ],
)
def test_an_unknown_file_is_404(office, api_as, frozen, path):
    with frozen(CHANNEL_AT):
        response = send(api_as("north_head"), "get", office, path)
    assert response.status_code == 404
    assert response.json()["field"] is None


def test_a_message_key_of_another_office_is_as_unknown_as_a_missing_one(
    office, api_as, frozen, settings
):
    other = make_world("elsewhere")
    for n in range(3):  # ``south-3`` exists there, not here
        notice_from(other, body=f"Notice {n}.", uploads=[files.Upload("agenda.pdf", PDF)])
    client = api_as("north_head")
    paths = [
        ("get", "/messages/{key}"),
        ("post", "/messages/{key}/acknowledge"),
        ("get", "/messages/{key}/attachments/" + PDF_SHA256),
    ]
    with frozen(CHANNEL_AT), no_new_events():
        for method, path in paths:
            theirs = send(client, method, office, path.format(key="south-3"), {})
            missing = send(client, method, office, path.format(key="south-77"), {})
            assert theirs.status_code == missing.status_code == 404
            assert theirs.json() == missing.json() == {"detail": "No such message.", "field": None}


# Receipts, by side and role


RECEIVERS = [("south_head", r) for r in NORTH] + [("north_head", r) for r in SOUTH]


@pytest.mark.parametrize(("sender", "receiver"), RECEIVERS)
def test_listing_delivers_and_opening_reads_in_the_receiving_sides_log(
    world, api_as, frozen, sender, receiver
):
    message = notice_from(world, sender)
    client = api_as(receiver)
    username = world.members[receiver].username
    side = receiver.split("_")[0]
    with frozen(CHANNEL_AT):
        before = Event.objects.count()
        listed = send(client, "get", world, "/messages").json()
        delivered = latest_event()
        again = send(client, "get", world, "/messages").json()
        after_listing = Event.objects.count()
        opened = send(client, "get", world, f"/messages/{message.key}").json()
        read = latest_event()
        send(client, "get", world, f"/messages/{message.key}")
    assert after_listing == before + 1  # delivered once, however often listed
    assert (delivered.type, delivered.actor, delivered.log.side) == (
        "message.delivered",
        username,
        side,
    )
    assert Event.objects.count() == before + 2  # read once by this member
    assert (read.type, read.actor, read.log.side) == ("message.read", username, side)
    mine = {"member": username, "at": AT}
    assert (
        listed["items"][0]["receipts"]["delivered"]
        == mine
        == again["items"][0]["receipts"]["delivered"]
    )
    assert opened["messages"][0]["receipts"]["reads"] == [mine]


def test_each_receiving_member_reads_once_and_delivery_stays_the_first(world, api_as, frozen):
    message = notice_from(world)
    with frozen(CHANNEL_AT):
        send(api_as("north_staff"), "get", world, f"/messages/{message.key}")
    with frozen(CHANNEL_AT + dt.timedelta(minutes=5)):
        thread = send(api_as("north_head"), "get", world, f"/messages/{message.key}").json()
    receipts = thread["messages"][0]["receipts"]
    assert receipts["delivered"] == {"member": "testoffice-north-staff", "at": AT}
    assert receipts["reads"] == [
        {"member": "testoffice-north-staff", "at": AT},
        {"member": "testoffice-north-head", "at": "2024-02-01T03:05:00Z"},
    ]
    assert Receipt.objects.filter(kind="read").count() == 2


@pytest.mark.parametrize("reader", [*SOUTH, "observer"])
def test_the_senders_side_and_observers_leave_no_receipts(world, api_as, frozen, reader):
    message = notice_from(world)
    client = api_as(reader)
    paths = [
        "/messages",
        "/messages/sent",
        "/messages/awaiting",
        f"/messages/{message.key}",
    ]
    with frozen(CHANNEL_AT), no_new_events():
        for path in paths:
            assert send(client, "get", world, path).status_code == 200
    assert not Receipt.objects.exists()


@pytest.mark.parametrize("speaker", ["north_head", "north_deputy"])
def test_the_receiving_sides_head_or_deputy_acknowledges_once(world, api_as, frozen, speaker):
    message = notice_from(world)
    client = api_as(speaker)
    username = world.members[speaker].username
    with frozen(CHANNEL_AT):
        before = Event.objects.count()
        response = send(
            client, "post", world, f"/messages/{message.key}/acknowledge", {"note": " Noted. "}
        )
        # Acknowledged before anyone listed it: the delivery is recorded first.
        assert Event.objects.count() == before + 2
        assert [e.type for e in Event.objects.order_by("-pk")[:2]] == [
            "message.acknowledged",
            "message.delivered",
        ]
        with no_new_events():
            twice = send(
                api_as("north_deputy"), "post", world, f"/messages/{message.key}/acknowledge"
            )
        sender = send(api_as("south_staff"), "get", world, "/messages/sent").json()
    assert response.status_code == 200, response.content
    assert response.json()["receipts"]["acknowledged"] == {
        "member": username,
        "at": AT,
        "note": "Noted.",
    }
    assert twice.status_code == 409
    assert twice.json() == {
        "detail": "your side has acknowledged this message already",
        "field": None,
    }
    assert sender["items"][0]["receipts"] == response.json()["receipts"]
    assert sender["items"][0]["receipts"]["delivered"] == {"member": username, "at": AT}


@pytest.mark.parametrize("role", ["north_staff", "observer"])
def test_staff_and_observers_cannot_acknowledge(world, api_as, frozen, role):
    message = notice_from(world)
    with frozen(CHANNEL_AT), no_new_events():
        response = send(api_as(role), "post", world, f"/messages/{message.key}/acknowledge")
    assert response.status_code == 403
    assert not Receipt.objects.exists()


@pytest.mark.parametrize("speaker", ["south_head", "south_deputy"])
def test_acknowledging_your_own_sides_message_is_a_400(world, api_as, frozen, speaker):
    message = notice_from(world)
    with frozen(CHANNEL_AT), no_new_events():
        response = send(api_as(speaker), "post", world, f"/messages/{message.key}/acknowledge")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "your own side sent this message; the other side acknowledges it",
        "field": "message",
    }


def test_an_acknowledgement_note_longer_than_the_log_takes_is_refused(world, api_as, frozen):
    message = notice_from(world)
    with frozen(CHANNEL_AT), no_new_events():
        response = send(
            api_as("north_head"),
            "post",
            world,
            f"/messages/{message.key}/acknowledge",
            {"note": "x" * 2001},
        )
    assert response.status_code == 422


# Sending


def test_a_reply_with_files_is_sent_and_threaded(office, api_as, frozen, settings):
    payload = {
        "kind": "reply",
        "subject": "Re: Rail-link survey",
        "body": "Agreed; our engineers' list is attached.",
        "in_reply_to": PROPOSAL,
        "about_project": "",
        "attachments": [
            {"name": "agenda.pdf", "content_base64": b64(PDF)},
            {"name": "engineers.txt", "content_base64": b64(b"Kim, Ri, Pak\n")},
        ],
    }
    with frozen(CHANNEL_AT):
        before = Event.objects.count()
        response = send(api_as("south_head"), "post", office, "/messages", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["key"], body["in_reply_to"], body["thread"], body["side"]) == (
        "south-5",  # after the South's two messages and two delivery receipts
        PROPOSAL,
        PROPOSAL,
        "south",
    )
    assert [(a["name"], a["content_type"]) for a in body["attachments"]] == [
        ("agenda.pdf", "application/pdf"),
        ("engineers.txt", "text/plain"),
    ]
    assert body["receipts"] == {"delivered": None, "reads": [], "acknowledged": None}
    assert Event.objects.count() == before + 1
    event = latest_event()
    assert (event.type, event.log.side) == ("message.sent", "south")
    stored = json.loads(bytes(event.data))  # the canonical bytes the log keeps
    assert stored["body"]["in_reply_to"]["seq"] == 2  # the proposal is north-2
    with frozen(CHANNEL_AT):
        text = api_as("north_staff").get(body["attachments"][1]["url"])
    assert text.content == b"Kim, Ri, Pak\n"
    assert text["Content-Type"] == "text/plain"


def test_a_message_about_a_session_and_a_project_names_them(world, api_as, frozen):
    from liaison.api.tests.conftest import FIRST, PROJECT, planned, weekly

    weekly(world)
    planned(world)
    payload = {
        "kind": "notice",
        "subject": "Survey",
        "body": "On the agenda.",
        "about_session": FIRST,
        "about_project": PROJECT,
    }
    with frozen(CHANNEL_AT):
        response = send(api_as("north_deputy"), "post", world, "/messages", payload)
    assert response.status_code == 201, response.content
    assert response.json()["about"] == {"session": FIRST, "project": PROJECT}


BASE = {"kind": "notice", "subject": "Weekly meetings", "body": "We propose Fridays."}


@pytest.mark.parametrize(
    ("changes", "field", "detail"),
    [
        ({"body": ""}, "body", "the message is empty: write its text"),
        ({"body": "  \n "}, "body", "the message is empty: write its text"),
        ({"subject": " "}, "subject", "a message needs a subject"),
        (
            {"in_reply_to": "north-99"},
            "in_reply_to",
            "there is no message 'north-99' in this office",
        ),
        ({"about_session": "weekly-20990101T1000"}, "about_session", None),
        (
            {"about_project": "no-such-project"},
            "about_project",
            "there is no project 'no-such-project'",
        ),
    ],
)
def test_a_wrong_message_is_a_400_naming_its_field_and_writes_nothing(
    office, api_as, frozen, settings, changes, field, detail
):
    files_before = stored_files(settings)
    messages = Message.objects.count()
    payload = {**BASE, **changes, "attachments": [{"name": "map.pdf", "content_base64": b64(PDF)}]}
    payload["attachments"][0]["content_base64"] = b64(PDF + b"% another file\n")
    with frozen(CHANNEL_AT), no_new_events():
        response = send(api_as("south_head"), "post", office, "/messages", payload)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    if detail:
        assert response.json()["detail"] == detail
    assert Message.objects.count() == messages
    assert stored_files(settings) == files_before  # the file it stored was taken back


def test_a_zip_named_pdf_is_refused_with_a_reason_and_no_file_is_stored(
    world, api_as, frozen, settings
):
    payload = {**BASE, "attachments": [{"name": "agenda.pdf", "content_base64": b64(zip_bytes())}]}
    with frozen(CHANNEL_AT), no_new_events():
        response = send(api_as("south_head"), "post", world, "/messages", payload)
    assert response.status_code == 400
    assert response.json()["field"] == "attachments"
    assert response.json()["detail"].startswith(
        "agenda.pdf cannot be attached: its content is application/zip; accepted are a PDF"
    )
    assert stored_files(settings) == []
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("attachment", "detail"),
    [
        ({"name": "agenda.pdf", "content_base64": "not base64!"}, "agenda.pdf: content_base64"),
        ({"name": "agenda.pdf", "content_base64": "QUJ"}, "agenda.pdf: content_base64"),
        ({"name": "agenda.pdf", "content_base64": ""}, "agenda.pdf is empty"),
        ({"name": "map.png", "content_base64": b64(PDF)}, "map.png is not a PNG image"),
        ({"name": "  ", "content_base64": b64(PDF)}, "an attachment needs a file name"),
    ],
)
def test_bad_attachments_are_a_400_naming_attachments(
    world, api_as, frozen, settings, attachment, detail
):
    with frozen(CHANNEL_AT), no_new_events():
        response = send(
            api_as("north_head"), "post", world, "/messages", {**BASE, "attachments": [attachment]}
        )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "attachments"
    assert response.json()["detail"].startswith(detail)
    assert stored_files(settings) == []


def test_an_unknown_kind_is_refused_by_the_schema(world, api_as, frozen):
    with frozen(CHANNEL_AT), no_new_events():
        response = send(api_as("north_head"), "post", world, "/messages", {**BASE, "kind": "memo"})
    assert response.status_code == 422


# Search and pages


@pytest.fixture
def many(world):
    """30 notices from the South; every third mentions the rail link."""
    for number in range(30):
        body = "The rail link survey." if number % 3 == 0 else "Routine business."
        sent_at = SENT_AT + dt.timedelta(minutes=number)
        notice_from(world, subject=f"Notice {number:02}", body=body, now=sent_at)
    return world


def test_the_inbox_pages_newest_first(many, api_as, frozen):
    client = api_as("observer")
    with frozen(CHANNEL_AT):
        first = send(client, "get", many, "/messages").json()
        second = send(client, "get", many, "/messages?page=2").json()
        past = send(client, "get", many, "/messages?page=9").json()
        zero = send(client, "get", many, "/messages?page=0")
    assert (first["page"], first["pages"], first["count"], len(first["items"])) == (1, 2, 30, 25)
    assert first["items"][0]["subject"] == "Notice 29"
    assert [m["subject"] for m in second["items"]] == [f"Notice {n:02}" for n in range(4, -1, -1)]
    assert past == second  # past the last page: the last page
    assert zero.status_code == 422


def test_search_matches_subjects_and_bodies(many, api_as, frozen):
    with frozen(CHANNEL_AT):
        rail = send(api_as("north_staff"), "get", many, "/messages?q=RAIL+link").json()
        subject = send(api_as("south_staff"), "get", many, "/messages/sent?q=notice 1").json()
        none = send(api_as("north_staff"), "get", many, "/messages?q=ceasefire").json()
    assert rail["count"] == 10 and rail["pages"] == 1
    assert {m["body"] for m in rail["items"]} == {"The rail link survey."}
    assert [m["subject"] for m in subject["items"]] == [f"Notice {n}" for n in range(19, 9, -1)]
    assert none == {"items": [], "page": 1, "pages": 1, "count": 0}


def test_only_the_listed_page_is_delivered(many, api_as, frozen):
    with frozen(CHANNEL_AT):
        send(api_as("north_staff"), "get", many, "/messages?page=2")
    assert Receipt.objects.filter(kind="delivered").count() == 5


# Awaiting an answer


def test_awaiting_lists_your_sides_unanswered_notices_with_their_wait(office, api_as, frozen):
    with frozen(CHANNEL_AT):
        south = send(api_as("south_staff"), "get", office, "/messages/awaiting").json()
        north = send(api_as("north_head"), "get", office, "/messages/awaiting").json()
        observer = send(api_as("observer"), "get", office, "/messages/awaiting").json()
    # The notice was answered; the protest was not. The proposal waits on the South.
    assert [(m["key"], m["waiting_seconds"]) for m in south] == [(PROTEST, 3600)]
    assert [(m["key"], m["waiting_seconds"]) for m in north] == [(PROPOSAL, 3600)]
    assert north[0]["receipts"]["delivered"] == {
        "member": "testoffice-south-staff",
        "at": "2024-02-01T02:00:00Z",
    }
    assert observer == []
    channel_receipts.acknowledge(
        member=office.south_head, command=Acknowledge(message=PROPOSAL), now=CHANNEL_AT
    )
    with frozen(CHANNEL_AT):
        assert send(api_as("north_head"), "get", office, "/messages/awaiting").json() == []


# Notifications


def test_each_member_chooses_how_to_hear_of_messages(world, api_as, frozen):
    client = api_as("north_staff")
    with frozen(CHANNEL_AT), no_new_events():
        default = send(client, "get", world, "/notifications").json()
        chosen = send(client, "put", world, "/notifications", {"delivery": "none"})
        after = send(client, "get", world, "/notifications").json()
        others = send(api_as("north_head"), "get", world, "/notifications").json()
        wrong = send(client, "put", world, "/notifications", {"delivery": "weekly"})
    assert default == {"delivery": "immediately"}
    assert chosen.status_code == 200 and chosen.json() == after == {"delivery": "none"}
    assert others == {"delivery": "immediately"}
    assert wrong.status_code == 422
    assert NotificationPreference.objects.get().username == "testoffice-north-staff"


# Queries


def _messages(world, count: int) -> None:
    for number in range(count):
        channel_messages.send_message(
            member=world.south_head,
            command=SendMessage(
                kind="notice",
                subject=f"Notice {number}",
                body="Routine business.",
                attachments=[files.Upload("agenda.pdf", PDF)] if number % 5 == 0 else (),
            ),
            now=SENT_AT,
        )


@pytest.mark.parametrize("count", [10, 2000])
def test_the_lists_take_a_fixed_number_of_queries_however_many_messages(
    world, api_as, frozen, django_assert_num_queries, count
):
    _messages(world, count)
    receiver, observer, sender = api_as("north_staff"), api_as("observer"), api_as("south_staff")
    with frozen(CHANNEL_AT):
        send(receiver, "get", world, "/messages")  # delivers the first page
        # Session and user (2), office and membership (2), the count, the page with its
        # sides, receipts and files (4). For a receiving member who saw the page before,
        # ``mark_shown`` finds every receipt among those prefetched: no lock, no writes.
        with django_assert_num_queries(8):
            listed = send(receiver, "get", world, "/messages")
        with django_assert_num_queries(8):
            observed = send(observer, "get", world, "/messages")
        with django_assert_num_queries(8):
            sent = send(sender, "get", world, "/messages/sent")
        send(receiver, "get", world, "/messages/south-1")  # reads it
        # A thread: the same four, the message looked up (1), its root found and the
        # thread read with sides, receipts and files (4).
        with django_assert_num_queries(9):
            send(receiver, "get", world, "/messages/south-1")
    assert listed.json()["count"] == observed.json()["count"] == sent.json()["count"] == count
    assert len(listed.json()["items"]) == min(count, 25)
