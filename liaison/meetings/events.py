"""Event types for cadences, sessions, check-ins and notices of absence."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from liaison.ledger.events import Applied, Body, Day, Instant, Key, WallTime, event_type
from liaison.lib.timezones import localize, parse_utc
from liaison.meetings.cadence import split_key
from liaison.meetings.models import AbsenceNotice, Cadence, CheckIn, Session, Status
from liaison.meetings.schedule import ADHOC, cadence_for_key
from liaison.offices.models import Member, Office, Side

LevelName = Literal["head", "deputy", "staff"]


@event_type("cadence.set")
class CadenceSet(Body):
    """A cadence starts, or changes from ``effective`` on (a new version)."""

    key: Key
    title: str = Field(min_length=1, max_length=200)
    rule: str = Field(min_length=1, max_length=500)
    starts_on: Day
    start_time: WallTime
    duration_minutes: int = Field(ge=1, le=24 * 60)
    grace_minutes: int = Field(ge=0, le=24 * 60)
    required_level: LevelName
    effective: Instant
    reason: str = Field(max_length=2000)

    @field_validator("key")
    @classmethod
    def _not_adhoc(cls, key: str) -> str:
        # Its sessions' keys would read as ad hoc sessions' keys (adhoc-YYYYMMDDTHHMM).
        if key == ADHOC:
            raise ValueError(f"“{ADHOC}” is kept for ad hoc sessions; choose another key")
        return key

    def apply(self, event: Applied) -> None:
        effective = parse_utc(self.effective)
        versions = Cadence.objects.filter(office_id=event.office, key=self.key)
        latest = versions.order_by("-version").first()
        version = latest.version + 1 if latest is not None else 1
        # Every version still in force at ``effective`` (a pending change too) ends there.
        # An end agreed for later is overtaken by the change: the change ends it instead.
        versions.running_after(effective).update(valid_until=effective, ended_by="", end_reason="")
        Cadence.objects.create(
            id=Cadence.make_id(event.office, self.key, version),
            office_id=event.office,
            key=self.key,
            version=version,
            title=self.title,
            rule=self.rule,
            starts_on=dt.date.fromisoformat(self.starts_on),
            start_time=dt.time.fromisoformat(self.start_time),
            duration_minutes=self.duration_minutes,
            grace_minutes=self.grace_minutes,
            required_level=self.required_level,
            valid_from=effective,
            valid_until=None,
            set_by=event.actor,
            reason=self.reason,
        )


@event_type("cadence.ended")
class CadenceEnded(Body):
    key: Key
    effective: Instant
    reason: str = Field(max_length=2000)

    def apply(self, event: Applied) -> None:
        # Like a change: every version in force at ``effective`` (a pending one too) ends.
        effective = parse_utc(self.effective)
        versions = Cadence.objects.filter(office_id=event.office, key=self.key)
        versions.running_after(effective).update(
            valid_until=effective, ended_by=event.actor, end_reason=self.reason
        )


@event_type("session.scheduled")
class SessionScheduled(Body):
    """An ad hoc session, outside any cadence."""

    # [0-9], not \d: pydantic's patterns match any script's digits with \d.
    key: str = Field(pattern=r"^adhoc-[0-9]{8}T[0-9]{4}(-[0-9]+)?$")
    title: str = Field(min_length=1, max_length=200)
    start: Instant
    duration_minutes: int = Field(ge=1, le=24 * 60)
    grace_minutes: int = Field(ge=0, le=24 * 60)
    required_level: LevelName

    def apply(self, event: Applied) -> None:
        start = parse_utc(self.start)
        Session.objects.create(
            id=Session.make_id(event.office, self.key),
            office_id=event.office,
            key=self.key,
            title=self.title,
            original_start=start,
            start=start,
            duration_minutes=self.duration_minutes,
            grace_minutes=self.grace_minutes,
            required_level=self.required_level,
            changed_by_id=Side.make_id(event.office, event.side),
        )


def _materialise(office: str, key: str) -> Session:
    """The row of a session, made from its cadence occurrence on its first change."""
    existing = Session.objects.filter(id=Session.make_id(office, key)).first()
    if existing is not None:
        return existing
    office_obj = Office.objects.get(id=office)
    cadence = cadence_for_key(office_obj, key)
    if cadence is None:  # pragma: no cover - actions only append for sessions that exist
        raise LookupError(f"no session {key} in {office}")
    parts = split_key(key)
    if parts is None:  # pragma: no cover - cadence_for_key parsed it
        raise LookupError(key)
    start = localize(parts[1], office_obj.zone)
    return Session.objects.create(
        id=Session.make_id(office, key),
        office_id=office,
        key=key,
        cadence=cadence,
        title=cadence.title,
        original_start=start,
        start=start,
        duration_minutes=cadence.duration_minutes,
        grace_minutes=cadence.grace_minutes,
        required_level=cadence.required_level,
    )


@event_type("session.moved")
class SessionMoved(Body):
    session: str = Field(min_length=1, max_length=100)
    start: Instant
    reason: str = Field(max_length=2000)

    def apply(self, event: Applied) -> None:
        row = _materialise(event.office, self.session)
        Session.objects.filter(pk=row.pk).update(
            start=parse_utc(self.start),
            status=Status.SCHEDULED,
            status_reason=self.reason,
            changed_by_id=Side.make_id(event.office, event.side),
        )


def _set_status(event: Applied, key: str, status: Status, reason: str) -> None:
    row = _materialise(event.office, key)
    Session.objects.filter(pk=row.pk).update(
        status=status,
        status_reason=reason,
        changed_by_id=Side.make_id(event.office, event.side),
    )


@event_type("session.postponed")
class SessionPostponed(Body):
    session: str = Field(min_length=1, max_length=100)
    reason: str = Field(max_length=2000)

    def apply(self, event: Applied) -> None:
        _set_status(event, self.session, Status.POSTPONED, self.reason)


@event_type("session.cancelled")
class SessionCancelled(Body):
    session: str = Field(min_length=1, max_length=100)
    reason: str = Field(max_length=2000)

    def apply(self, event: Applied) -> None:
        _set_status(event, self.session, Status.CANCELLED, self.reason)


@event_type("session.checked_in")
class CheckedIn(Body):
    session: str = Field(min_length=1, max_length=100)
    attendee: str = Field(min_length=1, max_length=150)

    def apply(self, event: Applied) -> None:
        CheckIn.objects.create(
            id=CheckIn.make_id(event.office, self.session, event.side),
            office_id=event.office,
            session_key=self.session,
            side_id=Side.make_id(event.office, event.side),
            attendee_id=Member.make_id(event.office, self.attendee),
            checked_in_by_id=Member.make_id(event.office, event.actor),
            at=event.at,
            event=event.ref,
        )


@event_type("session.absence_noticed")
class AbsenceNoticed(Body):
    session: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=2000)

    def apply(self, event: Applied) -> None:
        AbsenceNotice.objects.create(
            id=AbsenceNotice.make_id(event.office, self.session, event.side),
            office_id=event.office,
            session_key=self.session,
            side_id=Side.make_id(event.office, event.side),
            given_by_id=Member.make_id(event.office, event.actor),
            reason=self.reason,
            at=event.at,
            event=event.ref,
        )
