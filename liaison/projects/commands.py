"""The input contract of each write to projects, their drafts and third parties (see
``lib/commands``).

A new object's key is a ``Key``; the key of one the write refers to (the project of a
blocker, a third party's actor) is plain text that the lookup answers with the object or
``NotFound``, so a key no object has reads as a missing object, not as a malformed one.
Rules that need the office's state (a side of the office, a blocker still open, a day
not after the office's today) stay with the actions, inside the office's write lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from liaison.lib.commands import Command
from liaison.lib.fields import Key, Line, Reason, Text, Title
from liaison.projects.events import BlockerKindName, EventStatusName, KindName, StatusName

# Limits of the event schemas (``projects/events``) that are not lib.fields' own.
DESCRIPTION_MAX = 10_000  # a project's description
NOTE_MAX = 4000  # a blocker's description and resolution, a position's summary, a party's
NAME_MAX = 200  # a third party's or an actor's name, an actor's title
LABEL_MAX = 300  # an external event's title, a source
POSITION_REF_MAX = 130  # "<third party>/<position key>"
BLOCKERS_MAX = 50  # the blockers a status statement names

# Keys that name a page of their own in the addresses: ``projects/drafts/``,
# ``projects/chart/``, ``projects/new/`` and ``third-parties/new/``, on the pages and in
# the API. A project or a third party with such a key could not be read or acted on.
RESERVED_PROJECT_KEYS = frozenset({"drafts", "chart", "new"})
RESERVED_THIRD_PARTY_KEYS = frozenset({"new"})


def _not_in(reserved: frozenset[str]) -> Any:
    def check(value: str) -> str:
        if value in reserved:
            raise ValueError(f"“{value}” names a page of its own; choose another key")
        return value

    return AfterValidator(check)


# The key of an object the write refers to: the lookup judges it (``NotFound``); only
# an empty one, which names nothing, is the command's to refuse.
Ref = Annotated[str, Field(min_length=1)]
ProjectKey = Annotated[Key, _not_in(RESERVED_PROJECT_KEYS)]
ThirdPartyKey = Annotated[Key, _not_in(RESERVED_THIRD_PARTY_KEYS)]
Name = Annotated[Line, Field(min_length=1, max_length=NAME_MAX)]
OptionalName = Annotated[Line, Field(max_length=NAME_MAX)]
Note = Annotated[Text, Field(min_length=1, max_length=NOTE_MAX)]
OptionalNote = Annotated[Text, Field(max_length=NOTE_MAX)]
Source = Annotated[Line, Field(min_length=1, max_length=LABEL_MAX)]
Description = Annotated[Text, Field(max_length=DESCRIPTION_MAX)]
PositionRef = Annotated[Line, Field(max_length=POSITION_REF_MAX)]


class DraftRevision(Command):
    """Act on exactly the revision of a draft the person read; ``None`` (the API's
    callers that name no revision) acts on whatever revision is saved."""

    labels = {"draft_revision": "the draft's revision"}

    key: Key
    draft_revision: int | None = Field(default=None, ge=1)


class DiscardDraft(DraftRevision):
    pass


class ProposeDraft(DraftRevision):
    pass


class SaveDraft(Command):
    """A side's private draft of a project, saved over ``base_revision`` (0: a new one).
    ``leads`` are side keys, checked against the office's sides by the action."""

    labels = {"base_revision": "the draft's revision", "leads": "the leading sides"}

    key: ProjectKey
    base_revision: int = Field(ge=0)
    kind: KindName
    title: Title
    description: Description = ""
    leads: list[str] = Field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None


# Plans and statuses


class Replan(Command):
    """A new current plan from ``start`` to ``end`` (the last day, included)."""

    labels = {"start": "the first day", "end": "the last day"}

    key: Ref
    start: dt.date
    end: dt.date
    reason: Reason = ""


class StateStatus(Command):
    """The acting side's statement of the project's status, citing open blockers."""

    key: Ref
    status: StatusName
    reason: Reason = ""
    blockers: list[str] = Field(default_factory=list, max_length=BLOCKERS_MAX)


# Blockers, dependencies, conditions


class OpenBlocker(Command):
    """Why ``project`` cannot move since ``opened_on``; ``position`` names a third
    party's position behind it (``<third party>/<position key>``) or is empty."""

    labels = {"opened_on": "the day it opened"}

    project: Ref
    key: Key
    kind: BlockerKindName
    description: Note
    opened_on: dt.date
    position: PositionRef = ""


class ResolveBlocker(Command):
    labels = {"resolved_on": "the day it was resolved"}

    project: Ref
    key: Ref
    resolved_on: dt.date
    resolution: OptionalNote = ""


class AddDependency(Command):
    """``project`` waits for ``depends_on`` to be completed."""

    labels = {"depends_on": "the project it waits for"}

    project: Ref
    depends_on: Ref


class RemoveDependency(Command):
    labels = {"depends_on": "the project it waits for"}

    project: Ref
    depends_on: Ref


class AddCondition(Command):
    """A third party's position (``<third party>/<position key>``) conditions ``project``."""

    project: Ref
    position: PositionRef


# Third parties


class RecordThirdParty(Command):
    key: ThirdPartyKey
    name: Name
    description: OptionalNote = ""


class AddActor(Command):
    """A person acting for the third party ``party``."""

    party: Ref
    key: Key
    name: Name
    title: OptionalName = ""


class RecordPosition(Command):
    """What ``party`` (or its ``actor``, by key; empty: not one person) said it wants."""

    labels = {"stated_on": "the day it was stated"}

    party: Ref
    key: Key
    stated_on: dt.date
    summary: Note
    source: Source
    actor: str = ""


class RecordExternalEvent(Command):
    """A third party's event, or a newer account of one recorded under the same key."""

    labels = {"on": "the day"}

    party: Ref
    key: Key
    title: Source
    on: dt.date
    status: EventStatusName
    source: Source
    actor: str = ""
