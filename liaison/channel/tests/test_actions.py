"""Messages, receipts, attachments and private notes: what each side and role can do,
and what each refusal leaves (nothing)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import zipfile
from collections.abc import Iterator

import pytest

from liaison.channel import attachments as files
from liaison.channel import messages, notes
from liaison.channel import receipts as channel_receipts
from liaison.channel.commands import Acknowledge, AddNote, DeleteNote, SendMessage
from liaison.channel.models import Message, PrivateNote, Receipt
from liaison.ledger.models import Event
from liaison.lib.errors import NotAllowed, NotFound, Refused
from liaison.testing import T0, World

NOW = T0 + dt.timedelta(days=1)
LATER = NOW + dt.timedelta(hours=2)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


@contextlib.contextmanager
def refused(match: str, kind: type[Exception] = Refused) -> Iterator[None]:
    before = Event.objects.count()
    with pytest.raises(kind, match=match):
        yield
    assert Event.objects.count() == before


def send(world: World, member: str = "south_head", **kw) -> Message:
    values = {"kind": "notice", "subject": "Meeting on Friday", "body": "We propose to meet."}
    values.update(kw)
    values["attachments"] = values.pop("uploads", ())
    command = SendMessage(**values)
    return messages.send_message(member=world.members[member], command=command, now=NOW)


def stored_files(settings) -> list[str]:
    root = files.root()
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_message_goes_from_one_side_to_the_other(world):
    message = send(world)
    assert (message.key, message.side.key, message.sent_by) == (
        "south-1",
        "south",
        world.south_head.username,
    )
    assert Event.objects.get(type="message.sent").log.side == "south"


def test_replies_form_a_thread(world):
    first = send(world)
    reply = send(
        world,
        "north_deputy",
        kind="reply",
        subject="Re: Meeting",
        body="Agreed.",
        in_reply_to=first.key,
    )
    again = send(world, kind="reply", subject="Re: Re", body="Thanks.", in_reply_to=reply.key)
    assert reply.in_reply_to == first and reply.thread == first
    assert again.thread == first


def test_receipts_delivered_once_read_per_member_acknowledged_by_head_or_deputy(world):
    message = send(world)
    channel_receipts.mark_shown(world.north_staff, [message], opened=False, now=NOW)
    channel_receipts.mark_shown(world.north_deputy, [message], opened=True, now=LATER)
    channel_receipts.mark_shown(world.north_head, [message], opened=True, now=LATER)
    channel_receipts.mark_shown(world.north_head, [message], opened=True, now=LATER)  # nothing new
    receipts = list(Receipt.objects.values_list("kind", "member", "side__key"))
    assert receipts == [
        ("delivered", world.north_staff.username, "north"),
        ("read", world.north_deputy.username, "north"),
        ("read", world.north_head.username, "north"),
    ]
    with refused("only your side's head or deputy", NotAllowed):
        channel_receipts.acknowledge(
            member=world.north_staff, command=Acknowledge(message=message.key), now=LATER
        )
    ack = channel_receipts.acknowledge(
        member=world.north_deputy, command=Acknowledge(message=message.key, note="Noted"), now=LATER
    )
    assert (ack.member, ack.note, ack.side.key) == (world.north_deputy.username, "Noted", "north")
    with refused("acknowledged this message already"):
        channel_receipts.acknowledge(
            member=world.north_head, command=Acknowledge(message=message.key), now=LATER
        )


def test_two_members_opening_a_new_message_at_once_record_one_delivery(world):
    """Both pages read the message with no receipts; the second to write must not trust
    what it read before the first one's delivery was recorded."""
    send(world)
    seen_by_staff = list(Message.objects.prefetch_related("receipts"))
    seen_by_deputy = list(Message.objects.prefetch_related("receipts"))
    assert channel_receipts.mark_shown(world.north_staff, seen_by_staff, opened=False, now=NOW) == 1
    assert (
        channel_receipts.mark_shown(world.north_deputy, seen_by_deputy, opened=True, now=NOW) == 1
    )
    assert list(Receipt.objects.order_by("pk").values_list("kind", "member")) == [
        ("delivered", world.north_staff.username),
        ("read", world.north_deputy.username),
    ]
    again = list(Message.objects.prefetch_related("receipts"))
    events = Event.objects.count()
    assert channel_receipts.mark_shown(world.north_deputy, again, opened=True, now=LATER) == 0
    assert Event.objects.count() == events


def test_the_sending_side_and_observers_leave_no_receipts(world):
    message = send(world)
    channel_receipts.mark_shown(world.south_staff, [message], opened=True, now=NOW)
    channel_receipts.mark_shown(world.observer, [message], opened=True, now=NOW)
    assert not Receipt.objects.exists()


