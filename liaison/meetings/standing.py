"""The office's standing on a day: last held meeting, attendance and no-show streaks
per side, and how far the cadence was kept. ``compute`` loads; ``build`` is pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from liaison.lib.errors import Refused
from liaison.lib.timezones import FIRST_DAY, get_zone
from liaison.meetings.attendance import Attendance, attendance, is_held, streaks
from liaison.meetings.models import AbsenceNotice, CheckIn, Status
from liaison.meetings.schedule import SessionInfo, sessions_between
from liaison.offices.models import Office, Side
from liaison.projects.overview import counts_by_status


@dataclass(frozen=True)
class SideStanding:
    key: str
    name: str
    attendance_rate: float | None
    attended: int
    excused: int
    no_shows: int
    current_no_show_streak: int
    longest_no_show_streak: int
    # Sessions in the window this side called off: its own acts, never counted against
    # the other side's attendance.
    cancelled: int = 0
    postponed: int = 0


@dataclass(frozen=True)
class SessionOutcome:
    session: SessionInfo
    by_side: dict[str, Attendance]
    held: bool


@dataclass(frozen=True)
class Standing:
    office: str
    as_of: dt.datetime
    last_held: SessionOutcome | None
    days_since_last_held: int | None
    sides: list[SideStanding]
    cadence_expected: int
    cadence_held: int
    window_start: dt.datetime
    window_days: int
    outcomes: list[SessionOutcome] = field(repr=False)
    zone_name: str = "UTC"
    # Joint projects by status at ``as_of``; read only when asked (``compute``).
    projects_by_status: dict[str, int] = field(default_factory=dict)

    @property
    def cadence_compliance(self) -> float | None:
        if not self.cadence_expected:
            return None
        return round(self.cadence_held / self.cadence_expected, 4)

    def as_json(self) -> dict[str, Any]:
        zone = get_zone(self.zone_name)
        last = self.last_held
        return {
            "office": self.office,
            "as_of": self.as_of.astimezone(zone).isoformat(),
            "last_held_meeting": last.session.start.astimezone(zone).date().isoformat()
            if last
            else None,
            "last_held_session": last.session.key if last else None,
            "days_since_last_held": self.days_since_last_held,
            "sides": [
                {
                    "key": s.key,
                    "name": s.name,
                    "attendance_rate": s.attendance_rate,
                    "attended": s.attended,
                    "excused": s.excused,
                    "no_shows": s.no_shows,
                    "current_no_show_streak": s.current_no_show_streak,
                    "longest_no_show_streak": s.longest_no_show_streak,
                    "cancelled": s.cancelled,
                    "postponed": s.postponed,
                }
                for s in self.sides
            ],
            "cadence_compliance": {
                "expected": self.cadence_expected,
                "held": self.cadence_held,
                "rate": self.cadence_compliance,
            },
            "window": {
                "from": self.window_start.astimezone(zone).isoformat(),
                "days": self.window_days,
            },
            "projects_by_status": self.projects_by_status,
        }


def outcomes_for(
    sessions: list[SessionInfo],
    sides: list[Side],
    check_ins: dict[tuple[str, str], dt.datetime],
    notices: dict[tuple[str, str], dt.datetime],
    now: dt.datetime,
) -> list[SessionOutcome]:
    """Each session's attendance per side as known at ``now``."""
    result = []
    for session in sessions:
        by_side = {}
        for side in sides:
            checked = check_ins.get((session.key, side.key))
            notice = notices.get((session.key, side.key))
            by_side[side.key] = attendance(
                session,
                side.key,
                checked if checked is not None and checked <= now else None,
                notice if notice is not None and notice <= now else None,
                now,
            )
        result.append(
            SessionOutcome(session=session, by_side=by_side, held=is_held(list(by_side.values())))
        )
    return result


def _window_start(as_of: dt.datetime, days: int) -> dt.datetime:
    """``days`` before ``as_of``; the calendar's first day when that is earlier (a window
    reaching back past year 1 rates all there is), not an overflow."""
    earliest = dt.datetime.combine(FIRST_DAY, dt.time(), tzinfo=dt.UTC)
    try:
        return max(as_of - dt.timedelta(days=days), earliest)
    except OverflowError:
        return earliest


