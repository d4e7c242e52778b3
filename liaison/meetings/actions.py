"""Every change to cadences, sessions and attendance: check the rules, append one event.

Each action takes the acting member and ``now`` (the caller's clock) and either appends
exactly one event to the member's side's log or raises ``Refused``/``NotAllowed`` with
a message for a person, leaving everything as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.lib.timezones import format_utc, localize
from liaison.meetings.cadence import LEVELS, CadenceError, parse_rule
from liaison.meetings.models import AbsenceNotice, Cadence, CheckIn, Session, Status
from liaison.meetings.schedule import ADHOC, SessionInfo, find_session
from liaison.offices.access import require_active, require_side_speaker
from liaison.offices.models import Member, Office, Role


def _side_of(member: Member) -> str:
    if member.side is None:  # require_side_speaker refuses this first
        raise Refused("observers cannot act for a side")
    return member.side.key


def _speaker(member: Member, now: dt.datetime) -> None:
    """The member may act for their side now: a head or deputy whose membership runs."""
    require_side_speaker(member)
    require_active(member, now)


def _append(member: Member, type: str, body: dict[str, Any], now: dt.datetime) -> None:
    """Append to the acting member's side's log (inside the caller's ``log.writing``)."""
    log.append(
        office=member.office_id,
        side=_side_of(member),
        actor=member.username,
        type=type,
        at=now,
        body=body,
    )


def _local(value: dt.datetime, office: Office) -> str:
    return value.astimezone(office.zone).strftime("%a %d %b %Y %H:%M %Z")


def _session(office: Office, key: str) -> SessionInfo:
    session = find_session(office, key)
    if session is None:
        raise Refused(f"office {office.id} has no session {key!r}", field="session")
    return session


def set_cadence(
    *,
    member: Member,
    key: str,
    title: str,
    rule: str,
    starts_on: dt.date,
    start_time: dt.time,
    duration_minutes: int,
    grace_minutes: int,
    required_level: str,
    effective: dt.datetime | None = None,
    reason: str = "",
    now: dt.datetime,
) -> Cadence:
    """Agree a cadence, or change one from ``effective`` (default: now) on.

    Sessions before ``effective`` keep the version they had; a change cannot reach back.
    """
    office = member.office
    _speaker(member, now)
    effective = effective or now
    if effective < now:
        raise Refused("a cadence change cannot start in the past", field="effective")
    if required_level not in LEVELS:
        raise Refused(f"required level must be one of {', '.join(LEVELS)}", field="required_level")
    if duration_minutes < 1:
        raise Refused("a session lasts at least a minute", field="duration_minutes")
    if grace_minutes < 0 or grace_minutes > duration_minutes:
        raise Refused(
            "the grace period must be between 0 and the session's length", field="grace_minutes"
        )
    try:
        parse_rule(
            rule,
            dt.datetime.combine(starts_on, start_time.replace(second=0, microsecond=0)),
            office.zone,
        )
    except CadenceError as exc:
        raise Refused(str(exc), field="rule") from None
    with log.writing(office.id):
        _append(
            member,
            "cadence.set",
            {
                "key": key,
                "title": title,
                "rule": rule.strip().removeprefix("RRULE:"),
                "starts_on": starts_on.isoformat(),
                "start_time": start_time.strftime("%H:%M"),
                "duration_minutes": duration_minutes,
                "grace_minutes": grace_minutes,
                "required_level": required_level,
                "effective": format_utc(effective),
                "reason": reason,
            },
            now,
        )
    return Cadence.objects.filter(office=office, key=key).order_by("-version").first()  # type: ignore[return-value]


def end_cadence(
    *,
    member: Member,
    key: str,
    reason: str,
    effective: dt.datetime | None = None,
    now: dt.datetime,
) -> None:
    """End cadence ``key`` from ``effective`` (default: now): no occurrences from then on.

    Sessions before ``effective`` keep their cadence and their record.
    """
    office = member.office
    _speaker(member, now)
    effective = effective or now
    if effective < now:
        raise Refused("a cadence cannot end in the past", field="effective")
    if not reason.strip():
        raise Refused("say why the cadence ends", field="reason")
    with log.writing(office.id):
        versions = Cadence.objects.filter(office=office, key=key)
        if not versions.exists():
            raise Refused(f"there is no cadence {key!r} in this office", field="key")
        if not versions.running_after(effective).exists():
            raise Refused(f"cadence {key!r} has already ended", field="key")
        _append(
            member,
            "cadence.ended",
            {"key": key, "effective": format_utc(effective), "reason": reason.strip()},
            now,
        )


def schedule_session(
    *,
    member: Member,
    title: str,
    start: dt.datetime,
    duration_minutes: int,
    grace_minutes: int,
    required_level: str,
    now: dt.datetime,
) -> SessionInfo:
    """An ad hoc session outside any cadence."""
    office = member.office
    _speaker(member, now)
    if start <= now:
        raise Refused("a new session must start in the future", field="start")
    if required_level not in LEVELS:
        raise Refused(f"required level must be one of {', '.join(LEVELS)}", field="required_level")
    if grace_minutes < 0 or grace_minutes > duration_minutes:
        raise Refused(
            "the grace period must be between 0 and the session's length", field="grace_minutes"
        )
    base = f"{ADHOC}-{start.astimezone(office.zone).strftime('%Y%m%dT%H%M')}"
    with log.writing(office.id):
        key, n = base, 1
        while Session.objects.filter(office=office, key=key).exists():
            n += 1
            key = f"{base}-{n}"
        _append(
            member,
            "session.scheduled",
            {
                "key": key,
                "title": title,
                "start": format_utc(start),
                "duration_minutes": duration_minutes,
                "grace_minutes": grace_minutes,
                "required_level": required_level,
            },
            now,
        )
    return _session(office, key)


def _changeable(session: SessionInfo, office: Office, now: dt.datetime) -> None:
    if session.status == Status.CANCELLED:
        raise Refused("this session was cancelled")
    # A postponed session may be given a new time after its old one has passed.
    if session.start <= now and session.status != Status.POSTPONED:
        raise Refused(
            f"this session started at {_local(session.start, office)}; it can no longer be changed"
        )
    if CheckIn.objects.filter(office=office, session_key=session.key).exists():
        raise Refused("a side has already checked in to this session")


def move_session(
    *, member: Member, key: str, start: dt.datetime, reason: str, now: dt.datetime
) -> SessionInfo:
    office = member.office
    _speaker(member, now)
    if start <= now:
        raise Refused("the new start must be in the future", field="start")
    with log.writing(office.id):
        session = _session(office, key)
        _changeable(session, office, now)
        _append(
            member,
            "session.moved",
            {"session": key, "start": format_utc(start), "reason": reason},
            now,
        )
    return _session(office, key)


def _set_status(
    member: Member, key: str, reason: str, now: dt.datetime, *, status: Status, verb: str
) -> SessionInfo:
    office = member.office
    _speaker(member, now)
    if not reason.strip():
        raise Refused(f"say why the session is {verb}", field="reason")
    with log.writing(office.id):
        session = _session(office, key)
        _changeable(session, office, now)
        if session.status == status:
            raise Refused(f"this session is already {verb}")
        _append(member, f"session.{verb}", {"session": key, "reason": reason}, now)
    return _session(office, key)


def postpone_session(*, member: Member, key: str, reason: str, now: dt.datetime) -> SessionInfo:
    """The session will not take place at its time; it keeps its key and can be moved."""
    return _set_status(member, key, reason, now, status=Status.POSTPONED, verb="postponed")


def cancel_session(*, member: Member, key: str, reason: str, now: dt.datetime) -> SessionInfo:
    return _set_status(member, key, reason, now, status=Status.CANCELLED, verb="cancelled")


def _eligible(attendee: Member, level: str) -> bool:
    if level == Role.HEAD:
        return attendee.role == Role.HEAD
    if level == "deputy":
        return attendee.role in (Role.HEAD, Role.DEPUTY)
    return attendee.role in (Role.HEAD, Role.DEPUTY, Role.STAFF)


def check_in_window(session: SessionInfo) -> tuple[dt.datetime, dt.datetime]:
    """When a side can check in: from shortly before the start until the grace ends."""
    opens = session.start - dt.timedelta(minutes=settings.LIAISON_CHECK_IN_OPENS_MINUTES)
    return opens, min(session.grace_end, session.end)


def check_in(
    *, member: Member, key: str, now: dt.datetime, attendee: Member | None = None
) -> CheckIn:
    """The member's side states its required attendee is present."""
    office = member.office
    _speaker(member, now)
    side = _side_of(member)
    attendee = attendee or member
    if attendee.side_id != member.side_id:
        raise Refused("the attendee must be a member of your side", field="attendee")
    if not attendee.is_active_on(now.astimezone(office.zone).date()):
        raise Refused(f"{attendee.full_name} is not an active member", field="attendee")
    with log.writing(office.id):
        session = _session(office, key)
        if session.status == Status.CANCELLED:
            raise Refused("this session was cancelled; there is nothing to check in to")
        if session.status == Status.POSTPONED:
            raise Refused("this session is postponed; check in once it has a new time")
        existing = CheckIn.objects.filter(office=office, session_key=key, side__key=side).first()
        if existing is not None:
            raise Refused(f"your side already checked in at {_local(existing.at, office)}")
        opens, closes = check_in_window(session)
        if now < opens:
            raise Refused(f"check-in opens at {_local(opens, office)}")
        if now > session.end:
            raise Refused("this session has finished")
        if now > closes:
            raise Refused(
                f"the grace period ended at {_local(closes, office)}; "
                "your side is recorded as a no-show"
            )
        if not _eligible(attendee, session.required_level):
            needed = {"head": "the head", "deputy": "the head or deputy"}.get(
                session.required_level, "a member"
            )
            raise Refused(f"this session needs {needed} of your side to attend", field="attendee")
        _append(member, "session.checked_in", {"session": key, "attendee": attendee.username}, now)
    return CheckIn.objects.get(office=office, session_key=key, side__key=side)


def give_notice_of_absence(
    *, member: Member, key: str, reason: str, now: dt.datetime
) -> AbsenceNotice:
    """Before the start: the side will not attend (``excused``)."""
    office = member.office
    _speaker(member, now)
    side = _side_of(member)
    if not reason.strip():
        raise Refused("give a reason for the absence", field="reason")
    with log.writing(office.id):
        session = _session(office, key)
        if not session.is_scheduled:
            raise Refused(f"this session is {session.status}; no notice is needed")
        if now >= session.start:
            raise Refused("notice of absence must be given before the session starts")
        if CheckIn.objects.filter(office=office, session_key=key, side__key=side).exists():
            raise Refused("your side has already checked in to this session")
        if AbsenceNotice.objects.filter(office=office, session_key=key, side__key=side).exists():
            raise Refused("your side has already given notice for this session")
        _append(member, "session.absence_noticed", {"session": key, "reason": reason}, now)
    return AbsenceNotice.objects.get(office=office, session_key=key, side__key=side)


def local_start(office: Office, day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time in the office's zone as UTC (for forms and commands)."""
    return localize(dt.datetime.combine(day, time), office.zone)
