"""Email notifications of new messages: queued with the message, sent by a worker.

``queue`` runs inside ``send_message``'s transaction, so a message and the notifications
it owes commit together: neither is ever lost without the other. ``run_once`` (the
``liaison notify`` worker) sends what is due: at once for members who want each message,
in one digest a day for those who chose that, nothing for those who chose none. A send
that fails stays pending with its error and is retried later, waiting longer each time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse

from liaison.channel.models import (
    Delivery,
    Message,
    Notification,
    NotificationPreference,
    NotificationStatus,
)
from liaison.offices.models import ActNotice, Member, Role
from liaison.offices.overview import describe_for_heads

logger = logging.getLogger("liaison.notify")

MAX_BACKOFF = dt.timedelta(hours=1)
DIGEST_EVERY = dt.timedelta(days=1)


def delivery_of(office_id: str, username: str) -> str:
    preference = NotificationPreference.objects.filter(
        office_id=office_id, username=username
    ).first()
    return preference.delivery if preference else Delivery.IMMEDIATELY


def set_delivery(member: Member, delivery: str) -> NotificationPreference:
    if delivery not in Delivery.values:
        from liaison.lib.errors import Refused

        raise Refused(f"choose one of {', '.join(Delivery.values)}", field="delivery")
    preference, _ = NotificationPreference.objects.update_or_create(
        office_id=member.office_id, username=member.username, defaults={"delivery": delivery}
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


def _due(now: dt.datetime) -> list[int]:
    rows = Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
    return list(rows.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:500])


def _locked(pk: int) -> Notification | None:
    """The pending notification, locked so that two workers never send it twice."""
    rows = Notification.objects.filter(pk=pk, status=NotificationStatus.PENDING)
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(skip_locked=True)
    return rows.select_related("message__side", "message__office").first()


def _failed(note: Notification, now: dt.datetime, error: Exception) -> None:
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
    """Send every notification due at ``now``; digests for members due one."""
    outcome = Outcome()
    emails = dict(get_user_model().objects.exclude(email="").values_list("username", "email"))
    digest_members: set[tuple[str, str]] = set()
    for pk in _due(now):
        with transaction.atomic():
            note = _locked(pk)
            if note is None:
                continue
            delivery = delivery_of(note.office_id, note.username)
            address = emails.get(note.username)
            if delivery == Delivery.NONE or address is None:
                note.status = NotificationStatus.SKIPPED
                note.save(update_fields=["status"])
                outcome.skipped += 1
                continue
            if delivery == Delivery.DAILY:
                digest_members.add((note.office_id, note.username))
                continue
            message = note.message
            try:
                send_mail(
                    f"[Liaison {message.office_id}] {message.get_kind_display()} from "
                    f"{message.side.name}: {message.subject}",
                    _describe(message),
                    None,
                    [address],
                )
            except Exception as exc:  # any backend failure: keep it pending, retry later
                _failed(note, now, exc)
                outcome.failed += 1
                continue
            note.status, note.sent_at, note.attempts = (
                NotificationStatus.SENT,
                now,
                note.attempts + 1,
            )
            note.save(update_fields=["status", "sent_at", "attempts"])
            outcome.sent += 1
    for office_id, username in sorted(digest_members):
        outcome.digests += _digest(office_id, username, emails[username], now)
    _send_act_notices(now, emails, outcome)
    return outcome


def _send_act_notices(now: dt.datetime, emails: dict[str, str], outcome: Outcome) -> None:
    """The operator's acts told to the heads of the member's side (liaison.offices): at
    once, whatever the digest choice, since they concern who may act as whom; not at all
    for a member who turned notifications off."""
    due = ActNotice.objects.filter(status=ActNotice.Status.PENDING, next_attempt_at__lte=now)
    for pk in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            rows = ActNotice.objects.filter(pk=pk, status=ActNotice.Status.PENDING)
            if connection.vendor == "postgresql":
                rows = rows.select_for_update(skip_locked=True)
            note = rows.select_related("act__member__side", "office").first()
            if note is None:
                continue
            address = emails.get(note.username)
            if address is None or delivery_of(note.office_id, note.username) == Delivery.NONE:
                note.status = ActNotice.Status.SKIPPED
                note.save(update_fields=["status"])
                outcome.skipped += 1
                continue
            text = describe_for_heads(note.act)
            try:
                send_mail(
                    f"[Liaison {note.office_id}] {text}", _act_mail(note, text), None, [address]
                )
            except Exception as exc:  # any backend failure: keep it pending, retry later
                _failed(note, now, exc)  # type: ignore[arg-type]
                outcome.failed += 1
                continue
            note.status, note.sent_at, note.attempts = ActNotice.Status.SENT, now, note.attempts + 1
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


def _digest(office_id: str, username: str, address: str, now: dt.datetime) -> int:
    """One email with every pending message for a daily-digest member, once a day."""
    with transaction.atomic():
        preference = NotificationPreference.objects.select_for_update().get(
            office_id=office_id, username=username
        )
        if preference.last_digest_at and now - preference.last_digest_at < DIGEST_EVERY:
            return 0
        notes = list(
            Notification.objects.filter(
                office_id=office_id,
                username=username,
                status=NotificationStatus.PENDING,
                next_attempt_at__lte=now,
            ).select_related("message__side", "message__office")
        )
        if not notes:
            return 0
        text = "\n\n".join(_describe(n.message) for n in notes)
        try:
            send_mail(
                f"[Liaison {office_id}] {len(notes)} new message{'s' if len(notes) != 1 else ''}",
                text,
                None,
                [address],
            )
        except Exception as exc:
            for note in notes:
                _failed(note, now, exc)
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
            status=NotificationStatus.SENT, sent_at=now
        )
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
    return 1
