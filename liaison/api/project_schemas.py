"""What the projects and third-party endpoints take and give. Same conventions as
``schemas``: instants out in UTC, plain dates; keys and limits are the commands'
(``projects.commands``, ``lib.fields``), so a body the API accepts is one the action
judges by the same rules, and the event schemas (``projects.events``) agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from liaison.api.schemas import Reason, UtcInstant
from liaison.lib.fields import KEY_MAX, TITLE_MAX, Key
from liaison.projects.commands import (
    BLOCKERS_MAX,
    DESCRIPTION_MAX,
    LABEL_MAX,
    NAME_MAX,
    NOTE_MAX,
    POSITION_REF_MAX,
)
from liaison.projects.events import BlockerKindName, EventStatusName, KindName, StatusName

ProjectStatusName = StatusName
SideKey = Annotated[str, Field(max_length=KEY_MAX)]
# A third party's position named within the office: "<third party>/<position key>".
PositionRef = Annotated[
    str, Field(max_length=POSITION_REF_MAX, description="<third party>/<position key>")
]


# Projects


class WindowOut(Schema):
    start: dt.date
    end: dt.date = Field(description="the last day, included")


class ProjectStatusOut(Schema):
    number: int
    status: ProjectStatusName
    reason: str
    blockers: list[str] = Field(description="keys of the blockers the statement names")
    side: str
    by: str
    at: UtcInstant


class PlanOut(Schema):
    number: int = Field(description="1 is the original plan")
    start: dt.date
    end: dt.date
    reason: str
    side: str
    by: str
    at: UtcInstant


class BlockerOut(Schema):
    key: str
    kind: BlockerKindName
    description: str
    opened_on: dt.date
    resolved_on: dt.date | None
    resolution: str
    position: str | None = Field(description="<third party>/<position key>, if it is one")
    open: bool = Field(description="open today, office time")
    side: str
    recorded_by: str


class DependencyOut(Schema):
    key: str
    title: str
    status: ProjectStatusName


class ConditionOut(Schema):
    position: str = Field(description="<third party>/<position key>")
    party: str = Field(description="the third party's name")
    stated_on: dt.date
    summary: str


class ProjectOut(Schema):
    key: str
    kind: KindName
    title: str
    description: str
    leads: list[str] = Field(description="the side keys that lead it")
    status: ProjectStatusName = Field(description="the latest statement by either side")
    original_plan: WindowOut | None = Field(description="the first plan, kept for good")
    current_plan: WindowOut | None
    slip_days: int | None = Field(description="days the current start lies after the original")
    end_slip_days: int | None
    proposed_by: str
    side: str = Field(description="the side that proposed it")
    proposed_at: UtcInstant
    history: list[ProjectStatusOut] = Field(description="every status statement, oldest first")
    plans: list[PlanOut] = Field(description="every plan, the original first")
    views: dict[str, ProjectStatusOut] = Field(
        description="each side's latest statement of the status, by side key"
    )
    disagreement: bool = Field(description="the two sides' latest statements differ")
    blockers: list[BlockerOut]
    depends_on: list[DependencyOut] = Field(description="projects this one waits for")
    waiting_on: list[str] = Field(description="keys of the dependencies not yet completed")
    conditions: list[ConditionOut] = Field(
        description="third parties' positions the project is conditioned on"
    )


class ProjectDraftIn(Schema):
    base_revision: int = Field(ge=0, description="the draft revision you started from; 0 for new")
    kind: KindName
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX)
    leads: list[SideKey] = Field(max_length=2, description="the side keys that lead it")
    start: dt.date | None = None
    end: dt.date | None = Field(None, description="the last day, included")


class ProjectDraftOut(Schema):
    key: str
    side: str
    revision: int
    kind: KindName
    title: str
    description: str
    leads: list[str]
    start: dt.date | None
    end: dt.date | None
    updated_by: str
    updated_at: UtcInstant


class ProposeIn(Schema):
    draft_revision: int | None = Field(
        None, description="the draft revision you read; refused (409) if it changed since"
    )


class PlanIn(Schema):
    start: dt.date
    end: dt.date = Field(description="the last day, included")
    reason: Reason = Field("", description="required once the project has a plan")


class ProjectStatusIn(Schema):
    status: ProjectStatusName
    reason: Reason = Field("", description="required outside the usual order")
    blockers: list[Key] = Field(default_factory=list, max_length=BLOCKERS_MAX)


class BlockerIn(Schema):
    key: Key
    kind: BlockerKindName
    description: str = Field(max_length=NOTE_MAX)
    opened_on: dt.date
    position: PositionRef | None = None


class ResolveIn(Schema):
    resolved_on: dt.date
    resolution: str = Field("", max_length=NOTE_MAX)


class DependencyIn(Schema):
    depends_on: Key


class ConditionIn(Schema):
    position: PositionRef


# Third parties


class ActorOut(Schema):
    key: str
    name: str
    title: str


class PositionOut(Schema):
    key: str
    reference: str = Field(description="<third party>/<key>, how a blocker or condition cites it")
    actor: str | None = Field(description="the actor's key")
    stated_on: dt.date
    summary: str
    source: str
    recorded_by: str
    side: str
    recorded_at: UtcInstant
    blocks: list[str] = Field(description="<project>/<blocker> of each blocker citing it")


class ExternalEventOut(Schema):
    key: str
    actor: str | None = Field(description="the actor's key")
    title: str
    on: dt.date
    status: EventStatusName
    source: str
    recorded_by: str
    side: str
    recorded_at: UtcInstant


class ThirdPartyOut(Schema):
    key: str
    name: str
    description: str
    recorded_by: str
    actors: list[ActorOut]
    positions: list[PositionOut] = Field(description="by the day stated")
    events: list[ExternalEventOut] = Field(description="by day; each its latest account")


class ThirdPartyIn(Schema):
    key: Key
    name: str = Field(max_length=NAME_MAX)
    description: str = Field("", max_length=NOTE_MAX)


class ActorIn(Schema):
    key: Key
    name: str = Field(max_length=NAME_MAX)
    title: str = Field("", max_length=NAME_MAX)


class PositionIn(Schema):
    key: Key
    stated_on: dt.date
    summary: str = Field(max_length=NOTE_MAX)
    source: str = Field(max_length=LABEL_MAX)
    actor: Key | None = None


class ExternalEventIn(Schema):
    key: Key = Field(description="an event's key; the same key again is a new account of it")
    title: str = Field(max_length=LABEL_MAX)
    on: dt.date
    status: EventStatusName
    source: str = Field(max_length=LABEL_MAX)
    actor: Key | None = None
