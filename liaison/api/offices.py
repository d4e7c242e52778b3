"""Offices: the caller's offices, one office in full, and its standing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from liaison.api.access import member_for
from liaison.api.auth import caller, token_of
from liaison.api.schemas import ErrorOut, OfficeDetailOut, OfficeOut, StandingOut
from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.lib.timezones import end_of_day
from liaison.meetings.models import Cadence
from liaison.meetings.standing import check_as_of, compute
from liaison.offices.access import offices_for
from liaison.offices.models import Member, Office

router = Router(tags=["offices"])

MAX_WINDOW_DAYS = 3660


def membership_data(member: Member) -> dict[str, Any]:
    return {
        "username": member.username,
        "full_name": member.full_name,
        "title": member.title,
        "role": member.role,
        "side": member.side_key,
        "time_zone": member.zone_name(),
    }


def office_data(office: Office, member: Member) -> dict[str, Any]:
    return {
        "slug": office.slug,
        "name": office.name,
        "place": office.place,
        "time_zone": office.time_zone,
        "launched_on": office.launched_on,
        "membership": membership_data(member),
    }


def cadence_data(cadence: Cadence) -> dict[str, Any]:
    return {
        "key": cadence.key,
        "version": cadence.version,
        "title": cadence.title,
        "rule": cadence.rule,
        "starts_on": cadence.starts_on,
        "start_time": cadence.start_time.strftime("%H:%M"),
        "duration_minutes": cadence.duration_minutes,
        "grace_minutes": cadence.grace_minutes,
        "required_level": cadence.required_level,
        "valid_from": cadence.valid_from,
        "valid_until": cadence.valid_until,
        "set_by": cadence.set_by,
        "proposed_by": cadence.proposed_by_id.partition(":")[2] if cadence.proposed_by_id else None,
        "accepted_by": cadence.accepted_by,
        "accepted_at": cadence.accepted_at,
        "reason": cadence.reason,
        "ended_by": cadence.ended_by or None,
        "end_accepted_by": cadence.end_accepted_by or None,
        "end_reason": cadence.end_reason or None,
    }


def cadences_data(office: Office, now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """Versions not yet ended (in force, or agreed to start later), and the ended ones."""
    current: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for cadence in Cadence.objects.for_office(office).order_by("key", "version"):
        ended = cadence.valid_until is not None and cadence.valid_until <= now
        (history if ended else current).append(cadence_data(cadence))
    return {"current": current, "history": history}


@router.get("/offices", response=list[OfficeOut])
def list_offices(request: HttpRequest) -> list[dict[str, Any]]:
    """The offices the caller is an active member of, with their membership."""
    token = token_of(request)
    return [
        office_data(office, member)
        for office, member in offices_for(caller(request))
        # A token lists only the office it is for.
        if token is None or token.member_id == member.id
    ]


@router.get("/offices/{slug}", response={200: OfficeDetailOut, 404: ErrorOut})
def get_office(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The office, its two sides, its members and its cadences (current and past versions)."""
    office, member = member_for(request, slug)
    members = Member.objects.for_office(office).select_related("side")
    return {
        **office_data(office, member),
        "chartered_at": office.chartered_at,
        "sides": [
            {"key": s.key, "name": s.name, "language": s.language, "time_zone": s.time_zone}
            for s in office.sides.all()
        ],
        "members": [
            {
                "username": m.username,
                "full_name": m.full_name,
                "title": m.title,
                "role": m.role,
                "side": m.side_key,
                "active_from": m.active_from,
                "active_until": m.active_until,
            }
            for m in members
        ],
        "cadences": cadences_data(office, clock.now()),
    }


@router.get(
    "/offices/{slug}/standing",
    response={200: StandingOut, 400: ErrorOut, 404: ErrorOut},
    by_alias=True,
)
def get_standing(
    request: HttpRequest,
    slug: str,
    as_of: Query[dt.date | None] = None,
    window: Query[int | None] = None,
) -> dict[str, Any]:
    """The office's standing, the same JSON as ``liaison status OFFICE --json``.

    ``as_of``: a date, the standing at its end (office time); default now.
    ``window``: days of attendance to rate (default 90).
    """
    office, _member = member_for(request, slug)
    if window is not None and not 1 <= window <= MAX_WINDOW_DAYS:
        raise Refused(f"window must be between 1 and {MAX_WINDOW_DAYS} days", field="window")
    now = clock.now()
    moment = end_of_day(as_of, office.zone) if as_of is not None else now
    check_as_of(moment, now)
    return compute(office, moment, window_days=window, with_projects=True).as_json()
