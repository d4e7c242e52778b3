"""Shared setup for the project pages' tests: projects proposed, planned, blocked and
linked through the actions, and getting or posting pages at a frozen instant."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from liaison.projects import blockers, drafts, plans, third_parties
from liaison.projects.commands import (
    AddActor,
    AddDependency,
    OpenBlocker,
    ProposeDraft,
    RecordPosition,
    RecordThirdParty,
    SaveDraft,
    StateStatus,
)
from liaison.projects.models import Project
from liaison.testing import T0, World

NOW = T0 + dt.timedelta(days=30)  # 31 Jan 2024, 09:00 in Seoul
TODAY = dt.date(2024, 1, 31)


def url(world: World, name: str, *args: str) -> str:
    return reverse(name, args=[world.office.slug, *args])


def get(client: Client, address: str, at: dt.datetime = NOW):
    with time_machine.travel(at, tick=False):
        return client.get(address)


def post(client: Client, address: str, data: dict, at: dt.datetime = NOW, follow: bool = True):
    with time_machine.travel(at, tick=False):
        return client.post(address, data, follow=follow)


def propose(
    world: World,
    key: str,
    title: str,
    *,
    member: str = "south_head",
    kind: str = "study",
    start: dt.date | None = dt.date(2024, 3, 1),
    end: dt.date | None = dt.date(2024, 3, 31),
) -> Project:
    drafts.save_project_draft(
        member=world.members[member],
        command=SaveDraft(
            key=key,
            base_revision=0,
            kind=kind,
            title=title,
            leads=["south", "north"],
            start=start,
            end=end,
        ),
        now=NOW,
    )
    return drafts.propose_project(
        member=world.members[member], command=ProposeDraft(key=key), now=NOW
    )


def state(world: World, key: str, status: str, member: str = "south_head", **kw: object) -> None:
    plans.state_status(
        member=world.members[member], command=StateStatus(key=key, status=status, **kw), now=NOW
    )


def third_party(world: World) -> None:
    """The U.S. with an envoy and a position the projects can cite."""
    head = world.north_head
    third_parties.record_third_party(
        member=head, command=RecordThirdParty(key="us", name="The United States"), now=NOW
    )
    third_parties.add_actor(
        member=head,
        command=AddActor(party="us", key="envoy", name="Stephen Biegun", title="Envoy"),
        now=NOW,
    )
    third_parties.record_position(
        member=head,
        command=RecordPosition(
            party="us",
            key="sanctions-first",
            stated_on=dt.date(2024, 1, 20),
            summary="Inter-Korean projects must not get ahead of denuclearisation.",
            source="State Department briefing",
            actor="envoy",
        ),
        now=NOW,
    )


def blocker(world: World, project: str, key: str = "sanctions", position: str = "") -> None:
    blockers.open_blocker(
        member=world.south_head,
        command=OpenBlocker(
            project=project,
            key=key,
            kind="sanctions" if not position else "third_party",
            description="UN sanctions bar shipping the survey equipment.",
            opened_on=dt.date(2024, 1, 25),
            position=position,
        ),
        now=NOW,
    )


def depend(world: World, project: str, depends_on: str) -> None:
    blockers.add_dependency(
        member=world.south_head,
        command=AddDependency(project=project, depends_on=depends_on),
        now=NOW,
    )
