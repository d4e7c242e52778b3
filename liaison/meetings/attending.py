"""Attendance a side states: a check-in (its required attendee is present) and a notice
of absence (given before the start: ``excused``). A no-show is never written: it follows
from the session, the clock and a missing check-in (``attendance``)."""

from __future__ import annotations

import datetime as dt

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.meetings.commands import CheckInTo, NoticeOfAbsence
from liaison.meetings.lookups import session_for
from liaison.meetings.models import AbsenceNotice, CheckIn, Status
from liaison.meetings.schedule import check_in_window
from liaison.meetings.shared import append, local, side_of, speaker
from liaison.offices.access import require_side_speaker
from liaison.offices.models import Member, Office, Role


def _eligible(attendee: Member, level: str) -> bool:
    if level == Role.HEAD:
        return attendee.role == Role.HEAD
    if level == "deputy":
        return attendee.role in (Role.HEAD, Role.DEPUTY)
    return attendee.role in (Role.HEAD, Role.DEPUTY, Role.STAFF)


def _attendee(member: Member, office: Office, username: str | None, now: dt.datetime) -> Member:
    """The member named to attend (the one checking in, if none): an active member of
    the same side. Naming the other side's member is acting for the other side."""
    if username is None:
        attendee = member
    else:
        found = (
            Member.objects.select_related("side", "office")
            .filter(office_id=office.id, username=username)
            .first()
        )
        if found is None:
            raise Refused(f"this office has no member {username!r}", field="attendee")
        attendee = found
    if attendee.side_id is not None:
        require_side_speaker(member, attendee.side_key)
    if attendee.side_id != member.side_id:
        raise Refused("the attendee must be a member of your side", field="attendee")
    if not attendee.is_active_on(now.astimezone(office.zone).date()):
        raise Refused(f"{attendee.full_name} is not an active member", field="attendee")
    return attendee


def check_in(*, member: Member, command: CheckInTo, now: dt.datetime) -> CheckIn:
    """The member's side states its required attendee is present."""
    office = member.office
    speaker(member, now)
    side = side_of(member)
    key = command.key
    with log.writing(office.id):
        attendee = _attendee(member, office, command.attendee, now)
        session = session_for(member, key)
        if session.status == Status.CANCELLED:
            raise Refused("this session was cancelled; there is nothing to check in to")
        if session.status == Status.POSTPONED:
            raise Refused("this session is postponed; check in once it has a new time")
        if session.status == Status.PROPOSED:
            raise Refused(
                "this session is only proposed; it takes place once the other side accepts it"
            )
        if not session.is_scheduled:
            raise Refused(f"this session was {session.status}; there is nothing to check in to")
        existing = CheckIn.objects.filter(office=office, session_key=key, side__key=side).first()
        if existing is not None:
            raise Refused(f"your side already checked in at {local(existing.at, office)}")
        opens, closes = check_in_window(session)
        if now < opens:
            raise Refused(f"check-in opens at {local(opens, office)}")
        if now > session.end:
            raise Refused("this session has finished")
        if now > closes:
            raise Refused(
                f"the grace period ended at {local(closes, office)}; "
                "your side is recorded as a no-show"
            )
        if not _eligible(attendee, session.required_level):
            needed = {"head": "the head", "deputy": "the head or deputy"}.get(
                session.required_level, "a member"
            )
            raise Refused(f"this session needs {needed} of your side to attend", field="attendee")
        append(member, "session.checked_in", {"session": key, "attendee": attendee.username}, now)
    return CheckIn.objects.get(office=office, session_key=key, side__key=side)


def give_notice_of_absence(
    *, member: Member, command: NoticeOfAbsence, now: dt.datetime
) -> AbsenceNotice:
    """Before the start: the side will not attend (``excused``)."""
    office = member.office
    speaker(member, now)
    side = side_of(member)
    key = command.key
    with log.writing(office.id):
        session = session_for(member, key)
        if not session.is_scheduled:
            raise Refused(f"this session is {session.status}; no notice is needed")
        if now >= session.start:
            raise Refused("notice of absence must be given before the session starts")
        if CheckIn.objects.filter(office=office, session_key=key, side__key=side).exists():
            raise Refused("your side has already checked in to this session")
        if AbsenceNotice.objects.filter(office=office, session_key=key, side__key=side).exists():
            raise Refused("your side has already given notice for this session")
        append(member, "session.absence_noticed", {"session": key, "reason": command.reason}, now)
    return AbsenceNotice.objects.get(office=office, session_key=key, side__key=side)
