"""The office's timeline: the same items as ``liaison timeline OFFICE --json``."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from liaison.api.access import member_for
from liaison.api.schemas import ErrorOut
from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.lib.timezones import end_of_day, localize
from liaison.timeline.build import timeline
from liaison.timeline.items import KINDS

router = Router(tags=["timeline"])

# The timeline's kinds, as an enum so the schema lists them and a wrong one is a 422.
Kind = StrEnum("Kind", {kind: kind for kind in KINDS})  # type: ignore[misc]


class TimelineItemOut(Schema):
    id: str
    date: dt.date
    at: str
    kind: str
    title: str
    side: str | None
    link: str


class TimelineOut(Schema):
    office: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    items: list[TimelineItemOut]


@router.get(
    "/offices/{slug}/timeline",
    response={200: TimelineOut, 400: ErrorOut, 404: ErrorOut},
    by_alias=True,
)
def get_timeline(
    request: HttpRequest,
    slug: str,
    start: Query[dt.date | None] = None,
    end: Query[dt.date | None] = None,
    kind: Query[list[Kind] | None] = None,
) -> dict[str, Any]:
    """The office's chronology between ``start`` and ``end`` (days, office time; default
    from the launch to today), optionally only some ``kind``s. Items: ``date``, ``at``,
    ``kind``, ``title``, ``side`` (or null), ``link`` (the web page) and ``id``."""
    office, _member = member_for(request, slug)
    now = clock.now()
    first = start or office.launched_on
    last = end or now.astimezone(office.zone).date()
    if last < first:
        raise Refused("end is before start", field="end")
    items = timeline(
        office,
        localize(dt.datetime.combine(first, dt.time()), office.zone),
        end_of_day(last, office.zone),
        now,
        [k.value for k in kind] if kind else None,
    )
    return {
        "office": office.id,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "items": [item.as_json() for item in items],
    }
