"""What the API takes and gives, as pydantic models (the OpenAPI schema is made from them).

Instants go out in UTC (``2024-01-05T01:00:00Z``) and come in as ISO 8601 with an
offset; a naive instant is refused by the endpoint with a 400 (``aware`` below), not
silently read as UTC. Dates and wall-clock times are plain (``2024-01-05``, ``10:00``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from liaison.lib.errors import Refused
from liaison.lib.fields import KEY_PATTERN, MINUTES_MAX, REASON_MAX, TITLE_MAX
from liaison.meetings.commands import RULE_MAX, LevelName


def _to_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


UtcInstant = Annotated[dt.datetime, AfterValidator(_to_utc)]
Level = LevelName
Role = Literal["head", "deputy", "staff", "observer"]
AttendanceName = Literal["present", "late", "excused", "no_show", "expected", "not_due"]
SessionStatus = Literal["scheduled", "postponed", "cancelled", "proposed", "declined", "withdrawn"]
ProposalKindName = Literal["cadence", "cadence_end", "session", "move"]
ProposalStateName = Literal["open", "lapsed", "accepted", "declined", "withdrawn"]
Reason = Annotated[str, Field(max_length=REASON_MAX)]


def aware(value: dt.datetime, field: str) -> dt.datetime:
    """``value`` in UTC; a naive datetime is refused (400) rather than guessed at."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise Refused(f"{field} has no UTC offset; write e.g. 2018-11-02T19:00+09:00", field=field)
    return value.astimezone(dt.UTC)


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class InputIssue(Schema):
    """One way the request did not match the schema (pydantic's error, as ninja gives it)."""

    type: str
    loc: list[str | int] = Field(description="where: the part of the request, then the field")
    msg: str


class InputErrorOut(Schema):
    """The 422 answer: the body, query or path did not match the schema."""

    detail: list[InputIssue]


# Offices


class MembershipOut(Schema):
    username: str
    full_name: str
    title: str
    role: Role
    side: str | None = Field(description="the side's key; null for an observer on neither side")
    time_zone: str = Field(description="the zone this member sees times in")


class OfficeOut(Schema):
    slug: str
    name: str
    place: str
    time_zone: str
    launched_on: dt.date
    membership: MembershipOut = Field(description="the caller's membership of the office")


class SideOut(Schema):
    key: str
    name: str
    language: str
    time_zone: str


class MemberOut(Schema):
    username: str
    full_name: str
    title: str
    role: Role
    side: str | None
    active_from: dt.date
    active_until: dt.date | None


class CadenceOut(Schema):
    key: str
    version: int
    title: str
    rule: str = Field(description="RFC 5545 RRULE, expanded in the office's time zone")
    starts_on: dt.date
    start_time: str = Field(description="wall-clock time in the office's zone, HH:MM")
    duration_minutes: int
    grace_minutes: int
    required_level: Level
    valid_from: UtcInstant
    valid_until: UtcInstant | None
    set_by: str = Field(description="who proposed this version")
    proposed_by: str | None = Field(description="the side that proposed this version")
    accepted_by: str = Field(description="who accepted it for the other side")
    accepted_at: UtcInstant | None
    reason: str
    ended_by: str | None = Field(
        description="who proposed the end of the cadence; null if it was not ended"
    )
    end_accepted_by: str | None
    end_reason: str | None


class CadencesOut(Schema):
    current: list[CadenceOut] = Field(description="versions in force now or from a later date")
    history: list[CadenceOut] = Field(description="versions that have ended")


class OfficeDetailOut(OfficeOut):
    chartered_at: UtcInstant
    sides: list[SideOut]
    members: list[MemberOut]
    cadences: CadencesOut


# Standing (the same JSON as `liaison status --json`)


class SideStandingOut(Schema):
    key: str
    name: str
    attendance_rate: float | None
    attended: int
    excused: int
    no_shows: int
    current_no_show_streak: int
    longest_no_show_streak: int
    cancelled: int = Field(description="sessions in the window this side cancelled")
    postponed: int = Field(description="sessions in the window this side postponed")


class ComplianceOut(Schema):
    expected: int
    held: int
    rate: float | None


# Not "WindowOut": the OpenAPI components are named after the class, and a project's
# plan window (``project_schemas.WindowOut``) has that name.
class RatingWindowOut(Schema):
    from_: str = Field(alias="from", description="start of the rating window, office time")
    days: int


