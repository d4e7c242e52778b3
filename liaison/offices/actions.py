"""The operator's actions: chartering an office, adding and changing members, and every
act of his on a member's account (``record_operator_act``).

They go to the office's charter log (side ``""``), whose single writer is the operator.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from liaison.ledger import log
from liaison.ledger.models import Event
from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.lib.timezones import UnknownTimeZone, get_zone
from liaison.offices.models import ActNotice, Member, Office, OperatorAct, Role

CHARTER = ""
# A new office's rules for proposals unless its charter says otherwise.
DEFAULT_MIN_NOTICE_MINUTES = 24 * 60
DEFAULT_MIN_GRACE_MINUTES = 5
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class SideSpec:
    key: str
    name: str
    language: str
    time_zone: str


def _check_zone(name: str, field: str) -> None:
    try:
        get_zone(name)
    except UnknownTimeZone as exc:
        raise Refused(str(exc), field=field) from None


def charter_office(
    *,
    slug: str,
    name: str,
    place: str,
    time_zone: str,
    launched_on: dt.date,
    sides: tuple[SideSpec, SideSpec],
    actor: str,
    now: dt.datetime | None = None,
    min_notice_minutes: int = DEFAULT_MIN_NOTICE_MINUTES,
    min_grace_minutes: int = DEFAULT_MIN_GRACE_MINUTES,
) -> Office:
    """Create an office between exactly two sides, with its rules for proposals."""
    if not _SLUG.match(slug):
        raise Refused(
            f"office name {slug!r} must be lowercase letters, digits and hyphens", field="slug"
        )
    _check_zone(time_zone, "time_zone")
    if len(sides) != 2:
        raise Refused("an office has exactly two sides", field="sides")
    if sides[0].key == sides[1].key:
        raise Refused("the two sides need different keys", field="sides")
    for side in sides:
        if not _SLUG.match(side.key):
            raise Refused(f"side key {side.key!r} must be lowercase letters, digits and hyphens")
        _check_zone(side.time_zone, "sides")
    if not 0 <= min_notice_minutes <= 30 * 24 * 60:
        raise Refused("the minimum notice must be between 0 and 30 days", field="min_notice")
    if not 0 <= min_grace_minutes <= 24 * 60:
        raise Refused("the minimum grace must be between 0 and 24 hours", field="min_grace")
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
                "name": name,
                "place": place,
                "time_zone": time_zone,
                "launched_on": launched_on.isoformat(),
                "sides": [
                    {"key": s.key, "name": s.name, "language": s.language, "time_zone": s.time_zone}
                    for s in sides
                ],
                "min_notice_minutes": min_notice_minutes,
                "min_grace_minutes": min_grace_minutes,
            },
        )
    return Office.objects.get(id=slug)


def add_member(
    *,
    office: Office,
    username: str,
    full_name: str,
    role: str,
    side: str | None,
    title: str = "",
    time_zone: str = "",
    active_from: dt.date | None = None,
    actor: str,
    now: dt.datetime | None = None,
) -> Member:
    """Tie an account to an office as a member of a side (or of neither, for observers)."""
    now = now or clock.now()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Refused(f"there is no account named {username!r}; create it first", field="username")
    if role not in Role.values:
        raise Refused(f"role must be one of {', '.join(Role.values)}", field="role")
    if side is None and role != Role.OBSERVER:
        raise Refused("only an observer can belong to neither side", field="side")
    if time_zone:
        _check_zone(time_zone, "time_zone")
    active_from = active_from or now.astimezone(office.zone).date()
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
                "full_name": full_name,
                "title": title,
                "role": role,
                "side": side,
                "time_zone": time_zone,
                "active_from": active_from.isoformat(),
            },
        )
        tell_heads(event, now)
    return office.members.get(username=username)


def change_member(
    *,
    member: Member,
    full_name: str,
    role: str,
    title: str = "",
    time_zone: str = "",
    actor: str,
    now: dt.datetime | None = None,
) -> Member:
    """Change a member's name, title, role or time zone (``member.changed``)."""
    now = now or clock.now()
    if role not in Role.values:
        raise Refused(f"role must be one of {', '.join(Role.values)}", field="role")
    if member.side_id is None and role != Role.OBSERVER:
        raise Refused("a member of neither side can only be an observer", field="role")
    if not full_name.strip():
        raise Refused("a member needs a full name", field="full_name")
    if time_zone:
        _check_zone(time_zone, "time_zone")
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
        new = {"full_name": full_name, "title": title, "role": role, "time_zone": time_zone}
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
    *, member: Member, active_until: dt.date, actor: str, now: dt.datetime | None = None
) -> Member:
    if active_until < member.active_from:
        raise Refused("a membership cannot end before it began", field="active_until")
    now = now or clock.now()
    with log.writing(member.office_id):
        event = log.append(
            office=member.office_id,
            side=CHARTER,
            actor=actor,
            type="member.ended",
            at=now,
            body={"username": member.username, "active_until": active_until.isoformat()},
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
