"""Sessions: the schedule with attendance, one session in full, and the actions on them.

Every write finds the path's session (``meetings.lookups.session_for``: 404 if there is
none), builds the action's command (``meetings.commands``) from the path and the payload
and calls the action with the caller's membership and ``clock.now()``; the action checks
the rules and appends exactly one event, or refuses and writes nothing. The answer is
the session as it stands afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import P, QueryEx, Router, Status

from liaison.api.access import member_for
from liaison.api.proposals import proposal_data
from liaison.api.schemas import (
    CheckInIn,
    ErrorOut,
    MoveIn,
    ProposalOut,
    ReasonIn,
    ScheduleIn,
    SessionDetailOut,
    SessionOut,
)
from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.lib.timezones import end_of_day, localize
from liaison.meetings import attending, calling_off, proposing
from liaison.meetings.commands import (
    CancelSession,
    CheckInTo,
    NoticeOfAbsence,
    PostponeSession,
    ProposeMove,
    ProposeSession,
)
from liaison.meetings.lookups import session_detail_for, session_for
from liaison.meetings.overview import SessionDetail
from liaison.meetings.schedule import SessionInfo
from liaison.meetings.standing import outcomes_between
from liaison.offices.models import Member, Office

router = Router(tags=["sessions"])

DEFAULT_BACK = dt.timedelta(weeks=4)
DEFAULT_AHEAD = dt.timedelta(weeks=8)
MAX_RANGE_DAYS = 3660

READ_ERRORS: dict[int, Any] = {404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def session_data(session: SessionInfo, attendance: dict[str, str]) -> dict[str, Any]:
    return {
        "key": session.key,
        "title": session.title,
        "start": session.start,
        "end": session.end,
        "grace_end": session.grace_end,
        "original_start": session.original_start,
        "status": session.status,
        "status_reason": session.status_reason,
        "required_level": session.required_level,
        "cadence": session.cadence_key,
        "cadence_version": session.cadence_version,
        "proposed_by": session.proposed_by,
        "agreed_at": session.agreed_at,
        "answer_by": session.answer_by if session.is_proposed else None,
        "binds": [side for side in attendance if session.binds(side)],
        "attendance": attendance,
    }


def detail_data(detail: SessionDetail) -> dict[str, Any]:
    sides = []
    for entry in detail.sides:
        check_in = entry.check_in
        notice = entry.notice
        sides.append(
            {
                "side": entry.side.key,
                "name": entry.side.name,
                "attendance": entry.attendance.value,
                "check_in": {
                    "attendee": check_in.attendee.username,
                    "checked_in_by": check_in.checked_in_by.username,
                    "at": check_in.at,
                }
                if check_in
                else None,
                "notice": {
                    "given_by": notice.given_by.username,
                    "reason": notice.reason,
                    "at": notice.at,
                }
                if notice
                else None,
            }
        )
    return {
        **session_data(detail.session, {s.side.key: s.attendance.value for s in detail.sides}),
        "held": detail.held,
        "check_in_opens": detail.check_in_opens,
        "check_in_closes": detail.check_in_closes,
        "check_in_open": detail.check_in_open,
        "changeable": detail.changeable,
        "sides": sides,
    }


def _detail(member: Member, key: str, now: dt.datetime) -> dict[str, Any]:
    return detail_data(session_detail_for(member, key, now))


def _beside(given: dt.datetime, span: dt.timedelta, field: str) -> dt.datetime:
    """The range's other end, ``span`` from the end ``field`` gave; Refused when the
    calendar ends first (a day near year 1 or 9999), rather than an overflow."""
    try:
        return given + span
    except OverflowError:
        raise Refused(
            f"the calendar ends within {abs(span.days)} days of {field}: give both from and to",
            field=field,
        ) from None


def _range(
    office: Office, start: dt.date | None, end: dt.date | None, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """[from, to] as instants: whole days in the office's zone, or the default window."""
    span = DEFAULT_BACK + DEFAULT_AHEAD
    if start is not None:
        lower = localize(dt.datetime.combine(start, dt.time()), office.zone)
        upper = end_of_day(end, office.zone) if end is not None else _beside(lower, span, "from")
    elif end is not None:
        upper = end_of_day(end, office.zone)
        lower = _beside(upper, -span, "to")
    else:
        return now - DEFAULT_BACK, now + DEFAULT_AHEAD
    if upper < lower:
        raise Refused("to is before from", field="to")
    if (upper - lower).days >= MAX_RANGE_DAYS:
        raise Refused(f"ask for at most {MAX_RANGE_DAYS} days at a time", field="to")
    return lower, upper


