"""What the projects' actions share: appending to the acting side's log, who may speak
for a side, and the rule for a plan's window.

Every action checks its rules inside the office's write lock, appends one event to the
acting member's side's log, or raises ``Refused`` (``NotAllowed``, ``NotFound``,
``Conflict``) and leaves everything as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.offices.access import require_active, require_side_speaker
from liaison.offices.models import Member, Office

# The years a plan may lie in: wide enough for any real project and for history, narrow
# enough that a slip of the keyboard (9999, year 1) is caught where it is typed.
PLAN_YEARS = range(1900, 2200)


def append(member: Member, type: str, body: dict[str, Any], now: dt.datetime) -> None:
    if member.side is None:  # the checks refuse observers first
        raise Refused("observers cannot act for a side")
    log.append(
        office=member.office_id,
        side=member.side.key,
        actor=member.username,
        type=type,
        at=now,
        body=body,
    )


def speaker(member: Member, now: dt.datetime) -> None:
    """Only a side's head or deputy, still in office, speaks for it."""
    require_side_speaker(member)
    require_active(member, now)


def office_today(office: Office, now: dt.datetime) -> dt.date:
    return now.astimezone(office.zone).date()


def window(start: dt.date | None, end: dt.date | None) -> dict[str, str] | None:
    """A plan's event form, or None for no plan; a half plan, a reversed one or one in
    an absurd year is refused on the field at fault."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise Refused(
            "a plan has a first and a last day", field="start" if start is None else "end"
        )
    for name, day in (("start", start), ("end", end)):
        if day.year not in PLAN_YEARS:
            raise Refused(
                f"a plan lies between {PLAN_YEARS[0]} and {PLAN_YEARS[-1]}, not in {day.year}",
                field=name,
            )
    if end < start:
        raise Refused(f"the plan ends ({end}) before it starts ({start})", field="end")
    return {"start": start.isoformat(), "end": end.isoformat()}