def test_acknowledging_your_own_sides_message_is_refused(world):
    message = send(world)
    with refused("your own side sent this message"):
        channel_receipts.acknowledge(
            member=world.south_deputy, command=Acknowledge(message=message.key), now=LATER
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": "  "}, "the message is empty"),
        ({"subject": ""}, "needs a subject"),
        ({"kind": "gossip"}, "the kind must be one of"),
        ({"in_reply_to": "north-99"}, "there is no message 'north-99'"),
        ({"about_session": "weekly-20990101T1000"}, "has no session"),
        ({"about_project": "nothing"}, "there is no project 'nothing'"),
    ],
)
def test_bad_messages_are_refused(world, changes, message):
    with refused(message):
        send(world, **changes)


def test_staff_and_observers_do_not_send(world):
    with refused("only your side's head or deputy", NotAllowed):
        send(world, "north_staff")
    with refused("observers", NotAllowed):
        send(world, "observer")


def test_attachments_are_checked_by_content_and_stored_by_hash(world, settings):
    message = send(world, uploads=[files.Upload("agenda.pdf", PDF), files.Upload("map.png", PNG)])
    kinds = list(message.attachments.values_list("name", "content_type", "size"))
    assert kinds == [
        ("agenda.pdf", "application/pdf", len(PDF)),
        ("map.png", "image/png", len(PNG)),
    ]
    stored = message.attachments.get(position=1)
    assert files.read(stored.sha256) == PDF
    assert stored.sha256 in bytes(Event.objects.get(type="message.sent").data).decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            files.Upload("agenda.pdf", zip_bytes()),
            "agenda.pdf cannot be attached: its content is application/zip",
        ),
        (files.Upload("agenda.pdf", PNG), "agenda.pdf is not a PDF: its content is a PNG image"),
        (files.Upload("notes.txt", b"\x00\x01binary"), "notes.txt cannot be attached"),
        (files.Upload("empty.pdf", b""), "empty.pdf is empty"),
        (files.Upload("map.jpg", PNG), "map.jpg is not a JPEG image"),
    ],
)
def test_refused_attachments_say_why_and_leave_no_file(world, settings, upload, message):
    with refused(message):
        send(world, uploads=[upload])
    assert stored_files(settings) == []


def test_an_attachment_over_the_limit_is_refused(world, settings):
    settings.LIAISON_ATTACHMENT_MAX_BYTES = 40
    with refused("agenda.pdf is 48 bytes; attachments may be at most 40 bytes"):
        send(world, uploads=[files.Upload("agenda.pdf", PDF)])


def test_a_message_refused_after_its_files_were_stored_takes_them_back(world, settings):
    with refused("there is no message 'north-7'"):
        send(world, in_reply_to="north-7", uploads=[files.Upload("agenda.pdf", PDF)])
    assert stored_files(settings) == []


def test_plain_text_is_accepted_as_text(world):
    message = send(world, uploads=[files.Upload("notes.txt", "Ordre du jour : réunion\n".encode())])
    assert message.attachments.get().content_type == "text/plain"


def test_private_notes_are_the_sides_own(world):
    message = send(world)
    note = notes.add_note(
        member=world.north_staff,
        command=AddNote(
            target_kind="message", target_key=message.key, body="Check with the ministry"
        ),
        now=NOW,
    )
    assert notes.notes_for(world.north_head, "message", message.key) == [note]
    assert notes.notes_for(world.south_head, "message", message.key) == []
    assert notes.notes_for(world.observer, "message", message.key) == []
    assert not Event.objects.filter(data__contains=b"ministry").exists()
    with refused("there is no project 'nope'"):
        notes.add_note(
            member=world.north_staff,
            command=AddNote(target_kind="project", target_key="nope", body="x"),
            now=NOW,
        )
    with refused("the note is empty"):
        notes.add_note(
            member=world.north_staff,
            command=AddNote(target_kind="message", target_key=message.key, body=" "),
            now=NOW,
        )
    with pytest.raises(NotAllowed, match="only the note's author"):
        notes.delete_note(member=world.north_head, command=DeleteNote(note=note.key), now=NOW)
    with pytest.raises(NotFound, match="No such note"):
        notes.delete_note(member=world.south_head, command=DeleteNote(note=note.key), now=NOW)
    notes.delete_note(member=world.north_staff, command=DeleteNote(note=note.key), now=NOW)
    assert not PrivateNote.objects.exists()


def test_the_record_verifies_with_messages_and_receipts(world, scratch_allowed):
    from liaison.bundle.audit import verify

    message = send(world, uploads=[files.Upload("agenda.pdf", PDF)])
    send(world, "north_head", kind="reply", subject="Re", body="Yes", in_reply_to=message.key)
    channel_receipts.acknowledge(
        member=world.north_head, command=Acknowledge(message=message.key), now=LATER
    )
    assert verify("testoffice") == []