@router.get(
    "/offices/{slug}/sessions", response={200: list[SessionOut], 400: ErrorOut, **READ_ERRORS}
)
def list_sessions(
    request: HttpRequest,
    slug: str,
    from_: QueryEx[dt.date | None, P(alias="from")] = None,
    to: QueryEx[dt.date | None, P(alias="to")] = None,
) -> list[dict[str, Any]]:
    """Sessions starting between ``from`` and ``to`` (whole days, office time), with each
    side's attendance as known now. Default: four weeks back to eight weeks ahead; with
    one end given, the other is twelve weeks away from it. At most 3660 days."""
    office, _member = member_for(request, slug)
    now = clock.now()
    lower, upper = _range(office, from_, to, now)
    outcomes = outcomes_between(office, list(office.sides.all()), lower, upper, now)
    return [
        session_data(o.session, {key: value.value for key, value in o.by_side.items()})
        for o in outcomes
    ]


@router.get("/offices/{slug}/sessions/{key}", response={200: SessionDetailOut, **READ_ERRORS})
def get_session(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    """One session: its times, status, and each side's check-in or notice of absence."""
    _office, member = member_for(request, slug)
    return _detail(member, key, clock.now())


@router.post("/offices/{slug}/sessions", response={201: ProposalOut, **WRITE_ERRORS})
def propose_session(request: HttpRequest, slug: str, payload: ScheduleIn) -> Status[Any]:
    """Propose an ad hoc session, outside any cadence (a side's head or deputy). It is
    ``proposed`` until the other side accepts it (see ``proposals``)."""
    _office, member = member_for(request, slug)
    now = clock.now()
    command = ProposeSession(**payload.model_dump())
    proposal = proposing.propose_session(member=member, command=command, now=now)
    return Status(201, proposal_data(proposal, now))


@router.post(
    "/offices/{slug}/sessions/{key}/check-in", response={201: SessionDetailOut, **WRITE_ERRORS}
)
def check_in(
    request: HttpRequest, slug: str, key: str, payload: CheckInIn | None = None
) -> Status[Any]:
    """Your side states its required attendee is present (you, or ``attendee``)."""
    _office, member = member_for(request, slug)
    now = clock.now()
    session_for(member, key)
    command = CheckInTo(key=key, attendee=payload.attendee if payload else None)
    attending.check_in(member=member, command=command, now=now)
    return Status(201, _detail(member, key, now))


@router.post(
    "/offices/{slug}/sessions/{key}/absence", response={201: SessionDetailOut, **WRITE_ERRORS}
)
def give_notice_of_absence(
    request: HttpRequest, slug: str, key: str, payload: ReasonIn
) -> Status[Any]:
    """Before the start: your side will not attend (``excused``)."""
    _office, member = member_for(request, slug)
    now = clock.now()
    session_for(member, key)
    command = NoticeOfAbsence(key=key, reason=payload.reason)
    attending.give_notice_of_absence(member=member, command=command, now=now)
    return Status(201, _detail(member, key, now))


@router.post("/offices/{slug}/sessions/{key}/move", response={201: ProposalOut, **WRITE_ERRORS})
def propose_move(request: HttpRequest, slug: str, key: str, payload: MoveIn) -> Status[Any]:
    """Propose a new start for the session (before it starts, or once postponed); it
    moves once the other side accepts (see ``proposals``)."""
    _office, member = member_for(request, slug)
    now = clock.now()
    session_for(member, key)
    command = ProposeMove(key=key, **payload.model_dump())
    proposal = proposing.propose_move(member=member, command=command, now=now)
    return Status(201, proposal_data(proposal, now))


@router.post(
    "/offices/{slug}/sessions/{key}/postpone", response={200: SessionDetailOut, **WRITE_ERRORS}
)
def postpone_session(
    request: HttpRequest, slug: str, key: str, payload: ReasonIn
) -> dict[str, Any]:
    """Postpone the session without a new time yet."""
    _office, member = member_for(request, slug)
    now = clock.now()
    session_for(member, key)
    command = PostponeSession(key=key, reason=payload.reason)
    calling_off.postpone_session(member=member, command=command, now=now)
    return _detail(member, key, now)


@router.post(
    "/offices/{slug}/sessions/{key}/cancel", response={200: SessionDetailOut, **WRITE_ERRORS}
)
def cancel_session(request: HttpRequest, slug: str, key: str, payload: ReasonIn) -> dict[str, Any]:
    """Cancel the session."""
    _office, member = member_for(request, slug)
    now = clock.now()
    session_for(member, key)
    command = CancelSession(key=key, reason=payload.reason)
    calling_off.cancel_session(member=member, command=command, now=now)
    return _detail(member, key, now)
