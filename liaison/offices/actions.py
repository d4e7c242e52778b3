"""The operator's actions: chartering an office, adding and changing members, and every
act of his on a member's account (``record_operator_act``).

They go to the office's charter log (side ``""``), whose single writer is the operator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from liaison.ledger import log
from liaison.ledger.models import Event
from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.offices.commands import AddMember, ChangeMember, CharterOffice, EndMembership
from liaison.offices.models import ActNotice, Member, Office, OperatorAct, Role

CHARTER = ""


def charter_office(*, command: CharterOffice, actor: str, now: dt.datetime | None = None) -> Office:
    """Create an office between exactly two sides, with its rules for proposals."""
    slug = command.slug
    first, second = command.sides
    if first.key == second.key:
        raise Refused("the two sides need different keys", field="sides")
    with log.writing(slug):
        if Office.objects.filter(id=slug).exists():
            raise Refused(f"an office named {slug!r} already exists", field="slug")
        log.append(
            office=slug,
            side=CHARTER,
            actor=actor,
            type="office.chartered",
            at=now or clock.now(),
            body={
                "name": command.name,
                "place": command.place,
                "time_zone": command.time_zone,
                "launched_on": command.launched_on.isoformat(),
                "sides": [
                    {"key": s.key, "name": s.name, "language": s.language, "time_zone": s.time_zone}
                    for s in command.sides
                ],
                "min_notice_minutes": command.min_notice_minutes,
                "min_grace_minutes": command.min_grace_minutes,
            },
        )
    return Office.objects.get(id=slug)


def add_member(
    *, office: Office, command: AddMember, actor: str, now: dt.datetime | None = None
) -> Member:
    """Tie an account to an office as a member of a side (or of neither, for observers)."""
    now = now or clock.now()
    username, side, role = command.username, command.side, command.role
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Refused(f"there is no account named {username!r}; create it first", field="username")
    if side is None and role != Role.OBSERVER:
        raise Refused("only an observer can belong to neither side", field="side")
    active_from = command.active_from or now.astimezone(office.zone).date()
    with log.writing(office.id):
        if side is not None and not office.sides.filter(key=side).exists():
            raise Refused(f"office {office.id} has no side {side!r}", field="side")
        if office.members.filter(username=username).exists():
            raise Refused(f"{username} is already a member of {office.id}", field="username")
        if (
            role == Role.HEAD
            and office.members.active_on(active_from)
            .filter(side__key=side, role=Role.HEAD)
            .exists()
        ):
            raise Refused(
                f"side {side} already has a head; end that membership first", field="role"
            )
        event = log.append(
            office=office.id,
            side=CHARTER,
            actor=actor,
            type="member.added",
            at=now,
            body={
                "username": username,
                "user_id": user.pk,
                "full_name": command.full_name,
                "title": command.title,
                "role": role,
                "side": side,
                "time_zone": command.time_zone,
                "active_from": active_from.isoformat(),
            },
        )
        tell_heads(event, now)
    return office.members.get(username=username)


def change_member(
    *, member: Member, command: ChangeMember, actor: str, now: dt.datetime | None = None
) -> Member:
    """Change a member's name, title, role or time zone (``member.changed``)."""
    now = now or clock.now()
    role = command.role
    if member.side_id is None and role != Role.OBSERVER:
        raise Refused("a member of neither side can only be an observer", field="role")
    with log.writing(member.office_id):
        today = now.astimezone(member.office.zone).date()
        if (
            role == Role.HEAD
            and member.role != Role.HEAD
            and Member.objects.active_on(today)
            .filter(office_id=member.office_id, side_id=member.side_id, role=Role.HEAD)
            .exclude(pk=member.pk)
            .exists()
        ):
            raise Refused(
                f"side {member.side_key} already has a head; end that membership first",
                field="role",
            )
        new = command.model_dump()
        if all(getattr(member, name) == value for name, value in new.items()):
            raise Refused("nothing to change: every field is as it was")
        event = log.append(
            office=member.office_id,
            side=CHARTER,
            actor=actor,
            type="member.changed",
            at=now,
            body={"username": member.username, **new},
        )
        tell_heads(event, now)
    member.refresh_from_db()
    return member


