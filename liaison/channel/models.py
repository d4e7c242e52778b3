"""The channel: official messages between the sides, their receipts, and each side's
private notes.

Messages and receipts are projections of the sides' logs: a message is in its sender's
log, a receipt in the receiving side's log and names the message's event by hash. A
private note is a side's own content and never enters a shared log (``PrivateNote``).
"""

from __future__ import annotations

import secrets

from django.db import models

from liaison.channel.fields import (
    ATTACHMENT_NAME_MAX,
    SESSION_KEY_MAX,
    SUBJECT_MAX,
    TARGET_KEY_MAX,
)
from liaison.ledger.projection import Projection, ProjectionQuerySet
from liaison.lib.fields import KEY_MAX, text_problem
from liaison.offices.models import Member, Office, Side


class MessageKind(models.TextChoices):
    NOTICE = "notice", "Notice"
    PROPOSAL = "proposal", "Proposal"
    REPLY = "reply", "Reply"
    PROTEST = "protest", "Protest"
    OTHER = "other", "Other"


class MessageQuerySet(ProjectionQuerySet):
    def to_side(self, side: Side) -> MessageQuerySet:
        return self.exclude(side=side)

    def from_side(self, side: Side) -> MessageQuerySet:
        return self.filter(side=side)

    def search(self, text: str) -> MessageQuerySet:
        text = text.strip()
        if not text:
            return self
        if text_problem(text, one_line=False):
            # No message holds such characters, and PostgreSQL refuses a NUL in a query.
            return self.none()
        return self.filter(models.Q(subject__icontains=text) | models.Q(body__icontains=text))


class Message(Projection):
    """An official communication from one side to the other. Its key is its sending
    event's place, ``<side>-<seq>``, unique in the office."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="messages")
    key = models.SlugField(max_length=80)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="sent_messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    subject = models.CharField(max_length=SUBJECT_MAX)
    body = models.TextField()
    sent_by = models.CharField(max_length=150)
    sent_at = models.DateTimeField()
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    thread = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="thread_messages"
    )
    about_session = models.CharField(max_length=SESSION_KEY_MAX, blank=True)
    about_project = models.CharField(max_length=KEY_MAX, blank=True)
    event_seq = models.PositiveBigIntegerField()
    event_hash = models.CharField(max_length=64)

    objects = MessageQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["office", "-sent_at", "key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="message_unique_key"),
        ]
        indexes = [models.Index(fields=["office", "sent_at"])]

    def __str__(self) -> str:
        return self.subject

    @staticmethod
    def make_id(office: str, key: str) -> str:
        return f"{office}:{key}"


class Attachment(Projection):
    """A file sent with a message: stored outside the database under its SHA-256, which
    the message's event carries."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=ATTACHMENT_NAME_MAX)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["message", "position"]
        # A failed write looks up, across offices, whether a committed message names a
        # file it stored (``attachments.storing``).
        indexes = [models.Index(fields=["sha256"], name="attachment_sha256")]


class ReceiptKind(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class Receipt(Projection):
    """Recorded by the receiving side: ``delivered`` once (first shown to any of its
    members), ``read`` once per member, ``acknowledged`` once (its head or deputy)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="receipts")
    kind = models.CharField(max_length=16, choices=ReceiptKind.choices)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    member = models.CharField(max_length=150)
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    event = models.CharField(max_length=200)

    class Meta:
        ordering = ["message", "at", "kind", "member"]

    @staticmethod
    def make_id(office: str, message: str, kind: str, member: str) -> str:
        # ``delivered`` and ``acknowledged`` are once per message: their member is "".
        return f"{office}:{message}:{kind}:{member}"


class TargetKind(models.TextChoices):
    SESSION = "session", "Session"
    RECORD = "record", "Meeting record"
    MINUTES = "minutes", "Minutes"
    PROJECT = "project", "Project"
    MESSAGE = "message", "Message"
    COMMITMENT = "commitment", "Commitment"


def new_note_key() -> str:
    return secrets.token_urlsafe(16)


class PrivateNoteQuerySet(models.QuerySet):
    def of_side(self, member: Member) -> PrivateNoteQuerySet:
        """The notes of the member's own side, in its office: nobody else's, ever (an
        observer, on no side, has none)."""
        return self.filter(office_id=member.office_id, side_id=member.side_id)


class PrivateNote(models.Model):
    """A side's own note on any record: only members of that side ever see it.

    It is named by ``key``, 128 random bits, wherever it is shown (the API's ``id``, the
    pages' anchors and forms), never by its primary key: one sequence numbers every
    side's notes, so the other side, writing a note before and after, would learn from
    the gap that and when this side wrote some."""

    key = models.CharField(max_length=32, unique=True, default=new_note_key, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    target_kind = models.CharField(max_length=16, choices=TargetKind.choices)
    target_key = models.CharField(max_length=TARGET_KEY_MAX)
    body = models.TextField()
    author = models.CharField(max_length=150)
    created_at = models.DateTimeField()

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["office", "side", "target_kind", "target_key"])]

    def __str__(self) -> str:
        return f"note on {self.target_kind} {self.target_key} ({self.side_id})"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DAILY = "daily", "Daily digest"
    NONE = "none", "None"


class NotificationPreference(models.Model):
    """How a member wants to hear of new messages by email. Not part of the record."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)
    delivery = models.CharField(
        max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "username"], name="preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.username}: {self.delivery}"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"


class Notification(models.Model):
    """An email owed to a member about a message: written in the transaction that sends
    the message, so a notification is never lost; the worker (``liaison notify``) sends
    it, and a failed send stays pending with its error until a retry succeeds."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)
    message = models.ForeignKey(
        Message, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.username} ← {self.message_id} ({self.status})"
