"""Finding a session or a proposal for a member: the object, or ``NotFound`` (logged
here, once). Sessions and proposals are joint: every member of the office reaches them.
Web pages and API operations look them up here before they read a form or a payload;
the actions look again, with the same functions, inside the office's lock."""

from __future__ import annotations

import datetime as dt

from liaison.lib.errors import NotFound
from liaison.meetings.models import Proposal
from liaison.meetings.overview import SessionDetail, session_detail
from liaison.meetings.schedule import SessionInfo, find_session
from liaison.offices.access import refuse
from liaison.offices.models import Member, Office

NO_SESSION = "No such session."
NO_PROPOSAL = "No such proposal."


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


def _missing(member: Member, what: str, key: str, message: str) -> NotFound:
    refuse(member.user, f"{what} {member.office_id}/{key}", f"no such {what}")
    return NotFound(message)


def session_for(member: Member, key: str) -> SessionInfo:
    """The office's session ``key`` (a cadence's occurrence or a session of its own)."""
    session = find_session(member.office, key)
    if session is None:
        raise _missing(member, "session", key, NO_SESSION)
    return session


def session_detail_for(member: Member, key: str, now: dt.datetime) -> SessionDetail:
    """Session ``key`` with each side's check-in and notice, as its page shows it."""
    detail = session_detail(member.office, key, now)
    if detail is None:
        raise _missing(member, "session", key, NO_SESSION)
    return detail


def proposal_for(member: Member, key: str) -> Proposal:
    """The office's proposal ``key`` (``<side>-<seq>``), whichever side made it."""
    proposal = find_proposal(member.office, key)
    if proposal is None:
        raise _missing(member, "proposal", key, NO_PROPOSAL)
    return proposal
