"""Postponing and cancelling a session: one side's own act, recorded in its log with
its reason. A postponed session keeps its key and can be given a new time
(``proposing.propose_move``); a cancelled one is over."""

from __future__ import annotations

import datetime as dt

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.meetings import notices
from liaison.meetings.commands import CancelSession, PostponeSession
from liaison.meetings.lookups import session_for
from liaison.meetings.models import Status
from liaison.meetings.schedule import SessionInfo
from liaison.meetings.shared import append, changeable, speaker
from liaison.offices.models import Member


def _set_status(
    member: Member,
    command: PostponeSession | CancelSession,
    now: dt.datetime,
    *,
    status: Status,
    verb: str,
) -> SessionInfo:
    office = member.office
    speaker(member, now)
    with log.writing(office.id):
        session = session_for(member, command.key)
        changeable(session, office, now)
        if session.status == status:
            raise Refused(f"this session is already {verb}")
        event = append(
            member, f"session.{verb}", {"session": command.key, "reason": command.reason}, now
        )
        notices.tell(member, event, now)
    return session_for(member, command.key)


def postpone_session(*, member: Member, command: PostponeSession, now: dt.datetime) -> SessionInfo:
    """The session will not take place at its time; it keeps its key and can be moved."""
    return _set_status(member, command, now, status=Status.POSTPONED, verb="postponed")


def cancel_session(*, member: Member, command: CancelSession, now: dt.datetime) -> SessionInfo:
    return _set_status(member, command, now, status=Status.CANCELLED, verb="cancelled")
