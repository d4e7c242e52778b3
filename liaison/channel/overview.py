"""Read models for the inbox, the sent list, a thread and the dashboard's "awaiting"
panel: each a fixed number of queries, however many messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch

from liaison.channel.models import Message, MessageKind, Receipt, ReceiptKind
from liaison.offices.models import Member, Office, Role

PAGE_SIZE = 25


def _listing(rows):  # type: ignore[no-untyped-def]
    return (
        rows.select_related("side")
        .prefetch_related(
            Prefetch("receipts", queryset=Receipt.objects.order_by("at", "kind", "member")),
            "attachments",
        )
        .order_by("-sent_at", "-key")
    )


def inbox(member: Member, search: str = "", page: int | str = 1) -> Page[Message]:
    """Messages sent to the member's side (to an observer: every message), newest first."""
    rows = Message.objects.filter(office_id=member.office_id).search(search)
    if member.side_id is not None and member.role != Role.OBSERVER:
        rows = rows.exclude(side_id=member.side_id)
    return Paginator(_listing(rows), PAGE_SIZE).get_page(page)


def sent(member: Member, search: str = "", page: int | str = 1) -> Page[Message]:
    """Messages the member's side sent, newest first (observers: none)."""
    rows = Message.objects.filter(office_id=member.office_id, side_id=member.side_id).search(search)
    if member.side_id is None or member.role == Role.OBSERVER:
        rows = rows.none()
    return Paginator(_listing(rows), PAGE_SIZE).get_page(page)


@dataclass(frozen=True)
class Receipts:
    """What the sender sees of one message: when it was delivered, who read it when,
    and who acknowledged it."""

    delivered: Receipt | None
    reads: list[Receipt]
    acknowledged: Receipt | None

    @classmethod
    def of(cls, message: Message) -> Receipts:
        receipts = list(message.receipts.all())
        return cls(
            delivered=next((r for r in receipts if r.kind == ReceiptKind.DELIVERED), None),
            reads=[r for r in receipts if r.kind == ReceiptKind.READ],
            acknowledged=next((r for r in receipts if r.kind == ReceiptKind.ACKNOWLEDGED), None),
        )


def thread(office: Office, key: str) -> list[Message]:
    """The whole thread a message belongs to, oldest first, with receipts and files."""
    message = Message.objects.filter(office=office, key=key).first()
    if message is None:
        return []
    root = message.thread_id or message.pk
    rows = Message.objects.for_office(office).filter(pk=root) | Message.objects.filter(
        office=office, thread_id=root
    )
    return list(_listing(rows).order_by("sent_at", "key"))


@dataclass(frozen=True)
class Awaiting:
    message: Message
    waiting: dt.timedelta


# Kinds that expect an answer from the other side.
EXPECTS_ANSWER = (MessageKind.NOTICE, MessageKind.PROPOSAL, MessageKind.PROTEST)


def awaiting(office: Office, side_id: str, now: dt.datetime) -> list[Awaiting]:
    """Notices, proposals and protests ``side_id`` sent that the other side has neither
    acknowledged nor answered, longest waiting first."""
    other_reply = Message.objects.filter(in_reply_to=OuterRef("pk")).exclude(side_id=side_id)
    acknowledged = Receipt.objects.filter(message=OuterRef("pk"), kind=ReceiptKind.ACKNOWLEDGED)
    rows = (
        Message.objects.filter(office=office, side_id=side_id, kind__in=EXPECTS_ANSWER)
        .annotate(replied=Exists(other_reply), acked=Exists(acknowledged))
        .filter(replied=False, acked=False)
        .select_related("side")
        .order_by("sent_at")
    )
    return [Awaiting(message=m, waiting=now - m.sent_at) for m in rows]
