"""Event types of the office's charter log, written by the operator."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from liaison.ledger.events import Applied, Body, Day, Key, Line, event_type
from liaison.offices.models import Member, Office, Side


class SideCharter(Body):
    key: Key
    name: Line = Field(min_length=1, max_length=200)
    language: Line = Field(min_length=2, max_length=35)
    time_zone: Line = Field(min_length=1, max_length=64)


@event_type("office.chartered")
class OfficeChartered(Body):
    name: Line = Field(min_length=1, max_length=200)
    place: Line = Field(min_length=1, max_length=200)
    time_zone: Line = Field(min_length=1, max_length=64)
    launched_on: Day
    sides: list[SideCharter] = Field(min_length=2, max_length=2)
    # The office's rules for proposals: how long before its start a session must be
    # agreed for the proposing side to be held to it, and the shortest grace period.
    min_notice_minutes: int = Field(ge=0, le=30 * 24 * 60)
    min_grace_minutes: int = Field(ge=0, le=24 * 60)

    def apply(self, event: Applied) -> None:
        office = Office.objects.create(
            id=event.office,
            name=self.name,
            place=self.place,
            time_zone=self.time_zone,
            launched_on=dt.date.fromisoformat(self.launched_on),
            chartered_at=event.at,
            min_notice_minutes=self.min_notice_minutes,
            min_grace_minutes=self.min_grace_minutes,
        )
        for position, side in enumerate(self.sides, start=1):
            Side.objects.create(
                id=Side.make_id(event.office, side.key),
                office=office,
                key=side.key,
                name=side.name,
                language=side.language,
                time_zone=side.time_zone,
                position=position,
            )


RoleName = Literal["head", "deputy", "staff", "observer"]


@event_type("member.added")
class MemberAdded(Body):
    username: Line = Field(min_length=1, max_length=150)
    user_id: int
    full_name: Line = Field(min_length=1, max_length=200)
    title: Line = Field(max_length=200)
    role: RoleName
    side: Key | None
    time_zone: Line = Field(max_length=64)
    active_from: Day

    def apply(self, event: Applied) -> None:
        Member.objects.create(
            id=Member.make_id(event.office, self.username),
            office_id=event.office,
            side_id=Side.make_id(event.office, self.side) if self.side else None,
            user_id=self.user_id,
            username=self.username,
            full_name=self.full_name,
            title=self.title,
            role=self.role,
            time_zone=self.time_zone,
            active_from=dt.date.fromisoformat(self.active_from),
        )


@event_type("member.changed")
class MemberChanged(Body):
    username: Line = Field(min_length=1, max_length=150)
    full_name: Line = Field(min_length=1, max_length=200)
    title: Line = Field(max_length=200)
    role: RoleName
    time_zone: Line = Field(max_length=64)

    def apply(self, event: Applied) -> None:
        Member.objects.filter(id=Member.make_id(event.office, self.username)).update(
            full_name=self.full_name, title=self.title, role=self.role, time_zone=self.time_zone
        )


@event_type("member.ended")
class MemberEnded(Body):
    username: Line = Field(min_length=1, max_length=150)
    active_until: Day

    def apply(self, event: Applied) -> None:
        Member.objects.filter(id=Member.make_id(event.office, self.username)).update(
            active_until=dt.date.fromisoformat(self.active_until)
        )