class StandingOut(Schema):
    office: str
    as_of: str = Field(description="the instant the standing is computed at, office time")
    last_held_meeting: str | None = Field(description="date, office time")
    last_held_session: str | None
    days_since_last_held: int | None
    sides: list[SideStandingOut]
    cadence_compliance: ComplianceOut
    window: RatingWindowOut
    projects_by_status: dict[str, int]


# Sessions


class SessionOut(Schema):
    key: str
    title: str
    start: UtcInstant
    end: UtcInstant
    grace_end: UtcInstant
    original_start: UtcInstant
    status: SessionStatus
    status_reason: str
    required_level: Level
    cadence: str | None = Field(description="the cadence's key; null for an ad hoc session")
    cadence_version: int | None
    proposed_by: str | None = Field(description="the side that proposed the session's current time")
    agreed_at: UtcInstant | None = Field(
        description="when the other side accepted it; null while only proposed"
    )
    answer_by: UtcInstant | None = Field(
        description="for a proposed ad hoc session: when the proposal lapses unanswered"
    )
    binds: list[str] = Field(
        description="the sides held to attend: those that agreed to it in time"
    )
    attendance: dict[str, AttendanceName] = Field(
        description="each side's attendance as known now, by side key"
    )


class CheckInOut(Schema):
    attendee: str
    checked_in_by: str
    at: UtcInstant


class NoticeOut(Schema):
    given_by: str
    reason: str
    at: UtcInstant


class SideAttendanceOut(Schema):
    side: str
    name: str
    attendance: AttendanceName
    check_in: CheckInOut | None
    notice: NoticeOut | None


class SessionDetailOut(SessionOut):
    held: bool
    check_in_opens: UtcInstant
    check_in_closes: UtcInstant
    check_in_open: bool
    changeable: bool = Field(description="can still be moved, postponed or cancelled")
    sides: list[SideAttendanceOut]


AnswerBy = Field(
    None,
    description="when the proposal lapses unanswered (ISO 8601 with an offset); default: "
    "the session's start, or 14 days for a cadence",
)


# The payloads of the schedule's writes: each becomes the action's command
# (``meetings.commands``), which checks them; the limits here are the same ones, so the
# schema shows them.


class ScheduleIn(Schema):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    start: dt.datetime = Field(description="ISO 8601 with an offset")
    duration_minutes: int = Field(ge=1, le=MINUTES_MAX)
    grace_minutes: int = Field(ge=0, le=MINUTES_MAX)
    required_level: Level = "head"
    answer_by: dt.datetime | None = AnswerBy


class CheckInIn(Schema):
    attendee: str | None = Field(
        None, description="username of your side's member who attends; default: you"
    )


class ReasonIn(Schema):
    reason: Reason = Field(min_length=1)


class MoveIn(Schema):
    start: dt.datetime = Field(description="the new start, ISO 8601 with an offset")
    reason: Reason = ""
    answer_by: dt.datetime | None = AnswerBy


class WithdrawIn(Schema):
    reason: Reason = ""


class ProposalOut(Schema):
    key: str = Field(description="<side>-<seq>: the proposing side and its event's seq")
    kind: ProposalKindName
    subject: str = Field(description="the cadence key, or the session key")
    title: str
    side: str = Field(description="the proposing side")
    seq: int
    hash: str = Field(description="SHA-256 of the proposing event")
    details: dict[str, Any] = Field(description="what is proposed: the event's body")
    proposed_by: str
    proposed_at: UtcInstant
    answer_by: UtcInstant
    state: ProposalStateName
    answered_by: str | None
    answered_at: UtcInstant | None
    answer_reason: str | None


# Cadences


class CadenceEndIn(Schema):
    reason: Reason = Field(min_length=1)
    effective: dt.datetime | None = Field(
        None, description="when the cadence ends (ISO 8601 with an offset); default now"
    )
    answer_by: dt.datetime | None = AnswerBy


class CadenceIn(Schema):
    key: str = Field(pattern=KEY_PATTERN, description="e.g. weekly")
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    rule: str = Field(min_length=1, max_length=RULE_MAX, description="e.g. FREQ=WEEKLY;BYDAY=FR")
    starts_on: dt.date
    start_time: dt.time = Field(description="wall-clock time in the office's zone")
    duration_minutes: int = Field(ge=1, le=MINUTES_MAX)
    grace_minutes: int = Field(ge=0, le=MINUTES_MAX)
    required_level: Level
    effective: dt.datetime | None = Field(
        None, description="when a change takes effect (ISO 8601 with an offset); default now"
    )
    reason: Reason = ""
    answer_by: dt.datetime | None = AnswerBy
