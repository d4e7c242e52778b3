"""The same message twice by accident: a side that sends a message identical to one it
sent within LIAISON_DUPLICATE_MESSAGE_MINUTES (same subject and text, same message
answered, same files) is refused, with nothing written, unless it confirms. Anything
that differs, or the other side saying the same, is a new message."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.channel import attachments as files
from liaison.channel import messages
from liaison.channel.commands import SendMessage
from liaison.channel.models import Message
from liaison.ledger.models import Event
from liaison.testing import T0, World

NOW = T0 + dt.timedelta(days=1)
WINDOW = dt.timedelta(minutes=10)  # the default
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n2 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TEXT = b"Agenda: the rail study.\n"


def send(world: World, at: dt.datetime, member: str = "south_head", **kw) -> Message:
    values = {"kind": "notice", "subject": "Meeting on Friday", "body": "We propose to meet."}
    values.update(kw)
    values["attachments"] = values.pop("uploads", ())
    command = SendMessage(**values)
    return messages.send_message(member=world.members[member], command=command, now=at)


def stored() -> list[str]:
    root = files.root()
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    "after", [dt.timedelta(0), dt.timedelta(minutes=9, seconds=59), WINDOW], ids=str
)
def test_the_same_message_within_the_window_is_refused_and_writes_nothing(world, after):
    first = send(world, NOW)
    before = Event.objects.count()
    with pytest.raises(messages.Duplicate) as refused:
        send(world, NOW + after)
    assert refused.value.original == first
    assert refused.value.field == "confirm_duplicate"
    assert refused.value.message == (
        "your side sent an identical message (south-1) at 2024-01-02 00:00:00 UTC; "
        "nothing was sent: confirm to send it again"
    )
    assert Event.objects.count() == before


def test_just_outside_the_window_it_is_a_new_message(world):
    send(world, NOW)
    again = send(world, NOW + WINDOW + dt.timedelta(microseconds=1))
    assert Message.objects.count() == 2 and again.key == "south-2"


def test_confirmed_it_is_sent_again(world):
    send(world, NOW)
    again = send(world, NOW + dt.timedelta(minutes=1), confirm_duplicate=True)
    assert again.key == "south-2"
    # and a third time, it is the latest copy that is named
    with pytest.raises(messages.Duplicate) as refused:
        send(world, NOW + dt.timedelta(minutes=2))
    assert refused.value.original == again


def test_the_window_is_a_setting_and_zero_turns_the_check_off(world, settings):
    settings.LIAISON_DUPLICATE_MESSAGE_MINUTES = 1
    send(world, NOW)
    send(world, NOW + dt.timedelta(minutes=2))  # outside one minute
    settings.LIAISON_DUPLICATE_MESSAGE_MINUTES = 0
    send(world, NOW + dt.timedelta(minutes=2))
    assert Message.objects.count() == 3


def test_the_other_side_saying_the_same_is_not_a_duplicate(world):
    send(world, NOW)
    theirs = send(world, NOW + dt.timedelta(minutes=1), member="north_head")
    assert theirs.side.key == "north"
    # Nor is a colleague of one's own side exempt: the side is the sender.
    with pytest.raises(messages.Duplicate):
        send(world, NOW + dt.timedelta(minutes=1), member="south_deputy")


@pytest.mark.parametrize(
    "change",
    [
        {"subject": "Meeting on Saturday"},
        {"body": "We propose to meet on Saturday."},
        {"uploads": [files.Upload("agenda.pdf", OTHER_PDF)]},
        {"uploads": [files.Upload("agenda.pdf", PDF), files.Upload("agenda.txt", TEXT)]},
        {"uploads": []},
    ],
    ids=["subject", "text", "another file", "one file more", "no file"],
)
def test_any_difference_in_what_is_said_or_attached_is_a_new_message(world, change):
    send(world, NOW, uploads=[files.Upload("agenda.pdf", PDF)])
    send(world, NOW + dt.timedelta(minutes=1), **change)
    assert Message.objects.count() == 2


def test_the_same_files_in_another_order_or_name_are_the_same_files(world):
    send(world, NOW, uploads=[files.Upload("a.pdf", PDF), files.Upload("b.txt", TEXT)])
    with pytest.raises(messages.Duplicate):
        send(
            world,
            NOW + dt.timedelta(minutes=1),
            uploads=[files.Upload("notes.txt", TEXT), files.Upload("agenda.pdf", PDF)],
        )


def test_a_refused_duplicate_takes_back_the_files_only_it_stored(world):
    send(world, NOW, uploads=[files.Upload("agenda.pdf", PDF)])
    kept = stored()
    with pytest.raises(messages.Duplicate):
        send(world, NOW + dt.timedelta(minutes=1), uploads=[files.Upload("agenda.pdf", PDF)])
    assert stored() == kept  # the first message's file is still there


def test_a_reply_is_a_duplicate_only_of_a_reply_to_the_same_message(world):
    first = send(world, NOW, member="north_head", subject="Rail study", body="Shall we?")
    second = send(world, NOW, member="north_head", subject="Roads", body="And roads?")
    reply = {"kind": "reply", "subject": "Re: your notes", "body": "Yes."}
    send(world, NOW + dt.timedelta(minutes=1), in_reply_to=first.key, **reply)
    # The same words to another message, or as a new thread, are a new message.
    send(world, NOW + dt.timedelta(minutes=1), in_reply_to=second.key, **reply)
    send(world, NOW + dt.timedelta(minutes=1), **reply)
    with pytest.raises(messages.Duplicate):
        send(world, NOW + dt.timedelta(minutes=2), in_reply_to=first.key, **reply)
    assert Message.objects.filter(side__key="south").count() == 3


def test_find_duplicate_says_beforehand_what_the_send_would_refuse(world):
    first = send(world, NOW, uploads=[files.Upload("agenda.pdf", PDF)])
    sha = files.check(files.Upload("agenda.pdf", PDF)).sha256
    common = {
        "member": world.south_head,
        "subject": " Meeting on Friday ",
        "body": "We propose to meet.",
    }
    at = NOW + dt.timedelta(minutes=5)
    assert messages.find_duplicate(**common, hashes=[sha], now=at) == first
    assert messages.find_duplicate(**common, hashes=[], now=at) is None
    assert messages.find_duplicate(**common, hashes=[sha], now=NOW + dt.timedelta(hours=1)) is None
