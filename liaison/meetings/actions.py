"""Every change to cadences, sessions and attendance: check the rules, append one event.

Cadences, their ends, ad hoc sessions and new times are proposals until the other side's
head or deputy accepts them (``accept_proposal``, an event in the accepting side's log);
postponing, cancelling, checking in and giving notice are a side's own acts.

Each action takes the acting member and ``now`` (the caller's clock) and either appends
exactly one event to the member's side's log or raises ``Refused``/``NotAllowed`` with
a message for a person, leaving everything as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from liaison.ledger import log
from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.lib.timezones import format_utc, localize, parse_utc
from liaison.meetings import notices
from liaison.meetings.cadence import LEVELS, CadenceError, parse_rule
from liaison.meetings.models import (
    AbsenceNotice,
    Cadence,
    CheckIn,
    Proposal,
    ProposalKind,
    ProposalState,
    Session,
    Status,
)
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


def _append(member: Member, type: str, body: dict[str, Any], now: dt.datetime) -> Event:
    """Append to the acting member's side's log (inside the caller's ``log.writing``)."""
    return log.append(
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


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _check_grace(office: Office, grace_minutes: int, duration_minutes: int) -> None:
    if duration_minutes < 1:
        raise Refused("a session lasts at least a minute", field="duration_minutes")
    if grace_minutes < 0 or grace_minutes > duration_minutes:
        raise Refused(
            "the grace period must be between 0 and the session's length", field="grace_minutes"
        )
    if grace_minutes < office.min_grace_minutes:
        raise Refused(
            f"this office's charter asks for a grace period of at least "
            f"{office.min_grace_minutes} minutes",
            field="grace_minutes",
        )


def _check_notice(office: Office, start: dt.datetime, now: dt.datetime, field: str) -> None:
    """A session must be proposed at least the charter's minimum notice before it starts."""
    if start - now < office.min_notice:
        raise Refused(
            f"this office's charter asks for at least {_span(office.min_notice)}' notice: propose "
            f"a start at {_local(now + office.min_notice, office)} or later",
            field=field,
        )


def _answer_by(
    answer_by: dt.datetime | None,
    now: dt.datetime,
    *,
    latest: dt.datetime | None,
    default: dt.datetime,
) -> dt.datetime:
    """When a proposal lapses unanswered: given, or ``default``; never after ``latest``
    (a session's start: nobody can agree to a session that has begun)."""
    deadline = answer_by or default
    if deadline <= now:
        raise Refused("the deadline for an answer must be in the future", field="answer_by")
    if latest is not None and deadline > latest:
        raise Refused(
            "the other side must be able to answer before the session starts", field="answer_by"
        )
    return deadline


def _default_deadline(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=settings.LIAISON_PROPOSAL_ANSWER_DAYS)


def propose_cadence(
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
    answer_by: dt.datetime | None = None,
    now: dt.datetime,
) -> Proposal:
    """Propose a cadence, or a change of one from ``effective`` (default: now) on.

    Nothing changes until the other side accepts; the change then takes effect at
    ``effective`` or at the acceptance, whichever is later, so it never reaches back.
    """
    office = member.office
    _speaker(member, now)
    effective = effective or now
    if effective < now:
        raise Refused("a cadence change cannot start in the past", field="effective")
    if required_level not in LEVELS:
        raise Refused(f"required level must be one of {', '.join(LEVELS)}", field="required_level")
    _check_grace(office, grace_minutes, duration_minutes)
    try:
        parsed = parse_rule(
            rule,
            dt.datetime.combine(starts_on, start_time.replace(second=0, microsecond=0)),
            office.zone,
        )
    except CadenceError as exc:
        raise Refused(str(exc), field="rule") from None
    first = _first_occurrence(parsed, office, effective)
    if first is None:
        raise Refused(f"this rule has no session after {_local(effective, office)}", field="rule")
    _check_notice(office, first, now, "starts_on")
    deadline = _answer_by(answer_by, now, latest=None, default=_default_deadline(now))
    with log.writing(office.id):
        event = _append(
            member,
            "cadence.proposed",
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
                "answer_by": format_utc(deadline),
            },
            now,
        )
        notices.tell(member, event, now)
        return _latest_proposal(member)


def _first_occurrence(parsed: Any, office: Office, after: dt.datetime) -> dt.datetime | None:
    """The rule's first session at or after ``after`` (UTC), or None if it has none."""
    local = after.astimezone(office.zone).replace(tzinfo=None) - dt.timedelta(days=1)
    for candidate in parsed.xafter(local, count=4, inc=True):
        instant = localize(candidate, office.zone)
        if instant >= after:
            return instant
    return None


def _latest_proposal(member: Member) -> Proposal:
    side = _side_of(member)
    return Proposal.objects.filter(office=member.office, side__key=side).latest("seq")


def propose_cadence_end(
    *,
    member: Member,
    key: str,
    reason: str,
    effective: dt.datetime | None = None,
    answer_by: dt.datetime | None = None,
    now: dt.datetime,
) -> Proposal:
    """Propose to end cadence ``key`` from ``effective`` (default: now), or from the
    acceptance if later. Sessions before it keep their cadence and their record."""
    office = member.office
    _speaker(member, now)
    effective = effective or now
    if effective < now:
        raise Refused("a cadence cannot end in the past", field="effective")
    if not reason.strip():
        raise Refused("say why the cadence ends", field="reason")
    deadline = _answer_by(answer_by, now, latest=None, default=_default_deadline(now))
    with log.writing(office.id):
        versions = Cadence.objects.filter(office=office, key=key)
        if not versions.exists():
            raise Refused(f"there is no cadence {key!r} in this office", field="key")
        if not versions.running_after(effective).exists():
            raise Refused(f"cadence {key!r} has already ended", field="key")
        event = _append(
            member,
            "cadence.end_proposed",
            {
                "key": key,
                "effective": format_utc(effective),
                "reason": reason.strip(),
                "answer_by": format_utc(deadline),
            },
            now,
        )
        notices.tell(member, event, now)
        return _latest_proposal(member)


def propose_session(
    *,
    member: Member,
    title: str,
    start: dt.datetime,
    duration_minutes: int,
    grace_minutes: int,
    required_level: str,
    answer_by: dt.datetime | None = None,
    now: dt.datetime,
) -> Proposal:
    """An ad hoc session outside any cadence: proposed until the other side accepts."""
    office = member.office
    _speaker(member, now)
    if start <= now:
        raise Refused("a new session must start in the future", field="start")
    if required_level not in LEVELS:
        raise Refused(f"required level must be one of {', '.join(LEVELS)}", field="required_level")
    _check_grace(office, grace_minutes, duration_minutes)
    _check_notice(office, start, now, "start")
    deadline = _answer_by(answer_by, now, latest=start, default=start)
    base = f"{ADHOC}-{start.astimezone(office.zone).strftime('%Y%m%dT%H%M')}"
    with log.writing(office.id):
        key, n = base, 1
        while Session.objects.filter(office=office, key=key).exists():
            n += 1
            key = f"{base}-{n}"
        event = _append(
            member,
            "session.proposed",
            {
                "key": key,
                "title": title,
                "start": format_utc(start),
                "duration_minutes": duration_minutes,
                "grace_minutes": grace_minutes,
                "required_level": required_level,
                "answer_by": format_utc(deadline),
            },
            now,
        )
        notices.tell(member, event, now)
        return _latest_proposal(member)


def propose_move(
    *,
    member: Member,
    key: str,
    start: dt.datetime,
    reason: str,
    answer_by: dt.datetime | None = None,
    now: dt.datetime,
) -> Proposal:
    """A new time for a session. Until the other side accepts, the session stays where
    it is (a postponed one stays postponed)."""
    office = member.office
    _speaker(member, now)
    if start <= now:
        raise Refused("the new start must be in the future", field="start")
    _check_notice(office, start, now, "start")
    with log.writing(office.id):
        session = _session(office, key)
        _changeable(session, office, now)
        if start == session.start and session.is_scheduled:
            raise Refused("the session already starts then", field="start")
        # A session still due at its old time cannot be moved once that time has come.
        latest = min(start, session.start) if session.is_scheduled else start
        deadline = _answer_by(answer_by, now, latest=latest, default=latest)
        event = _append(
            member,
            "session.move_proposed",
            {
                "session": key,
                "start": format_utc(start),
                "reason": reason,
                "answer_by": format_utc(deadline),
            },
            now,
        )
        notices.tell(member, event, now)
        return _latest_proposal(member)


def find_proposal(office: Office, key: str) -> Proposal | None:
    """A proposal by its key ``<side>-<seq>``, or None."""
    side, _, seq = key.rpartition("-")
    if not side or not seq.isascii() or not seq.isdigit() or len(seq) > 15:
        return None
    return (
        Proposal.objects.filter(office=office, side__key=side, seq=int(seq))
        .select_related("side")
        .first()
    )


def _proposal(office: Office, key: str) -> Proposal:
    proposal = find_proposal(office, key)
    if proposal is None:
        raise Refused(f"office {office.id} has no proposal {key!r}", field="proposal")
    return proposal


def _describe_answer(proposal: Proposal, office: Office) -> str:
    when = _local(proposal.answered_at, office) if proposal.answered_at else ""
    return f"this proposal was already {proposal.state} by {proposal.answered_by} on {when}"


def _still_open(proposal: Proposal, office: Office, now: dt.datetime) -> None:
    if proposal.state != ProposalState.OPEN:
        raise Refused(_describe_answer(proposal, office))
    if now >= proposal.answer_by:
        raise Refused(
            f"this proposal lapsed unanswered at {_local(proposal.answer_by, office)}; "
            "it can be proposed again"
        )


def _ref(proposal: Proposal) -> dict[str, Any]:
    return {"side": proposal.side_key, "seq": proposal.seq, "hash": proposal.hash}


def _answerable(member: Member, proposal: Proposal, office: Office, now: dt.datetime) -> None:
    """The member's side may answer: it is the other side's, open, not lapsed."""
    if proposal.side_id == member.side_id:
        raise Refused("your side made this proposal; the other side answers it")
    _still_open(proposal, office, now)


def accept_proposal(*, member: Member, key: str, now: dt.datetime) -> Proposal:
    """The other side agrees: the proposal binds both sides from now on."""
    office = member.office
    _speaker(member, now)
    with log.writing(office.id):
        proposal = _proposal(office, key)
        _answerable(member, proposal, office, now)
        if proposal.kind == ProposalKind.MOVE:
            session = _session(office, proposal.subject)
            _changeable(session, office, now)
        elif proposal.kind == ProposalKind.SESSION:
            session = _session(office, proposal.subject)
            if session.start <= now:  # pragma: no cover - the deadline is the start at most
                raise Refused("this session has started; it can no longer be agreed")
        elif proposal.kind == ProposalKind.CADENCE_END:
            effective = max(parse_utc(proposal.details["effective"]), now)
            versions = Cadence.objects.filter(office=office, key=proposal.subject)
            if not versions.running_after(effective).exists():
                raise Refused(f"cadence {proposal.subject!r} has already ended")
        event = _append(member, "proposal.accepted", {"ref": _ref(proposal)}, now)
        notices.tell(member, event, now)
    return _proposal(office, key)


def decline_proposal(*, member: Member, key: str, reason: str, now: dt.datetime) -> Proposal:
    """The other side says no, and why: nothing of the proposal binds anyone."""
    office = member.office
    _speaker(member, now)
    if not reason.strip():
        raise Refused("say why you decline", field="reason")
    with log.writing(office.id):
        proposal = _proposal(office, key)
        _answerable(member, proposal, office, now)
        event = _append(
            member, "proposal.declined", {"ref": _ref(proposal), "reason": reason.strip()}, now
        )
        notices.tell(member, event, now)
    return _proposal(office, key)


def withdraw_proposal(*, member: Member, key: str, reason: str = "", now: dt.datetime) -> Proposal:
    """The proposing side takes back a proposal not yet answered."""
    office = member.office
    _speaker(member, now)
    with log.writing(office.id):
        proposal = _proposal(office, key)
        if proposal.side_id != member.side_id:
            raise Refused("only the side that made a proposal can withdraw it; decline it instead")
        _still_open(proposal, office, now)
        event = _append(
            member, "proposal.withdrawn", {"ref": _ref(proposal), "reason": reason.strip()}, now
        )
        notices.tell(member, event, now)
    return _proposal(office, key)


def _changeable(session: SessionInfo, office: Office, now: dt.datetime) -> None:
    if session.status == Status.CANCELLED:
        raise Refused("this session was cancelled")
    if session.status == Status.PROPOSED:
        raise Refused("this session is only proposed: withdraw or decline the proposal instead")
    if session.status in (Status.DECLINED, Status.WITHDRAWN):
        raise Refused(f"this session was {session.status}; it never took place")
    # A postponed session may be given a new time after its old one has passed.
    if session.start <= now and session.status != Status.POSTPONED:
        raise Refused(
            f"this session started at {_local(session.start, office)}; it can no longer be changed"
        )
    if CheckIn.objects.filter(office=office, session_key=session.key).exists():
        raise Refused("a side has already checked in to this session")


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
        event = _append(member, f"session.{verb}", {"session": key, "reason": reason}, now)
        notices.tell(member, event, now)
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
        if session.status == Status.PROPOSED:
            raise Refused(
                "this session is only proposed; it takes place once the other side accepts it"
            )
        if not session.is_scheduled:
            raise Refused(f"this session was {session.status}; there is nothing to check in to")
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
