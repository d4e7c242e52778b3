"""Every permission check, one condition per line.

A member sees the office's joint records and their own side's private content. A user
who is not an active member of an office gets a 404 for it, never a hint that it
exists; every refusal is logged.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.http import Http404

from liaison.lib import clock
from liaison.lib.errors import NotAllowed
from liaison.offices.models import Member, Office, OperatorAct, OperatorActQuerySet, Role

logger = logging.getLogger("liaison.access")


def refuse(user: AbstractBaseUser | AnonymousUser, what: str, reason: str) -> None:
    logger.warning(
        "refused %s to %s: %s", what, getattr(user, "username", "") or "anonymous", reason
    )


def membership(user: AbstractBaseUser | AnonymousUser, office: Office) -> Member | None:
    """The user's active membership of the office today (office time), if any."""
    if not user.is_authenticated:
        return None
    today = clock.now().astimezone(office.zone).date()
    return (
        Member.objects.active_on(today)
        .select_related("side", "office")
        .filter(office=office, user_id=user.pk)
        .first()
    )


def offices_for(user: AbstractBaseUser | AnonymousUser) -> list[tuple[Office, Member]]:
    if not user.is_authenticated:
        return []
    members = Member.objects.filter(user_id=user.pk).select_related("office", "side")
    result = []
    for member in members:
        today = clock.now().astimezone(member.office.zone).date()
        if member.is_active_on(today):
            result.append((member.office, member))
    return result


def get_office_for_user(user: AbstractBaseUser | AnonymousUser, slug: str) -> tuple[Office, Member]:
    """The office and the user's membership, or 404 (unknown and not-yours look alike)."""
    office = Office.objects.filter(id=slug).first()
    if office is None:
        refuse(user, f"office {slug}", "no such office")
        raise Http404("No such office.")
    member = membership(user, office)
    if member is None:
        refuse(user, f"office {slug}", "not an active member")
        raise Http404("No such office.")
    return office, member


def require_side_speaker(member: Member, side_key: str | None = None) -> None:
    """Heads and deputies act for their own side; nobody acts for the other side."""
    if member.side_id is None:
        refuse(member.user, "acting for a side", "observer on neither side")
        raise NotAllowed("observers read the office's records; they cannot act for a side")
    if side_key is not None and member.side_key != side_key:
        refuse(member.user, f"acting for side {side_key}", "member of the other side")
        raise NotAllowed("you can act only for your own side")
    if not member.can_act_for_side:
        refuse(member.user, "acting for a side", f"role {member.role}")
        raise NotAllowed("only your side's head or deputy can do this")


def require_active(member: Member, now: dt.datetime) -> None:
    """The membership runs on ``now``'s day in the office's zone."""
    if not member.is_active_on(now.astimezone(member.office.zone).date()):
        refuse(member.user, "acting in the office", "membership not active")
        raise NotAllowed("your membership of this office is not active")


def require_side_member(member: Member) -> None:
    """Any member of a side (head, deputy or staff) may draft for it; observers read."""
    if member.side_id is None or member.role == Role.OBSERVER:
        refuse(member.user, "drafting for a side", f"role {member.role}")
        raise NotAllowed("observers read the office's records; they cannot write them")


def require_head(member: Member) -> None:
    """Only the heads of the two sides sign minutes."""
    if member.side_id is None or member.role != Role.HEAD:
        refuse(member.user, "signing minutes", f"role {member.role}")
        raise NotAllowed("only the heads of the two sides sign minutes")


def visible_operator_acts(member: Member) -> OperatorActQuerySet:
    """The operator's acts a member sees: those on their own account; a head or deputy
    also those on their side's members, their side's membership changes included. Acts
    on the other side's accounts are the other side's business."""
    acts = OperatorAct.objects.filter(office_id=member.office_id)
    if member.can_act_for_side:
        return acts.filter(Q(member_id=member.pk) | Q(member__side_id=member.side_id))
    return acts.filter(member_id=member.pk)
