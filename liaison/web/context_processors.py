"""Template context every page shares: what waits on the viewer, for the navigation.

``office_page`` remembers the member a request is for; ``needs_of`` computes their
``Needs`` once per request, so the dashboard's panel and the navigation's count are the
same reading. Pages that never render the count (no office, or a page that renders no
template) read nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from liaison.attention.needs import Needs, needs_for
from liaison.lib import clock
from liaison.offices.models import Member

_MEMBER = "_liaison_member"
_NEEDS = "_liaison_needs"


def remember(request: HttpRequest, member: Member) -> None:
    """The member this office page is for (set by ``office_page``)."""
    setattr(request, _MEMBER, member)


def needs_of(request: HttpRequest, member: Member, now: dt.datetime | None = None) -> Needs:
    """What waits on ``member``, read once for this request."""
    needs: Needs | None = getattr(request, _NEEDS, None)
    if needs is None:
        needs = needs_for(member, now or clock.now())
        setattr(request, _NEEDS, needs)
    return needs


def needs(request: HttpRequest) -> dict[str, Any]:
    member: Member | None = getattr(request, _MEMBER, None)
    if member is None:
        return {}
    return {"needs": SimpleLazyObject(lambda: needs_of(request, member))}
