"""Event types for messages and their receipts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from liaison.channel.fields import (
    ATTACHMENTS_MAX,
    FileName,
    MessageKindName,
    MessageText,
    ProjectKey,
    SessionKey,
    Subject,
)
from liaison.channel.models import Attachment, Message, Receipt
from liaison.ledger.events import Applied, Body, Ref, event_type
from liaison.lib.fields import Line, Reason
from liaison.offices.models import Side


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class AttachmentBody(_Part):
    name: FileName
    content_type: Line = Field(min_length=3, max_length=100)
    size: int = Field(ge=1, le=2**53 - 1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class About(_Part):
    session: SessionKey = ""
    project: ProjectKey = ""


def message_key(side: str, seq: int) -> str:
    return f"{side}-{seq}"


@event_type("message.sent")
class MessageSent(Body):
    """A side sends an official message; a reply names the message it answers."""

    kind: MessageKindName
    subject: Subject
    body: MessageText
    in_reply_to: Ref | None
    about: About
    attachments: list[AttachmentBody] = Field(max_length=ATTACHMENTS_MAX)

    def references(self) -> list[Ref]:
        return [self.in_reply_to] if self.in_reply_to else []

    def apply(self, event: Applied) -> None:
        key = message_key(event.side, event.seq)
        parent = None
        if self.in_reply_to is not None:
            parent = Message.objects.get(
                office_id=event.office,
                key=message_key(self.in_reply_to.side, self.in_reply_to.seq),
            )
        message = Message.objects.create(
            id=Message.make_id(event.office, key),
            office_id=event.office,
            key=key,
            side_id=Side.make_id(event.office, event.side),
            kind=self.kind,
            subject=self.subject,
            body=self.body,
            sent_by=event.actor,
            sent_at=event.at,
            in_reply_to=parent,
            thread_id=(parent.thread_id or parent.pk) if parent else None,
            about_session=self.about.session,
            about_project=self.about.project,
            event_seq=event.seq,
            event_hash=event.hash,
        )
        Attachment.objects.bulk_create(
            Attachment(
                id=f"{message.pk}:{position}",
                office_id=event.office,
                message=message,
                position=position,
                name=a.name,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
            )
            for position, a in enumerate(self.attachments, start=1)
        )


class _Receipt(Body):
    message: Ref

    def references(self) -> list[Ref]:
        return [self.message]

    def _record(self, event: Applied, kind: str, member: str, note: str = "") -> None:
        key = message_key(self.message.side, self.message.seq)
        Receipt.objects.create(
            id=Receipt.make_id(event.office, key, kind, member),
            office_id=event.office,
            message_id=Message.make_id(event.office, key),
            kind=kind,
            side_id=Side.make_id(event.office, event.side),
            member=event.actor,
            at=event.at,
            note=note,
            event=event.ref,
        )


@event_type("message.delivered")
class MessageDelivered(_Receipt):
    """The message was first shown to a member of the receiving side."""

    def apply(self, event: Applied) -> None:
        self._record(event, "delivered", "")


@event_type("message.read")
class MessageRead(_Receipt):
    """A member of the receiving side opened the message."""

    def apply(self, event: Applied) -> None:
        self._record(event, "read", event.actor)


@event_type("message.acknowledged")
class MessageAcknowledged(_Receipt):
    """The receiving side's head or deputy acknowledges the message, explicitly."""

    note: Reason = ""

    def apply(self, event: Applied) -> None:
        self._record(event, "acknowledged", "", self.note)
