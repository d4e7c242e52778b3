"""The input contract of each write to the channel (see ``lib/commands``): sending a
message or a reply with its files, acknowledging one, a side's private notes, and how a
member hears of new messages.

The field types are the channel's (``channel.fields``), which the event schemas and the
columns share; the rules that
need the office's state (the message answered exists, the note's record exists, the
same message was not sent a moment ago) are the actions', inside the office's lock.
"""

from __future__ import annotations

from pydantic import Field

from liaison.channel.attachments import Upload
from liaison.channel.fields import (
    ATTACHMENTS_MAX,
    DeliveryName,
    MessageKindName,
    MessageText,
    NoteText,
    ProjectKey,
    SessionKey,
    Subject,
    TargetKey,
    TargetKindName,
)
from liaison.lib.commands import Command
from liaison.lib.fields import Line, Reason


class SendMessage(Command):
    """An official message from the member's side to the other; a reply names the
    message it answers. The session and project it is about, if any, by key ("" for
    none: the lookup, not the pattern, says a key names nothing)."""

    labels = {
        "body": "the message",
        "in_reply_to": "the message answered",
        "about_session": "the session",
        "about_project": "the project",
        "attachments": "the list of attachments",
    }
    empty = {"subject": "a message needs a subject", "body": "the message is empty: write its text"}

    kind: MessageKindName
    subject: Subject
    body: MessageText
    in_reply_to: Line = ""
    about_session: SessionKey = ""
    about_project: ProjectKey = ""
    attachments: tuple[Upload, ...] = Field(default=(), max_length=ATTACHMENTS_MAX)
    confirm_duplicate: bool = False


class Acknowledge(Command):
    """The receiving side acknowledges ``message`` (its key), with an optional note."""

    labels = {"note": "the note"}

    message: Line
    note: Reason = ""


class AddNote(Command):
    """A note only the member's own side will see, on one record of the office."""

    labels = {"target_kind": "the kind of record", "target_key": "the record", "body": "the note"}
    empty = {"body": "the note is empty"}

    target_kind: TargetKindName
    target_key: TargetKey
    body: NoteText


class DeleteNote(Command):
    """The author removes their note (its key)."""

    note: Line


class SetDelivery(Command):
    """How the member hears of new messages by email."""

    labels = {"delivery": "how you hear of new messages"}

    delivery: DeliveryName
