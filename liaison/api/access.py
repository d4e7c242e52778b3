"""The caller's office and membership, a thin layer over ``offices.access`` (every
permission check). The objects in an office are looked up in their app's ``lookups``
(``meetings.lookups.session_for``, ``projects.lookups.project_for``), whose ``NotFound``
answers 404 (``errors``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from liaison.api.auth import caller, token_of
from liaison.offices.access import get_office_for_user, refuse
from liaison.offices.models import Member, Office


def member_for(request: HttpRequest, slug: str) -> tuple[Office, Member]:
    """The office and the caller's active membership; 404 for unknown and not-yours alike.

    A bearer token reaches only its own member's office: any other is unknown to it."""
    token = token_of(request)
    if token is not None and token.member is not None and token.member.office_id != slug:
        refuse(caller(request), f"office {slug}", f"token {token.prefix} is for another office")
        raise Http404("No such office.")
    return get_office_for_user(caller(request), slug)
