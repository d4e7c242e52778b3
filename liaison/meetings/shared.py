"""What the actions on the schedule share: who may act, appending to the acting member's
side's log, finding the session or proposal inside the office's lock, the charter's
rules on notice, grace and deadlines, and times as a person reads them.

Every action (``proposing``, ``answering``, ``calling_off``, ``attending``) takes the
acting member, a command (``meetings/commands``) and ``now`` (the caller's clock) and
either appends exactly one event to the member's side's log or raises
``Refused``/``NotAllowed`` with a message for a person, leaving everything as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from liaison.ledger import log
from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.lib.timezones import localize
from liaison.meetings.models import CheckIn, Proposal, Status
from liaison.meetings.schedule import SessionInfo
from liaison.offices.access import require_active, require_side_speaker
from liaison.offices.models import Member, Office


def side_of(member: Member) -> str:
    if member.side is None:  # require_side_speaker refuses this first
        raise Refused("observers cannot act for a side")
    return member.side.key


def speaker(member: Member, now: dt.datetime) -> None:
    """The member may act for their side now: a head or deputy whose membership runs."""
    require_side_speaker(member)
    require_active(member, now)


def append(member: Member, type: str, body: dict[str, Any], now: dt.datetime) -> Event:
    """Append to the acting member's side's log (inside the caller's ``log.writing``)."""
    return log.append(
        office=member.office_id,
        side=side_of(member),
        actor=member.username,
        type=type,
        at=now,
        body=body,
    )


def local(value: dt.datetime, office: Office) -> str:
    return value.astimezone(office.zone).strftime("%a %d %b %Y %H:%M %Z")


def local_start(office: Office, day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time in the office's zone as UTC (for forms and commands)."""
    return localize(dt.datetime.combine(day, time), office.zone)


def latest_proposal(member: Member) -> Proposal:
    side = side_of(member)
    return Proposal.objects.filter(office=member.office, side__key=side).latest("seq")


def span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def check_grace(office: Office, grace_minutes: int, duration_minutes: int) -> None:
    """The command keeps both within a day; the grace ends within the session and is at
    least the charter's."""
    if grace_minutes > duration_minutes:
        raise Refused(
            "the grace period must be between 0 and the session's length", field="grace_minutes"
        )
    if grace_minutes < office.min_grace_minutes:
        raise Refused(
            f"this office's charter asks for a grace period of at least "
            f"{office.min_grace_minutes} minutes",
            field="grace_minutes",
        )


def check_notice(office: Office, start: dt.datetime, now: dt.datetime, field: str) -> None:
    """A session must be proposed at least the charter's minimum notice before it starts."""
    if start - now < office.min_notice:
        raise Refused(
            f"this office's charter asks for at least {span(office.min_notice)}' notice: propose "
            f"a start at {local(now + office.min_notice, office)} or later",
            field=field,
        )


def answer_by(
    given: dt.datetime | None,
    now: dt.datetime,
    *,
    latest: dt.datetime | None,
    default: dt.datetime,
) -> dt.datetime:
    """When a proposal lapses unanswered: given, or ``default``; never after ``latest``
    (a session's start: nobody can agree to a session that has begun)."""
    deadline = given or default
    if deadline <= now:
        raise Refused("the deadline for an answer must be in the future", field="answer_by")
    if latest is not None and deadline > latest:
        raise Refused(
            "the other side must be able to answer before the session starts", field="answer_by"
        )
    return deadline


def default_deadline(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=settings.LIAISON_PROPOSAL_ANSWER_DAYS)


def changeable(session: SessionInfo, office: Office, now: dt.datetime) -> None:
    """The session may still be moved, postponed or cancelled."""
    if session.status == Status.CANCELLED:
        raise Refused("this session was cancelled")
    if session.status == Status.PROPOSED:
        raise Refused("this session is only proposed: withdraw or decline the proposal instead")
    if session.status in (Status.DECLINED, Status.WITHDRAWN):
        raise Refused(f"this session was {session.status}; it never took place")
    # A postponed session may be given a new time after its old one has passed.
    if session.start <= now and session.status != Status.POSTPONED:
        raise Refused(
            f"this session started at {local(session.start, office)}; it can no longer be changed"
        )
    if CheckIn.objects.filter(office=office, session_key=session.key).exists():
        raise Refused("a side has already checked in to this session")