def build(
    office: Office,
    sides: list[Side],
    outcomes: list[SessionOutcome],
    as_of: dt.datetime,
    window_days: int,
) -> Standing:
    zone = office.zone
    window_start = _window_start(as_of, window_days)
    past = [o for o in outcomes if o.session.start <= as_of]
    held = [o for o in past if o.held]
    last = held[-1] if held else None
    days_since = None
    if last is not None:
        days_since = (
            as_of.astimezone(zone).date() - last.session.start.astimezone(zone).date()
        ).days
    side_rows = []
    for side in sides:
        decided = [o.by_side[side.key] for o in past if o.by_side[side.key].decided]
        in_window = [
            o.by_side[side.key]
            for o in past
            if o.by_side[side.key].decided and o.session.start >= window_start
        ]
        attended = sum(1 for a in in_window if a.attended)
        current, longest = streaks(decided)
        called_off = [
            o.session.status
            for o in past
            if o.session.changed_by == side.key and o.session.original_start >= window_start
        ]
        side_rows.append(
            SideStanding(
                key=side.key,
                name=side.name,
                attendance_rate=round(attended / len(in_window), 4) if in_window else None,
                attended=attended,
                excused=sum(1 for a in in_window if a == Attendance.EXCUSED),
                no_shows=sum(1 for a in in_window if a == Attendance.NO_SHOW),
                current_no_show_streak=current,
                longest_no_show_streak=longest,
                cancelled=called_off.count(Status.CANCELLED),
                postponed=called_off.count(Status.POSTPONED),
            )
        )
    # Cadence compliance: of the cadence's occurrences whose grace ended in the window,
    # how many were held. Cancelled and postponed ones count against it.
    cadence_due = [
        o
        for o in past
        if not o.session.is_adhoc
        and o.session.original_start >= window_start
        and o.session.grace_end <= as_of
    ]
    return Standing(
        office=office.id,
        as_of=as_of,
        last_held=last,
        days_since_last_held=days_since,
        sides=side_rows,
        cadence_expected=len(cadence_due),
        cadence_held=sum(1 for o in cadence_due if o.held),
        window_start=window_start,
        window_days=window_days,
        outcomes=outcomes,
        zone_name=office.time_zone,
    )


# A standing far ahead walks every session up to it: asked of 9999 it took seconds of the
# server's time for any member. Ten years ahead is as far as the schedule looks.
MAX_AHEAD = dt.timedelta(days=3653)


def check_as_of(as_of: dt.datetime, now: dt.datetime) -> None:
    """Refuse a standing asked for more than ten years after ``now``."""
    if as_of - now > MAX_AHEAD:
        raise Refused("the standing can be asked for at most ten years ahead", field="as_of")


def compute(
    office: Office,
    as_of: dt.datetime,
    *,
    window_days: int | None = None,
    until: dt.datetime | None = None,
    with_projects: bool = False,
) -> Standing:
    """The standing at ``as_of``; ``outcomes`` runs to ``until`` (default ``as_of``).
    ``with_projects`` adds the joint projects by status (one more query)."""
    window_days = window_days or settings.LIAISON_STANDING_WINDOW_DAYS
    sides = list(office.sides.all())
    launched = dt.datetime.combine(office.launched_on, dt.time(), tzinfo=dt.UTC) - dt.timedelta(
        days=1
    )
    outcomes = outcomes_between(office, sides, launched, until or as_of, as_of)
    standing = build(office, sides, outcomes, as_of, window_days)
    if with_projects:
        standing = replace(standing, projects_by_status=counts_by_status(office, as_of))
    return standing


_KEYS_IN_QUERY = 500  # beyond this, reading the office's rows beats a long IN list


def _stamps(
    rows: QuerySet[CheckIn] | QuerySet[AbsenceNotice], sessions: list[SessionInfo]
) -> dict[tuple[str, str], dt.datetime]:
    """(session key, side key) -> when, for the given sessions: plain tuples, no models."""
    if len(sessions) <= _KEYS_IN_QUERY:
        rows = rows.filter(session_key__in=[s.key for s in sessions])
    return {(key, side): at for key, side, at in rows.values_list("session_key", "side__key", "at")}


def outcomes_between(
    office: Office, sides: list[Side], start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[SessionOutcome]:
    """Sessions starting in [start, end] with each side's attendance as known at ``now``.
    Four queries, however many sessions."""
    sessions = sessions_between(office, start, end)
    check_ins = _stamps(CheckIn.objects.filter(office=office), sessions)
    notices = _stamps(AbsenceNotice.objects.filter(office=office), sessions)
    return outcomes_for(sessions, sides, check_ins, notices, now)
