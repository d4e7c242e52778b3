"""Email notifications: queued with the message, sent by the worker, retried after a
failing backend without losing anything, digests once a day, none for those who opted out."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from liaison.channel import messages, notify
from liaison.channel.commands import SendMessage, SetDelivery
from liaison.channel.models import Notification
from liaison.testing import T0, World

NOW = T0 + dt.timedelta(days=1)


@pytest.fixture
def emailed(world: World) -> World:
    for member in world.members.values():
        member.user.email = f"{member.username}@example.org"
        member.user.save()
    return world


def send(world: World, subject: str = "Meeting on Friday", at: dt.datetime = NOW):
    return messages.send_message(
        member=world.south_head,
        command=SendMessage(kind="notice", subject=subject, body="We propose to meet."),
        now=at,
    )


def test_a_message_owes_an_email_to_each_member_of_the_other_side(emailed):
    send(emailed)
    owed = sorted(Notification.objects.values_list("username", flat=True))
    assert owed == ["testoffice-north-deputy", "testoffice-north-head", "testoffice-north-staff"]
    outcome = notify.run_once(NOW)
    assert (outcome.sent, outcome.failed) == (3, 0)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "testoffice-north-deputy@example.org",
        "testoffice-north-head@example.org",
        "testoffice-north-staff@example.org",
    ]
    assert mail.outbox[0].subject == "[Liaison testoffice] Notice from The South: Meeting on Friday"
    assert "http://127.0.0.1:8000/offices/testoffice/messages/south-1/" in mail.outbox[0].body
    assert notify.run_once(NOW).sent == 0  # each is sent once


def test_a_failing_backend_keeps_the_notification_and_a_retry_sends_it(emailed, monkeypatch):
    notify.set_delivery(member=emailed.north_deputy, command=SetDelivery(delivery="none"))
    notify.set_delivery(member=emailed.north_staff, command=SetDelivery(delivery="none"))
    send(emailed)
    calls = []

    def broken(*args, **kwargs):
        calls.append(args)
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notify, "send_mail", broken)
    assert notify.run_once(NOW).failed == 1
    (note,) = Notification.objects.all()
    assert (note.status, note.attempts) == ("pending", 1)
    assert "mail server down" in note.last_error
    assert note.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert notify.run_once(NOW + dt.timedelta(seconds=30)).failed == 0  # not due yet
    assert notify.run_once(NOW + dt.timedelta(minutes=1)).failed == 1
    note.refresh_from_db()
    assert note.next_attempt_at == NOW + dt.timedelta(minutes=3)  # waits twice as long
    monkeypatch.undo()
    assert notify.run_once(NOW + dt.timedelta(minutes=3)).sent == 1
    note.refresh_from_db()
    assert (note.status, note.attempts) == ("sent", 3)
    assert len(mail.outbox) == 1


def test_daily_digest_gathers_messages_once_a_day(emailed):
    for member in (emailed.north_head, emailed.north_deputy, emailed.north_staff):
        notify.set_delivery(
            member=member,
            command=SetDelivery(delivery="daily" if member == emailed.north_head else "none"),
        )
    send(emailed, "First")
    send(emailed, "Second", NOW + dt.timedelta(minutes=5))
    assert notify.run_once(NOW + dt.timedelta(minutes=10)).digests == 1
    (digest,) = mail.outbox
    assert digest.subject == "[Liaison testoffice] 2 new messages"
    assert "First" in digest.body and "Second" in digest.body
    send(emailed, "Third", NOW + dt.timedelta(hours=1))
    assert notify.run_once(NOW + dt.timedelta(hours=2)).digests == 0  # one a day
    assert notify.run_once(NOW + dt.timedelta(days=1, minutes=10)).digests == 1
    assert "Third" in mail.outbox[1].body


def test_members_who_chose_none_or_have_no_address_get_nothing(world):
    send(world)  # nobody in the plain world has an email address
    assert not Notification.objects.exists()


def test_the_worker_command_runs_once(emailed):
    import time_machine

    send(emailed)
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("notify", "--once", stdout=out)
    assert out.getvalue().strip() == "sent 3, digests 0, failed 0 (kept for a retry), skipped 0"
