"""The channel's and the signing's commands: their limits are the event schemas' and the
columns', and a broken rule reads as it always did, on every path."""

from __future__ import annotations

import pytest

from liaison.channel.attachments import Upload
from liaison.channel.commands import Acknowledge, AddNote, DeleteNote, SendMessage, SetDelivery
from liaison.channel.events import About, MessageAcknowledged, MessageSent
from liaison.channel.models import Message, PrivateNote
from liaison.lib.commands import Command, Invalid
from liaison.lib.fields import limit_of
from liaison.signing.commands import RotateKey, SignCheckpoint
from liaison.signing.events import KeyRotated
from liaison.signing.models import SideKey


def _column(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length


@pytest.mark.parametrize(
    ("command", "field", "limit"),
    [
        (SendMessage, "subject", _column(Message, "subject")),
        (SendMessage, "subject", limit_of(MessageSent.model_fields["subject"])),
        (SendMessage, "body", limit_of(MessageSent.model_fields["body"])),
        (SendMessage, "about_session", _column(Message, "about_session")),
        (SendMessage, "about_session", limit_of(About.model_fields["session"])),
        (SendMessage, "about_project", _column(Message, "about_project")),
        (SendMessage, "about_project", limit_of(About.model_fields["project"])),
        (Acknowledge, "note", limit_of(MessageAcknowledged.model_fields["note"])),
        (AddNote, "target_key", _column(PrivateNote, "target_key")),
        (RotateKey, "reason", _column(SideKey, "reason")),
        (RotateKey, "reason", limit_of(KeyRotated.model_fields["reason"])),
    ],
)
def test_a_commands_limit_is_the_events_and_the_columns(
    command: type[Command], field: str, limit: int
) -> None:
    assert limit_of(command.model_fields[field]) == limit


def test_attachments_are_as_many_as_a_message_event_holds() -> None:
    assert limit_of(SendMessage.model_fields["attachments"]) == limit_of(
        MessageSent.model_fields["attachments"]
    )


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (
            lambda: SendMessage(kind="notice", subject=" ", body="x"),
            "subject",
            "a message needs a subject",
        ),
        (
            lambda: SendMessage(kind="notice", subject="S", body=" \n "),
            "body",
            "the message is empty: write its text",
        ),
        (
            lambda: SendMessage(kind="notice", subject="S" * 201, body="x"),
            "subject",
            "the subject is longer than 200 characters",
        ),
        (
            lambda: SendMessage(kind="notice", subject="S", body="x" * 50_001),
            "body",
            "the message is longer than 50,000 characters",
        ),
        (
            lambda: AddNote(target_kind="message", target_key="k", body=" "),
            "body",
            "the note is empty",
        ),
        (lambda: RotateKey(reason="  "), "reason", "say why your side rotates its key"),
        (lambda: RotateKey(), "reason", "say why your side rotates its key"),
        (
            lambda: RotateKey(reason="r" * 501),
            "reason",
            "the reason is longer than 500 characters",
        ),
    ],
)
def test_a_broken_rule_reads_as_it_did_before_the_commands(build, field, message) -> None:
    with pytest.raises(Invalid) as caught:
        build()
    assert caught.value.errors == {field: [message]}
    assert (caught.value.field, caught.value.message) == (field, message)


def test_text_is_stripped_and_a_kind_is_one_of_the_kinds() -> None:
    command = SendMessage(kind="notice", subject=" Agenda ", body="\nFriday.\n")
    assert (command.subject, command.body, command.attachments) == ("Agenda", "Friday.", ())
    with pytest.raises(Invalid, match=r"^the kind must be one of"):
        SendMessage(kind="gossip", subject="S", body="x")
    with pytest.raises(Invalid, match="must be one line"):
        SendMessage(kind="notice", subject="S", body="x", about_project="rail\x00")
    with pytest.raises(Invalid, match="how you hear of new messages must be one of"):
        SetDelivery(delivery="weekly")
    with pytest.raises(Invalid, match=r"^the list of attachments holds more than 20 items$"):
        SendMessage(kind="notice", subject="S", body="x", attachments=[Upload("a.txt", b"a")] * 21)
    assert Acknowledge(message="south-1").note == ""
    assert DeleteNote(note="abc").note == "abc"
    assert SignCheckpoint() == SignCheckpoint()
