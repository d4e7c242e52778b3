"""Cadences: the agreed recurrences, current and past versions, and agreeing a change."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from liaison.api.access import member_for
from liaison.api.offices import cadence_data, cadences_data
from liaison.api.schemas import (
    CadenceEndIn,
    CadenceIn,
    CadenceOut,
    CadencesOut,
    ErrorOut,
    aware,
)
from liaison.lib import clock
from liaison.meetings import actions

router = Router(tags=["cadences"])


@router.get("/offices/{slug}/cadences", response={200: CadencesOut, 404: ErrorOut})
def list_cadences(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Versions in force now or agreed for later (``current``), and those that ended."""
    office, _member = member_for(request, slug)
    return cadences_data(office, clock.now())


@router.post(
    "/offices/{slug}/cadences",
    response={201: CadenceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def set_cadence(request: HttpRequest, slug: str, payload: CadenceIn) -> Status[Any]:
    """Agree a cadence, or change one from ``effective`` (default now) on: a new version.

    Sessions before ``effective`` keep the version they had; a change cannot reach back.
    """
    _office, member = member_for(request, slug)
    effective = aware(payload.effective, "effective") if payload.effective else None
    cadence = actions.set_cadence(
        member=member,
        key=payload.key,
        title=payload.title,
        rule=payload.rule,
        starts_on=payload.starts_on,
        start_time=payload.start_time,
        duration_minutes=payload.duration_minutes,
        grace_minutes=payload.grace_minutes,
        required_level=payload.required_level,
        effective=effective,
        reason=payload.reason,
        now=clock.now(),
    )
    return Status(201, cadence_data(cadence))


@router.post(
    "/offices/{slug}/cadences/{key}/end",
    response={200: CadencesOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def end_cadence(request: HttpRequest, slug: str, key: str, payload: CadenceEndIn) -> dict[str, Any]:
    """End a cadence from ``effective`` (default now): no occurrences from then on.

    Sessions before ``effective`` keep their cadence and their record. Answers with the
    office's cadences as they now stand.
    """
    office, member = member_for(request, slug)
    effective = aware(payload.effective, "effective") if payload.effective else None
    now = clock.now()
    actions.end_cadence(member=member, key=key, reason=payload.reason, effective=effective, now=now)
    return cadences_data(office, now)
