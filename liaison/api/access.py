"""The API's lookups, each a thin layer over ``offices.access`` (every permission check)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from liaison.api.auth import caller, token_of
from liaison.lib.errors import Refused
from liaison.meetings.schedule import SessionInfo, find_session
from liaison.offices.access import get_office_for_user, refuse, require_side_speaker
from liaison.offices.models import Member, Office


def member_for(request: HttpRequest, slug: str) -> tuple[Office, Member]:
    """The office and the caller's active membership; 404 for unknown and not-yours alike.

    A bearer token reaches only its own member's office: any other is unknown to it."""
    token = token_of(request)
    if token is not None and token.member is not None and token.member.office_id != slug:
        refuse(caller(request), f"office {slug}", f"token {token.prefix} is for another office")
        raise Http404("No such office.")
    return get_office_for_user(caller(request), slug)


def session_for(member: Member, key: str) -> SessionInfo:
    session = find_session(member.office, key)
    if session is None:
        refuse(member.user, f"session {member.office_id}/{key}", "no such session")
        raise Http404("No such session.")
    return session


def attendee_for(member: Member, username: str | None) -> Member | None:
    """The member named for a check-in, or None (the caller attends).

    Naming the other side's member is acting for the other side: 403, like the UI.
    """
    if username is None:
        return None
    attendee = (
        Member.objects.select_related("side", "office")
        .filter(office_id=member.office_id, username=username)
        .first()
    )
    if attendee is None:
        raise Refused(f"this office has no member {username!r}", field="attendee")
    if attendee.side_id is not None:
        require_side_speaker(member, attendee.side_key)
    return attendee
