"""An operator's act on a side's member owes an email to that side's head and deputy,
queued with the act and sent by ``liaison notify`` (at once, retried when the mail server
fails, not at all for who turned notifications off); the other side is told nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from liaison.channel import notify
from liaison.channel.commands import SetDelivery
from liaison.offices import actions
from liaison.offices.commands import ChangeMember
from liaison.offices.models import ActNotice
from liaison.testing import OPERATOR, T0, World

pytestmark = pytest.mark.django_db

LATER = T0 + dt.timedelta(days=1)


@pytest.fixture
def emailed(world: World) -> World:
    for member in world.members.values():
        member.user.email = f"{member.username}@example.org"
        member.user.save()
    return world


def reset(world: World) -> None:
    user = world.south_staff.user
    user.set_password("the operator's choice")
    user.save()


def test_a_reset_is_mailed_to_the_sides_head_and_deputy_only(emailed, time_machine):
    time_machine.move_to(LATER, tick=False)
    reset(emailed)
    owed = sorted(ActNotice.objects.values_list("username", flat=True))
    assert owed == ["testoffice-south-deputy", "testoffice-south-head"]
    outcome = notify.run_once(LATER)
    assert outcome.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "testoffice-south-deputy@example.org",
        "testoffice-south-head@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject == "[Liaison testoffice] The operator reset South Staff's password"
    assert "on Tue 02 Jan 2024 09:00 KST (Office testoffice)" in message.body
    assert notify.run_once(LATER).sent == 0  # once


def test_membership_acts_are_told_too_and_an_observer_concerns_no_side(emailed):
    actions.change_member(
        member=emailed.north_staff,
        command=ChangeMember(full_name="North Staff", role="deputy"),
        actor=OPERATOR,
        now=LATER,
    )
    actions.change_member(
        member=emailed.observer,
        command=ChangeMember(full_name="Observer", role="observer", title="Analyst"),
        actor=OPERATOR,
        now=LATER,
    )
    owed = sorted(ActNotice.objects.values_list("username", flat=True))
    # The North's head and deputy, and the newly made deputy, who is one of them now.
    assert owed == ["testoffice-north-deputy", "testoffice-north-head", "testoffice-north-staff"]


def test_a_failing_mail_server_keeps_the_notice_for_a_retry(emailed, monkeypatch):
    notify.set_delivery(member=emailed.south_deputy, command=SetDelivery(delivery="none"))
    reset(emailed)

    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notify, "send_mail", broken)
    now = dt.datetime.now(dt.UTC)
    outcome = notify.run_once(now)
    assert (outcome.failed, outcome.skipped) == (1, 1)  # the deputy turned them off
    pending = ActNotice.objects.get(status=ActNotice.Status.PENDING)
    assert pending.username == "testoffice-south-head"
    assert "mail server down" in pending.last_error
    monkeypatch.undo()
    assert notify.run_once(now + dt.timedelta(minutes=1)).sent == 1
    assert [m.to[0] for m in mail.outbox] == ["testoffice-south-head@example.org"]


def test_no_address_no_notice(world):
    reset(world)
    assert not ActNotice.objects.exists()