def end_membership(
    *, member: Member, command: EndMembership, actor: str, now: dt.datetime | None = None
) -> Member:
    if command.active_until < member.active_from:
        raise Refused("a membership cannot end before it began", field="active_until")
    now = now or clock.now()
    with log.writing(member.office_id):
        event = log.append(
            office=member.office_id,
            side=CHARTER,
            actor=actor,
            type="member.ended",
            at=now,
            body={"username": member.username, "active_until": command.active_until.isoformat()},
        )
        tell_heads(event, now)
    member.refresh_from_db()
    return member


# Acts on an account. The operator is whoever changes an account other than its holder:
# in the admin (which names him, ``operator``), in ``changepassword`` or a shell (named
# ``OPERATOR``). Only the Account page's own forms act as the holder (``by_holder``).

OPERATOR = "operator"
ACCOUNT_ACTS = frozenset(
    {
        "account.password_set",
        "account.password_disabled",
        "account.second_factor_removed",
        "account.deactivated",
        "account.reactivated",
        "account.signed_in_with_operator_password",
        "account.token_issued",
    }
)


def memberships_to_tell(user: AbstractBaseUser, now: dt.datetime) -> list[Member]:
    """The user's memberships that have not ended (office time): every office the account
    can act in, now or later. An ended membership acts nowhere, so it is not told."""
    members = Member.objects.filter(user_id=user.pk).select_related("office")
    return [
        m
        for m in members
        if m.active_until is None or m.active_until >= now.astimezone(m.office.zone).date()
    ]


def record_operator_act(
    *,
    user: AbstractBaseUser,
    kind: str,
    actor: str,
    now: dt.datetime,
    offices: list[str] | None = None,
    body: dict[str, Any] | None = None,
) -> list[Event]:
    """Append one ``kind`` event (an ``account.*`` type) to the charter log of each office
    where ``user`` is a member (or of those in ``offices``), all or none of them."""
    if kind not in ACCOUNT_ACTS:
        raise Refused(f"{kind!r} is not an act on an account")
    members = memberships_to_tell(user, now)
    if offices is not None:
        members = [m for m in members if m.office_id in offices]
    events = []
    with transaction.atomic():
        for member in members:
            with log.writing(member.office_id):
                event = log.append(
                    office=member.office_id,
                    side=CHARTER,
                    actor=actor,
                    type=kind,
                    at=now,
                    body={"username": member.username, **(body or {})},
                )
                tell_heads(event, now)
                events.append(event)
    return events


def tell_heads(event: Event, now: dt.datetime) -> int:
    """Owe an email about the act ``event`` records to each active head and deputy (with
    an address) of the side of the member it concerns; ``liaison notify`` sends them. An
    act on a member of neither side concerns no side's heads. Returns how many."""
    act = OperatorAct.objects.select_related("office", "member").get(
        office_id=event.log.office, seq=event.seq
    )
    if act.member.side_id is None:
        return 0
    today = now.astimezone(act.office.zone).date()
    heads = Member.objects.active_on(today).filter(
        office_id=act.office_id,
        side_id=act.member.side_id,
        role__in=[Role.HEAD, Role.DEPUTY],
    )
    with_email = set(
        get_user_model()
        .objects.filter(pk__in=[m.user_id for m in heads])
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    owed = [
        ActNotice(
            office_id=act.office_id,
            username=head.username,
            act=act,
            created_at=now,
            next_attempt_at=now,
        )
        for head in heads
        if head.user_id in with_email
    ]
    ActNotice.objects.bulk_create(owed)
    return len(owed)
