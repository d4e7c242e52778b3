"""What the channel endpoints take and give: messages with their receipts and files,
private notes and notification settings. Same conventions as ``schemas``: instants out
in UTC. The kinds and limits are the channel's field types (``channel.fields``), which
the commands (``channel.commands``) share; the operation builds the command from the
payload, which checks the rest (an empty subject, a control character) as a 400 naming
the field.
"""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import StrictBool

from liaison.api.schemas import UtcInstant
from liaison.channel.fields import (
    ATTACHMENT_NAME_MAX,
    ATTACHMENTS_MAX,
    BODY_MAX,
    SESSION_KEY_MAX,
    SUBJECT_MAX,
    TARGET_KEY_MAX,
    DeliveryName,
    MessageKindName,
    TargetKindName,
)
from liaison.lib.fields import KEY_MAX, REASON_MAX

# Messages


class AboutOut(Schema):
    session: str | None = Field(description="the session's key, if the message is about one")
    project: str | None = Field(description="the project's key, if the message is about one")


class AttachmentOut(Schema):
    name: str
    content_type: str = Field(description="what the file's bytes are, not what its name says")
    size: int = Field(description="bytes")
    sha256: str
    url: str = Field(description="where the file's bytes are served (members of the office)")


class ReceiptOut(Schema):
    member: str = Field(description="username of the receiving side's member")
    at: UtcInstant


class AcknowledgedOut(ReceiptOut):
    note: str


class ReceiptsOut(Schema):
    delivered: ReceiptOut | None = Field(
        description="the first time any member of the receiving side was shown the message"
    )
    reads: list[ReceiptOut] = Field(description="each receiving member's first opening")
    acknowledged: AcknowledgedOut | None = Field(
        description="the receiving side's head or deputy acknowledged it"
    )


class MessageOut(Schema):
    key: str = Field(description="<side>-<seq> of the event that sent it")
    kind: MessageKindName
    subject: str
    body: str
    side: str = Field(description="the sending side")
    sent_by: str
    sent_at: UtcInstant
    in_reply_to: str | None = Field(description="the key of the message it answers")
    thread: str = Field(description="the key of the thread's first message")
    about: AboutOut
    attachments: list[AttachmentOut]
    receipts: ReceiptsOut


class MessagePageOut(Schema):
    items: list[MessageOut] = Field(description="newest first")
    page: int
    pages: int
    count: int = Field(description="messages on every page together")


class ThreadOut(Schema):
    thread: str = Field(description="the key of the thread's first message")
    messages: list[MessageOut] = Field(description="oldest first")


class AwaitingOut(MessageOut):
    waiting_seconds: int = Field(description="since it was sent")


class AttachmentIn(Schema):
    name: str = Field(
        max_length=ATTACHMENT_NAME_MAX, description="its extension must match its content"
    )
    content_base64: str = Field(description="the file's bytes, base64 (RFC 4648)")


class MessageIn(Schema):
    kind: MessageKindName
    subject: str = Field(max_length=SUBJECT_MAX)
    body: str = Field(max_length=BODY_MAX)
    in_reply_to: str | None = Field(None, description="the key of the message it answers")
    about_session: str = Field("", max_length=SESSION_KEY_MAX)
    about_project: str = Field("", max_length=KEY_MAX)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=ATTACHMENTS_MAX)
    confirm_duplicate: StrictBool = Field(
        False,
        description="send it even though your side sent an identical message (subject, "
        "text, message answered and files) within LIAISON_DUPLICATE_MESSAGE_MINUTES; "
        "without it such a message is a 409 naming the one sent",
    )


class DuplicateOf(Schema):
    key: str = Field(description="the identical message your side sent")
    sent_at: UtcInstant


class DuplicateOut(Schema):
    detail: str
    field: str = Field(description="confirm_duplicate")
    duplicate: DuplicateOf


class AcknowledgeIn(Schema):
    note: str = Field("", max_length=REASON_MAX)


# Private notes


class NoteOut(Schema):
    id: str = Field(
        description="the note's own random key: it says nothing of other notes, either side's"
    )
    target_kind: TargetKindName
    target_key: str
    body: str
    author: str
    side: str
    created_at: UtcInstant


class NoteIn(Schema):
    target_kind: TargetKindName
    target_key: str = Field(max_length=TARGET_KEY_MAX)
    body: str = Field(max_length=BODY_MAX)


# Notifications


class NotificationsOut(Schema):
    delivery: DeliveryName = Field(
        description="email about new messages: each at once, one digest a day, or none"
    )


class NotificationsIn(Schema):
    delivery: DeliveryName
