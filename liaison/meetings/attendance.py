"""Attendance, derived from a session, a side's check-in or notice, and the time.

Never typed in. ``present``: checked in by the start; ``late``: after the start, within
the grace period; ``excused``: notice of absence given before the start; ``no_show``:
no check-in when the grace period ends, for a session the side agreed to;
``expected``: none of these yet. A session binds only once both sides agreed to it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from liaison.meetings.schedule import SessionInfo


class Attendance(StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    NO_SHOW = "no_show"
    EXPECTED = "expected"
    NOT_DUE = "not_due"  # the session was cancelled or postponed

    @property
    def attended(self) -> bool:
        return self in (Attendance.PRESENT, Attendance.LATE)

    @property
    def decided(self) -> bool:
        return self not in (Attendance.EXPECTED, Attendance.NOT_DUE)


def attendance(
    session: SessionInfo,
    side: str,
    checked_in_at: dt.datetime | None,
    notice_at: dt.datetime | None,
    now: dt.datetime,
) -> Attendance:
    """Side ``side``'s attendance at ``session`` as known at ``now``.

    A check-in or notice recorded after ``now`` is not yet known: the caller passes
    ``None`` for it, so a past day can be seen as it stood then. A side the session does
    not bind (it never agreed to it, or agreed too late to be told) is never a no-show.
    """
    if not session.is_scheduled:
        return Attendance.NOT_DUE
    if checked_in_at is not None:
        return Attendance.PRESENT if checked_in_at <= session.start else Attendance.LATE
    if not session.binds(side):
        return Attendance.NOT_DUE
    if notice_at is not None and notice_at < session.start:
        return Attendance.EXCUSED
    # At the very end of the grace period a side may still check in (late).
    if now > session.grace_end:
        return Attendance.NO_SHOW
    return Attendance.EXPECTED


def is_held(attendances: list[Attendance]) -> bool:
    """A session was held when every side attended."""
    return bool(attendances) and all(a.attended for a in attendances)


def streaks(outcomes: list[Attendance]) -> tuple[int, int]:
    """(current, longest) runs of ``no_show`` in sessions in time order.

    Excused absences neither extend nor break a run: notice was given, but the side
    still did not turn up. Sessions not yet decided are ignored.
    """
    current = longest = 0
    for outcome in outcomes:
        if outcome == Attendance.NO_SHOW:
            current += 1
            longest = max(longest, current)
        elif outcome.attended:
            current = 0
    return current, longest
