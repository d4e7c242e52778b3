"""Read models for pages and the API: the dashboard and one session, as plain data.

Both the web views and the JSON API call these, so they show the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from liaison.meetings.attendance import Attendance, attendance
from liaison.meetings.models import AbsenceNotice, CheckIn, Status
from liaison.meetings.schedule import SessionInfo, check_in_window, find_session
from liaison.meetings.standing import SessionOutcome, Standing, compute
from liaison.offices.models import Member, Office, Side

UPCOMING_WEEKS = 8
RECENT_COUNT = 10


@dataclass(frozen=True)
class Dashboard:
    standing: Standing
    upcoming: list[SessionOutcome]
    recent: list[SessionOutcome]
    open_now: list[SessionOutcome]  # sessions a side can check in to right now


def dashboard(office: Office, now: dt.datetime) -> Dashboard:
    """The office as it stands at ``now``: standing, upcoming and recent sessions."""
    until = now + dt.timedelta(weeks=UPCOMING_WEEKS)
    standing = compute(office, now, until=until)
    upcoming = [o for o in standing.outcomes if o.session.start > now][:RECENT_COUNT]
    recent = [o for o in standing.outcomes if o.session.start <= now][-RECENT_COUNT:][::-1]
    open_now = []
    for outcome in standing.outcomes:
        opens, closes = check_in_window(outcome.session)
        if outcome.session.is_scheduled and opens <= now <= closes:
            open_now.append(outcome)
    return Dashboard(standing=standing, upcoming=upcoming, recent=recent, open_now=open_now)


@dataclass(frozen=True)
class SideAttendance:
    side: Side
    attendance: Attendance
    check_in: CheckIn | None
    notice: AbsenceNotice | None


@dataclass(frozen=True)
class SessionDetail:
    session: SessionInfo
    sides: list[SideAttendance]
    check_in_opens: dt.datetime
    check_in_closes: dt.datetime
    now: dt.datetime

    @property
    def held(self) -> bool:
        return all(s.attendance.attended for s in self.sides)

    @property
    def sides_list(self) -> list[Side]:
        return [s.side for s in self.sides]

    def for_side(self, key: str | None) -> SideAttendance | None:
        return next((s for s in self.sides if s.side.key == key), None)

    @property
    def check_in_open(self) -> bool:
        return (
            self.session.status == Status.SCHEDULED
            and self.check_in_opens <= self.now <= self.check_in_closes
        )

    @property
    def changeable(self) -> bool:
        """Can still be moved, postponed or cancelled (nobody checked in, not started)."""
        if self.session.status not in (Status.SCHEDULED, Status.POSTPONED):
            return False
        if any(s.check_in for s in self.sides):
            return False
        return self.session.status == Status.POSTPONED or self.session.start > self.now


def session_detail(office: Office, key: str, now: dt.datetime) -> SessionDetail | None:
    session = find_session(office, key)
    if session is None:
        return None
    check_ins = {
        c.side_id: c
        for c in CheckIn.objects.filter(office=office, session_key=key).select_related(
            "attendee", "checked_in_by"
        )
    }
    notices = {
        n.side_id: n
        for n in AbsenceNotice.objects.filter(office=office, session_key=key).select_related(
            "given_by"
        )
    }
    sides = []
    for side in office.sides.all():
        check_in = check_ins.get(side.pk)
        notice = notices.get(side.pk)
        sides.append(
            SideAttendance(
                side=side,
                attendance=attendance(
                    session,
                    side.key,
                    check_in.at if check_in else None,
                    notice.at if notice else None,
                    now,
                ),
                check_in=check_in,
                notice=notice,
            )
        )
    opens, closes = check_in_window(session)
    return SessionDetail(
        session=session, sides=sides, check_in_opens=opens, check_in_closes=closes, now=now
    )


def eligible_attendees(member: Member, session: SessionInfo, today: dt.date) -> list[Member]:
    """Members of ``member``'s side who meet the session's required level."""
    roles = {"head": ["head"], "deputy": ["head", "deputy"]}.get(
        session.required_level, ["head", "deputy", "staff"]
    )
    return list(
        Member.objects.active_on(today)
        .filter(side_id=member.side_id, role__in=roles)
        .order_by("role", "full_name")
    )
