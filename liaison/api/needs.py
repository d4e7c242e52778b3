"""What waits on the caller: the dashboard's "Needs you" panel as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from liaison.api.access import member_for
from liaison.api.schemas import ErrorOut
from liaison.attention.needs import KINDS, needs_for
from liaison.channel import receipts
from liaison.lib import clock

router = Router(tags=["needs"])


class NeedOut(Schema):
    kind: str = Field(description=f"one of: {', '.join(KINDS)}")
    title: str
    since: dt.datetime = Field(description="since when it waits")
    link: str = Field(description="the web page where it is answered")
    due: dt.datetime | dt.date | None = Field(description="a due day (office time) or instant")
    overdue: bool
    days_left: int | None = Field(description="days to the due day; negative once past")


class NeedsOut(Schema):
    office: str
    total: int
    counts: dict[str, int] = Field(description="items by kind, every kind named")
    items: list[NeedOut] = Field(description="oldest first")


@router.get("/offices/{slug}/needs", response={200: NeedsOut, 404: ErrorOut})
def get_needs(request: HttpRequest, slug: str) -> dict[str, Any]:
    """What waits on you, oldest first: for a head, the minutes proposed for signature
    that your side has not signed; for a head or deputy, the other side's notices,
    proposals and protests your side has neither acknowledged nor answered, your side's
    commitments open or in progress that are overdue or due within
    ``LIAISON_DUE_SOON_DAYS`` days, and the checkpoints refused in the last 30 days (of
    your side's log, or by your side). Staff and observers answer none of these: their
    list is empty. Being listed here delivers a message to your side, as the inbox
    does."""
    office, member = member_for(request, slug)
    now = clock.now()
    needs = needs_for(member, now)
    receipts.mark_shown(member, needs.messages, opened=False, now=now)
    return {
        "office": office.id,
        "total": needs.total,
        "counts": needs.counts,
        "items": [
            {
                "kind": row.need.kind,
                "title": row.need.title,
                "since": row.need.since,
                "link": row.need.link,
                "due": row.need.due,
                "overdue": row.overdue,
                "days_left": row.days_left,
            }
            for row in needs.rows
        ],
    }
