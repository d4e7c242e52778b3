"""Email notifications: queued with what they tell of, sent by one worker.

Three outboxes hold the emails owed, each written in the transaction of what it tells
of, so neither is ever lost without the other: ``Notification`` (a new message; ``queue``
runs inside ``send_message``'s transaction), ``meetings.ScheduleNotice`` (a proposal,
its answer, a session postponed or cancelled; ``meetings.notices``) and
``offices.ActNotice`` (the operator's acts on a side's members). ``run_once`` (the
``liaison notify`` worker) sends what is due from all three: at once for members who
want each email, in one digest a day for those who chose that (the operator's acts are
sent at once all the same), nothing for those who chose none. A send that fails stays
pending with its error and is retried later, waiting longer each time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse

from liaison.channel.commands import SetDelivery
from liaison.channel.models import (
    Delivery,
    Message,
    Notification,
    NotificationPreference,
    NotificationStatus,
)
from liaison.meetings.models import ScheduleNotice
from liaison.offices.models import ActNotice, Member, Role
from liaison.offices.overview import describe_for_heads

logger = logging.getLogger("liaison.notify")

MAX_BACKOFF = dt.timedelta(hours=1)
DIGEST_EVERY = dt.timedelta(days=1)
# Every outbox spells its states alike (``NotificationStatus``).
PENDING, SENT, SKIPPED = (
    NotificationStatus.PENDING,
    NotificationStatus.SENT,
    NotificationStatus.SKIPPED,
)


def delivery_of(office_id: str, username: str) -> str:
    preference = NotificationPreference.objects.filter(
        office_id=office_id, username=username
    ).first()
    return preference.delivery if preference else Delivery.IMMEDIATELY


def set_delivery(*, member: Member, command: SetDelivery) -> NotificationPreference:
    """How the member hears of new messages: a preference of theirs, in no log."""
    preference, _ = NotificationPreference.objects.update_or_create(
        office_id=member.office_id,
        username=member.username,
        defaults={"delivery": command.delivery},
    )
    return preference


def queue(message: Message, now: dt.datetime) -> int:
    """Owe a notification to every active member of the receiving side who has an email
    address and has not turned notifications off. Returns how many."""
    today = now.astimezone(message.office.zone).date()
    members = (
        Member.objects.active_on(today)
        .filter(office_id=message.office_id, side__isnull=False)
        .exclude(side_id=message.side_id)
        .exclude(role=Role.OBSERVER)
    )
    off = set(
        NotificationPreference.objects.filter(
            office_id=message.office_id, delivery=Delivery.NONE
        ).values_list("username", flat=True)
    )
    emails = dict(
        get_user_model()
        .objects.filter(pk__in=[m.user_id for m in members])
        .exclude(email="")
        .values_list("username", "email")
    )
    owed = [
        Notification(
            office_id=message.office_id,
            username=m.username,
            message=message,
            created_at=now,
            next_attempt_at=now,
        )
        for m in members
        if m.username in emails and m.username not in off
    ]
    Notification.objects.bulk_create(owed)
    return len(owed)


def _link(message: Message) -> str:
    path = reverse("office-dashboard", args=[message.office_id]) + f"messages/{message.key}/"
    return settings.LIAISON_BASE_URL.rstrip("/") + path


def _describe(message: Message) -> str:
    return (
        f"{message.get_kind_display()} from {message.side.name}, sent "
        f"{message.sent_at.astimezone(message.office.zone):%d %b %Y %H:%M %Z} by "
        f"{message.sent_by}\n{message.subject}\n\n{message.body}\n\n{_link(message)}\n"
    )


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    digests: int = 0


def _message_mail(note: Notification) -> tuple[str, str]:
    message = note.message
    title = f"{message.get_kind_display()} from {message.side.name}: {message.subject}"
    return title, _describe(message)


def _act_notice_mail(note: ActNotice) -> tuple[str, str]:
    text = describe_for_heads(note.act)
    return text, _act_mail(note, text)


def _schedule_mail(note: ScheduleNotice) -> tuple[str, str]:
    return note.subject, f"{note.body}\n\n{note.link}\n"


@dataclass(frozen=True)
class Outbox:
    """One kind of owed email: its table (each has the same delivery columns), what to
    read with a row, how it is worded (a subject, a text), and whether a member who chose
    the daily digest gets it there rather than at once."""

    model: Any
    related: tuple[str, ...]
    compose: Callable[[Any], tuple[str, str]]
    digested: bool
    # The digest's subject counts these: "2 new messages", "1 schedule update".
    noun: str = ""

    def read(self, rows: Any) -> Any:
        return rows.select_related(*self.related) if self.related else rows


OUTBOXES = (
    Outbox(Notification, ("message__side", "message__office"), _message_mail, True, "new message"),
    Outbox(ScheduleNotice, (), _schedule_mail, True, "schedule update"),
    # The operator's acts concern who may act as whom: told at once, whatever the digest.
    Outbox(ActNotice, ("act__member__side", "office"), _act_notice_mail, False),
)


def _failed(note: Any, now: dt.datetime, error: Exception) -> None:
    note.attempts += 1
    note.last_error = f"{type(error).__name__}: {error}"[:2000]
    note.next_attempt_at = now + min(dt.timedelta(minutes=2 ** (note.attempts - 1)), MAX_BACKOFF)
    note.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    logger.warning(
        "notification %s to %s failed (attempt %s): %s",
        note.pk,
        note.username,
        note.attempts,
        error,
    )


def run_once(now: dt.datetime) -> Outcome:
    """Send every email due at ``now`` from every outbox; digests for members due one."""
    outcome = Outcome()
    emails = dict(get_user_model().objects.exclude(email="").values_list("username", "email"))
    digest_members: set[tuple[str, str]] = set()
    for box in OUTBOXES:
        _send_due(box, now, emails, outcome, digest_members)
    for office_id, username in sorted(digest_members):
        outcome.digests += _digest(office_id, username, emails[username], now)
    return outcome


def _send_due(
    box: Outbox,
    now: dt.datetime,
    emails: dict[str, str],
    outcome: Outcome,
    digest_members: set[tuple[str, str]],
) -> None:
    """Send one outbox's due emails, each in its own transaction: a failure keeps that
    one pending with its error (retried later, waiting longer each time), never the rest."""
    due = box.model.objects.filter(status=PENDING, next_attempt_at__lte=now)
    for pk in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            rows = box.model.objects.filter(pk=pk, status=PENDING)
            if connection.vendor == "postgresql":
                # Locked, so that two workers never send it twice. Only the outbox row:
                # PostgreSQL cannot lock the nullable side of the joins ``read`` adds.
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            note = box.read(rows).first()
            if note is None:
                continue
            delivery = delivery_of(note.office_id, note.username)
            address = emails.get(note.username)
            if delivery == Delivery.NONE or address is None:
                note.status = SKIPPED
                note.save(update_fields=["status"])
                outcome.skipped += 1
                continue
            if delivery == Delivery.DAILY and box.digested:
                digest_members.add((note.office_id, note.username))
                continue
            title, text = box.compose(note)
            try:
                send_mail(f"[Liaison {note.office_id}] {title}", text, None, [address])
            except Exception as exc:  # any backend failure: keep it pending, retry later
                _failed(note, now, exc)
                outcome.failed += 1
                continue
            note.status, note.sent_at, note.attempts = SENT, now, note.attempts + 1
            note.save(update_fields=["status", "sent_at", "attempts"])
            outcome.sent += 1


def _act_mail(note: ActNotice, text: str) -> str:
    at = note.act.at.astimezone(note.office.zone)
    link = settings.LIAISON_BASE_URL.rstrip("/") + reverse(
        "office-dashboard", args=[note.office_id]
    )
    return (
        f"{text} on {at:%a %d %b %Y %H:%M %Z} ({note.office.name}).\n\n"
        "It is recorded in the office's charter log; your dashboard lists the operator's "
        f"acts on your side's members.\n\n{link}\n"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _digest(office_id: str, username: str, address: str, now: dt.datetime) -> int:
    """One email with everything pending for a daily-digest member (messages, then
    schedule updates, each oldest first), once a day."""
    with transaction.atomic():
        preference = NotificationPreference.objects.select_for_update().get(
            office_id=office_id, username=username
        )
        if preference.last_digest_at and now - preference.last_digest_at < DIGEST_EVERY:
            return 0
        found = [
            (
                box,
                list(
                    box.read(
                        box.model.objects.filter(
                            office_id=office_id,
                            username=username,
                            status=PENDING,
                            next_attempt_at__lte=now,
                        )
                    )
                ),
            )
            for box in OUTBOXES
            if box.digested
        ]
        notes = [note for _, rows in found for note in rows]
        if not notes:
            return 0
        text = "\n\n".join(box.compose(note)[1] for box, rows in found for note in rows)
        counts = " and ".join(_plural(len(rows), box.noun) for box, rows in found if rows)
        try:
            send_mail(f"[Liaison {office_id}] {counts}", text, None, [address])
        except Exception as exc:
            for note in notes:
                _failed(note, now, exc)
            return 0
        for box, rows in found:
            box.model.objects.filter(pk__in=[n.pk for n in rows]).update(status=SENT, sent_at=now)
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
    return 1
