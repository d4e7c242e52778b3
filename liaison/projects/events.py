"""Event types for joint projects and third parties."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from liaison.ledger.events import Applied, Body, event_type
from liaison.lib.fields import Day, Key, Line, Text
from liaison.offices.models import Side
from liaison.projects.models import (
    Actor,
    Blocker,
    Condition,
    Dependency,
    ExternalEvent,
    PlanChange,
    Position,
    Project,
    StatusChange,
    ThirdParty,
)

KindName = Literal["event", "visit", "study", "ceremony", "works", "other"]
StatusName = Literal[
    "proposed",
    "agreed",
    "scheduled",
    "in_progress",
    "postponed",
    "pending",
    "completed",
    "cancelled",
]
BlockerKindName = Literal[
    "sanctions", "third_party", "counterpart", "logistics", "funding", "other"
]
EventStatusName = Literal["expected", "happened", "called_off"]
# A third party's item named within the office: "<party>/<key>".
ItemRef = Line


def _side(event: Applied) -> str:
    return Side.make_id(event.office, event.side)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _position_id(office: str, ref: str | None) -> str | None:
    if not ref:
        return None
    party, key = ref.split("/", 1)
    return Position.make_id(office, party, key)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Window(_Part):
    start: Day
    end: Day


@event_type("third_party.recorded")
class ThirdPartyRecorded(Body):
    key: Key
    name: Line = Field(min_length=1, max_length=200)
    description: Text = Field(max_length=4000)

    def apply(self, event: Applied) -> None:
        ThirdParty.objects.create(
            id=ThirdParty.make_id(event.office, self.key),
            office_id=event.office,
            key=self.key,
            name=self.name,
            description=self.description,
            recorded_by=event.actor,
        )


@event_type("third_party.actor_added")
class ActorAdded(Body):
    party: Key
    key: Key
    name: Line = Field(min_length=1, max_length=200)
    title: Line = Field(max_length=200)

    def apply(self, event: Applied) -> None:
        Actor.objects.create(
            id=Actor.make_id(event.office, self.party, self.key),
            office_id=event.office,
            party_id=ThirdParty.make_id(event.office, self.party),
            key=self.key,
            name=self.name,
            title=self.title,
        )


@event_type("third_party.position_recorded")
class PositionRecorded(Body):
    party: Key
    key: Key
    actor: Key | None
    stated_on: Day
    summary: Text = Field(min_length=1, max_length=4000)
    source: Line = Field(min_length=1, max_length=300)

    def apply(self, event: Applied) -> None:
        Position.objects.create(
            id=Position.make_id(event.office, self.party, self.key),
            office_id=event.office,
            party_id=ThirdParty.make_id(event.office, self.party),
            key=self.key,
            actor_id=Actor.make_id(event.office, self.party, self.actor) if self.actor else None,
            stated_on=dt.date.fromisoformat(self.stated_on),
            summary=self.summary,
            source=self.source,
            recorded_by=event.actor,
            side_id=_side(event),
            recorded_at=event.at,
        )


@event_type("third_party.event_recorded")
class ExternalEventRecorded(Body):
    """A third party's event, or a later account of it (it happened, moved, was called
    off): the same key replaces the earlier account."""

    party: Key
    key: Key
    actor: Key | None
    title: Line = Field(min_length=1, max_length=300)
    on: Day
    status: EventStatusName
    source: Line = Field(min_length=1, max_length=300)

    def apply(self, event: Applied) -> None:
        ExternalEvent.objects.update_or_create(
            id=ExternalEvent.make_id(event.office, self.party, self.key),
            defaults={
                "office_id": event.office,
                "party_id": ThirdParty.make_id(event.office, self.party),
                "key": self.key,
                "actor_id": (
                    Actor.make_id(event.office, self.party, self.actor) if self.actor else None
                ),
                "title": self.title,
                "on": dt.date.fromisoformat(self.on),
                "status": self.status,
                "source": self.source,
                "recorded_by": event.actor,
                "side_id": _side(event),
                "recorded_at": event.at,
            },
        )


def _plan(event: Applied, project: Project, number: int, window: Window, reason: str) -> None:
    PlanChange.objects.create(
        id=PlanChange.make_id(event.office, project.key, number),
        office_id=event.office,
        project=project,
        number=number,
        start=dt.date.fromisoformat(window.start),
        end=dt.date.fromisoformat(window.end),
        reason=reason,
        side_id=_side(event),
        changed_by=event.actor,
        at=event.at,
    )


def _status(
    event: Applied, project: Project, number: int, status: str, reason: str, blockers: list[str]
) -> None:
    StatusChange.objects.create(
        id=StatusChange.make_id(event.office, project.key, number),
        office_id=event.office,
        project=project,
        number=number,
        status=status,
        reason=reason,
        blockers=blockers,
        side_id=_side(event),
        changed_by=event.actor,
        at=event.at,
        event=event.ref,
    )


@event_type("project.proposed")
class ProjectProposed(Body):
    """A side proposes a joint project (publishing its draft): status ``proposed``."""

    key: Key
    kind: KindName
    title: Line = Field(min_length=1, max_length=200)
    description: Text = Field(max_length=10_000)
    leads: list[Key] = Field(min_length=1, max_length=2)
    plan: Window | None

    def apply(self, event: Applied) -> None:
        start = _day(self.plan.start) if self.plan else None
        end = _day(self.plan.end) if self.plan else None
        project = Project.objects.create(
            id=Project.make_id(event.office, self.key),
            office_id=event.office,
            key=self.key,
            kind=self.kind,
            title=self.title,
            description=self.description,
            leads=list(self.leads),
            original_start=start,
            original_end=end,
            current_start=start,
            current_end=end,
            status="proposed",
            proposed_by=event.actor,
            side_id=_side(event),
            proposed_at=event.at,
        )
        _status(event, project, 1, "proposed", "", [])
        if self.plan is not None:
            _plan(event, project, 1, self.plan, "")


@event_type("project.replanned")
class ProjectReplanned(Body):
    """A new current plan. The first plan a project gets is its original plan, kept."""

    key: Key
    plan: Window
    reason: Text = Field(max_length=2000)

    def apply(self, event: Applied) -> None:
        project = Project.objects.get(pk=Project.make_id(event.office, self.key))
        number = PlanChange.objects.filter(project=project).count() + 1
        start, end = _day(self.plan.start), _day(self.plan.end)
        fields = {"current_start": start, "current_end": end}
        if project.original_start is None:
            fields |= {"original_start": start, "original_end": end}
        Project.objects.filter(pk=project.pk).update(**fields)
        _plan(event, project, number, self.plan, self.reason)


@event_type("project.status_stated")
class ProjectStatusStated(Body):
    key: Key
    status: StatusName
    reason: Text = Field(max_length=2000)
    blockers: list[Key] = Field(max_length=50)

    def apply(self, event: Applied) -> None:
        project = Project.objects.get(pk=Project.make_id(event.office, self.key))
        number = StatusChange.objects.filter(project=project).count() + 1
        Project.objects.filter(pk=project.pk).update(status=self.status)
        _status(event, project, number, self.status, self.reason, list(self.blockers))


@event_type("project.blocker_opened")
class BlockerOpened(Body):
    project: Key
    key: Key
    kind: BlockerKindName
    description: Text = Field(min_length=1, max_length=4000)
    opened_on: Day
    position: ItemRef | None = Field(max_length=130)

    def apply(self, event: Applied) -> None:
        Blocker.objects.create(
            id=Blocker.make_id(event.office, self.project, self.key),
            office_id=event.office,
            project_id=Project.make_id(event.office, self.project),
            key=self.key,
            kind=self.kind,
            description=self.description,
            opened_on=dt.date.fromisoformat(self.opened_on),
            position_id=_position_id(event.office, self.position),
            side_id=_side(event),
            recorded_by=event.actor,
        )


@event_type("project.blocker_resolved")
class BlockerResolved(Body):
    project: Key
    key: Key
    resolved_on: Day
    resolution: Text = Field(max_length=4000)

    def apply(self, event: Applied) -> None:
        Blocker.objects.filter(pk=Blocker.make_id(event.office, self.project, self.key)).update(
            resolved_on=dt.date.fromisoformat(self.resolved_on), resolution=self.resolution
        )


@event_type("project.dependency_added")
class DependencyAdded(Body):
    project: Key
    depends_on: Key

    def apply(self, event: Applied) -> None:
        Dependency.objects.create(
            id=Dependency.make_id(event.office, self.project, self.depends_on),
            office_id=event.office,
            project_id=Project.make_id(event.office, self.project),
            depends_on_id=Project.make_id(event.office, self.depends_on),
        )


@event_type("project.dependency_removed")
class DependencyRemoved(Body):
    project: Key
    depends_on: Key

    def apply(self, event: Applied) -> None:
        Dependency.objects.filter(
            pk=Dependency.make_id(event.office, self.project, self.depends_on)
        ).delete()


@event_type("project.condition_added")
class ConditionAdded(Body):
    project: Key
    position: ItemRef = Field(min_length=3, max_length=130)

    def apply(self, event: Applied) -> None:
        Condition.objects.create(
            id=Condition.make_id(event.office, self.project, self.position.replace("/", ":")),
            office_id=event.office,
            project_id=Project.make_id(event.office, self.project),
            position_id=Position.make_id(event.office, *self.position.split("/", 1)),
            side_id=_side(event),
        )
