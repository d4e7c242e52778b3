"""Third parties: outside actors (a state, an envoy) with their actors, the positions
they stated and the events they held or are expected to hold. Shared records: every
member reads them; a side's head or deputy records them, through ``projects.actions``.
An unknown third party in the path is a 404 before any action runs.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from liaison.api.access import member_for
from liaison.api.project_schemas import (
    ActorIn,
    ExternalEventIn,
    PositionIn,
    ThirdPartyIn,
    ThirdPartyOut,
)
from liaison.api.schemas import ErrorOut
from liaison.lib import clock
from liaison.offices.access import refuse
from liaison.offices.models import Member, Office
from liaison.projects import actions
from liaison.projects.models import ThirdParty
from liaison.projects.overview import third_parties_of

router = Router(tags=["third parties"])

READ_ERRORS: dict[int, Any] = {404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def third_party_data(party: ThirdParty, sides: dict[str, str]) -> dict[str, Any]:
    return {
        "key": party.key,
        "name": party.name,
        "description": party.description,
        "recorded_by": party.recorded_by,
        "actors": [{"key": a.key, "name": a.name, "title": a.title} for a in party.actors.all()],
        "positions": [
            {
                "key": p.key,
                "reference": f"{party.key}/{p.key}",
                "actor": p.actor.key if p.actor else None,
                "stated_on": p.stated_on,
                "summary": p.summary,
                "source": p.source,
                "recorded_by": p.recorded_by,
                "side": sides[p.side_id],
                "recorded_at": p.recorded_at,
                "blocks": [f"{b.project.key}/{b.key}" for b in p.blockers.all()],
            }
            for p in party.positions.all()
        ],
        "events": [
            {
                "key": e.key,
                "actor": e.actor.key if e.actor else None,
                "title": e.title,
                "on": e.on,
                "status": e.status,
                "source": e.source,
                "recorded_by": e.recorded_by,
                "side": sides[e.side_id],
                "recorded_at": e.recorded_at,
            }
            for e in party.events.all()
        ],
    }


def _sides(office: Office) -> dict[str, str]:
    """Side keys by id: ``third_parties_of`` does not join the recording sides."""
    return {side.id: side.key for side in office.sides.all()}


def _third_party(office: Office, key: str) -> dict[str, Any]:
    # ``third_parties_of`` is a fixed number of queries; an office has few third parties.
    for party in third_parties_of(office):
        if party.key == key:
            return third_party_data(party, _sides(office))
    raise Http404("No such third party.")


def _exists(member: Member, key: str) -> None:
    if not ThirdParty.objects.filter(office_id=member.office_id, key=key).exists():
        refuse(member.user, f"third party {member.office_id}/{key}", "no such third party")
        raise Http404("No such third party.")


@router.get("/offices/{slug}/third-parties", response={200: list[ThirdPartyOut], **READ_ERRORS})
def list_third_parties(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Every third party by name, with its actors, positions and events."""
    office, _member = member_for(request, slug)
    sides = _sides(office)
    return [third_party_data(p, sides) for p in third_parties_of(office)]


@router.post("/offices/{slug}/third-parties", response={201: ThirdPartyOut, **WRITE_ERRORS})
def record_third_party(request: HttpRequest, slug: str, payload: ThirdPartyIn) -> Status[Any]:
    """Record an outside actor whose positions and events bear on the office."""
    office, member = member_for(request, slug)
    actions.record_third_party(
        member=member,
        key=payload.key,
        name=payload.name,
        description=payload.description,
        now=clock.now(),
    )
    return Status(201, _third_party(office, payload.key))


@router.get("/offices/{slug}/third-parties/{tkey}", response={200: ThirdPartyOut, **READ_ERRORS})
def get_third_party(request: HttpRequest, slug: str, tkey: str) -> dict[str, Any]:
    """One third party with its actors, positions and events."""
    office, _member = member_for(request, slug)
    return _third_party(office, tkey)


@router.post(
    "/offices/{slug}/third-parties/{tkey}/actors",
    response={201: ThirdPartyOut, **WRITE_ERRORS},
)
def add_actor(request: HttpRequest, slug: str, tkey: str, payload: ActorIn) -> Status[Any]:
    """A person acting for the third party (an envoy, a minister)."""
    office, member = member_for(request, slug)
    _exists(member, tkey)
    actions.add_actor(
        member=member,
        party=tkey,
        key=payload.key,
        name=payload.name,
        title=payload.title,
        now=clock.now(),
    )
    return Status(201, _third_party(office, tkey))


@router.post(
    "/offices/{slug}/third-parties/{tkey}/positions",
    response={201: ThirdPartyOut, **WRITE_ERRORS},
)
def record_position(request: HttpRequest, slug: str, tkey: str, payload: PositionIn) -> Status[Any]:
    """What the third party (or one of its ``actor``s) said it wants, on ``stated_on``
    (not after today), per ``source``. Blockers and conditions cite it as
    ``<third party>/<key>``."""
    office, member = member_for(request, slug)
    _exists(member, tkey)
    actions.record_position(
        member=member,
        party=tkey,
        key=payload.key,
        stated_on=payload.stated_on,
        summary=payload.summary,
        source=payload.source,
        actor=payload.actor or "",
        now=clock.now(),
    )
    return Status(201, _third_party(office, tkey))


@router.post(
    "/offices/{slug}/third-parties/{tkey}/events",
    response={201: ThirdPartyOut, **WRITE_ERRORS},
)
def record_external_event(
    request: HttpRequest, slug: str, tkey: str, payload: ExternalEventIn
) -> Status[Any]:
    """Something the third party does or is expected to do. The same ``key`` again is a
    new account of that event (it happened, moved, was called off) and replaces the
    earlier one; each account is kept in the recording side's log."""
    office, member = member_for(request, slug)
    _exists(member, tkey)
    actions.record_external_event(
        member=member,
        party=tkey,
        key=payload.key,
        title=payload.title,
        on=payload.on,
        status=payload.status,
        source=payload.source,
        actor=payload.actor or "",
        now=clock.now(),
    )
    return Status(201, _third_party(office, tkey))
