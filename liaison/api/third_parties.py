"""Third parties: outside actors (a state, an envoy) with their actors, the positions
they stated and the events they held or are expected to hold. Shared records: every
member reads them; a side's head or deputy records them, through
``projects.third_parties`` and its commands. An unknown third party in the path is a 404
(``projects.lookups``) before the payload is judged.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
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
from liaison.offices.models import Member, Office
from liaison.projects import third_parties
from liaison.projects.commands import (
    AddActor,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
)
from liaison.projects.lookups import third_party_for
from liaison.projects.models import ThirdParty
from liaison.projects.overview import third_parties_of, third_party_rows

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


def _third_party(member: Member, key: str) -> dict[str, Any]:
    party = third_party_for(member, key, third_party_rows())
    return third_party_data(party, _sides(member.office))


@router.get("/offices/{slug}/third-parties", response={200: list[ThirdPartyOut], **READ_ERRORS})
def list_third_parties(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Every third party by name, with its actors, positions and events."""
    office, _member = member_for(request, slug)
    sides = _sides(office)
    return [third_party_data(p, sides) for p in third_parties_of(office)]


@router.post("/offices/{slug}/third-parties", response={201: ThirdPartyOut, **WRITE_ERRORS})
def record_third_party(request: HttpRequest, slug: str, payload: ThirdPartyIn) -> Status[Any]:
    """Record an outside actor whose positions and events bear on the office."""
    _office, member = member_for(request, slug)
    command = RecordThirdParty(**payload.model_dump())
    third_parties.record_third_party(member=member, command=command, now=clock.now())
    return Status(201, _third_party(member, command.key))


@router.get("/offices/{slug}/third-parties/{tkey}", response={200: ThirdPartyOut, **READ_ERRORS})
def get_third_party(request: HttpRequest, slug: str, tkey: str) -> dict[str, Any]:
    """One third party with its actors, positions and events."""
    _office, member = member_for(request, slug)
    return _third_party(member, tkey)


@router.post(
    "/offices/{slug}/third-parties/{tkey}/actors",
    response={201: ThirdPartyOut, **WRITE_ERRORS},
)
def add_actor(request: HttpRequest, slug: str, tkey: str, payload: ActorIn) -> Status[Any]:
    """A person acting for the third party (an envoy, a minister)."""
    _office, member = member_for(request, slug)
    third_party_for(member, tkey)  # an unknown party is a 404 whatever the payload
    command = AddActor(party=tkey, **payload.model_dump())
    third_parties.add_actor(member=member, command=command, now=clock.now())
    return Status(201, _third_party(member, tkey))


@router.post(
    "/offices/{slug}/third-parties/{tkey}/positions",
    response={201: ThirdPartyOut, **WRITE_ERRORS},
)
def record_position(request: HttpRequest, slug: str, tkey: str, payload: PositionIn) -> Status[Any]:
    """What the third party (or one of its ``actor``s) said it wants, on ``stated_on``
    (not after today), per ``source``. Blockers and conditions cite it as
    ``<third party>/<key>``."""
    _office, member = member_for(request, slug)
    third_party_for(member, tkey)
    command = RecordPosition(party=tkey, **(payload.model_dump() | {"actor": payload.actor or ""}))
    third_parties.record_position(member=member, command=command, now=clock.now())
    return Status(201, _third_party(member, tkey))


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
    _office, member = member_for(request, slug)
    third_party_for(member, tkey)
    values = payload.model_dump() | {"actor": payload.actor or ""}
    command = RecordExternalEvent(party=tkey, **values)
    third_parties.record_external_event(member=member, command=command, now=clock.now())
    return Status(201, _third_party(member, tkey))
