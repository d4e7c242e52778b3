"""What the actions on records share: appending to the acting member's side's log, the
checks every write makes first, the held session a record or minutes need, and the
conflict a save from a stale revision gets.

Every action in ``meeting_records``, ``readouts``, ``minutes``, ``frameworks`` and
``commitments`` takes the acting member, its command (``records/commands.py``) and
``now``, checks the rules against the projections inside the office's write lock, and
appends exactly one event to the member's side's log, or raises ``Refused``
(``NotAllowed``, ``Conflict``) with a message for a person, or ``NotFound`` for what the
member cannot reach (``records/lookups.py``), and leaves everything as it was. Readout
drafts are the exception: they are the side's private content and are saved outside the
logs (``ReadoutDraft``).
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from liaison.ledger import log
from liaison.lib.errors import Conflict, Refused
from liaison.meetings.lookups import session_detail_for
from liaison.meetings.overview import SessionDetail
from liaison.offices.access import (
    require_active,
    require_side_member,
    require_side_speaker,
)
from liaison.offices.models import Member, Office


def side_key(member: Member) -> str:
    if member.side is None:  # the require_* checks refuse this first
        raise Refused("observers cannot act for a side")
    return member.side.key


def append(member: Member, type: str, body: dict[str, Any], now: dt.datetime) -> None:
    log.append(
        office=member.office_id,
        side=side_key(member),
        actor=member.username,
        type=type,
        at=now,
        body=body,
    )


def check_writer(member: Member, now: dt.datetime) -> None:
    require_side_member(member)
    require_active(member, now)


def check_speaker(member: Member, now: dt.datetime, side_key: str | None = None) -> None:
    require_side_speaker(member, side_key)
    require_active(member, now)


def held_session(member: Member, key: str, now: dt.datetime) -> SessionDetail:
    """The session ``key`` (or ``NotFound``), refused unless it was held."""
    detail = session_detail_for(member, key, now)
    if not detail.held:
        absent = ", ".join(
            f"{s.side.name}: {s.attendance.value.replace('_', ' ')}"
            for s in detail.sides
            if not s.attendance.attended
        )
        raise Refused(
            f"session {key} was not held ({absent}); only a held session has a record and minutes",
            field="session",
        )
    return detail


def diff(current: str, submitted: str, what: str) -> str:
    """A unified diff from what is saved now to what the person tried to save."""
    return "\n".join(
        difflib.unified_diff(
            current.splitlines(),
            submitted.splitlines(),
            fromfile=f"{what} as saved now",
            tofile="your version",
            lineterm="",
        )
    )


def conflict(
    what: str,
    base: int,
    current: int,
    by: str,
    at: dt.datetime,
    changes: str,
    *,
    office: Office,
    field: str = "base_revision",
    outcome: str = "Nothing of yours was saved; compare the two, then save again from the "
    "current revision.",
) -> Conflict:
    when = at.astimezone(office.zone).strftime("%d %b %Y %H:%M %Z")
    return Conflict(
        f"{what} changed while you were editing: you started from revision {base}, and "
        f"{by} saved revision {current} at {when}. {outcome}",
        current=current,
        changes=changes,
        field=field,
    )
