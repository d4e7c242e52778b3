"""Cadences: the agreed recurrences, current and past versions, and proposing a cadence,
a change or an end (binding once the other side accepts: see ``proposals``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from liaison.api.access import member_for
from liaison.api.offices import cadences_data
from liaison.api.proposals import proposal_data
from liaison.api.schemas import (
    CadenceEndIn,
    CadenceIn,
    CadencesOut,
    ErrorOut,
    ProposalOut,
)
from liaison.lib import clock
from liaison.meetings import proposing
from liaison.meetings.commands import ProposeCadence, ProposeCadenceEnd

router = Router(tags=["cadences"])


@router.get("/offices/{slug}/cadences", response={200: CadencesOut, 404: ErrorOut})
def list_cadences(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Versions in force now or agreed for later (``current``), and those that ended."""
    office, _member = member_for(request, slug)
    return cadences_data(office, clock.now())


@router.post(
    "/offices/{slug}/cadences",
    response={201: ProposalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def propose_cadence(request: HttpRequest, slug: str, payload: CadenceIn) -> Status[Any]:
    """Propose a cadence, or a change from ``effective`` (default now) on: a new version
    once the other side accepts it, in force from ``effective`` or the acceptance,
    whichever is later. Sessions before it keep the version they had."""
    _office, member = member_for(request, slug)
    now = clock.now()
    command = ProposeCadence(**payload.model_dump())
    proposal = proposing.propose_cadence(member=member, command=command, now=now)
    return Status(201, proposal_data(proposal, now))


@router.post(
    "/offices/{slug}/cadences/{key}/end",
    response={201: ProposalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def propose_cadence_end(
    request: HttpRequest, slug: str, key: str, payload: CadenceEndIn
) -> Status[Any]:
    """Propose to end a cadence from ``effective`` (default now), or from the other
    side's acceptance if later: no occurrences from then on. Sessions before it keep
    their cadence and their record."""
    _office, member = member_for(request, slug)
    now = clock.now()
    command = ProposeCadenceEnd(key=key, **payload.model_dump())
    proposal = proposing.propose_cadence_end(member=member, command=command, now=now)
    return Status(201, proposal_data(proposal, now))
