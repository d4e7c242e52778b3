"""What holds a joint project: its blockers (opened, resolved), the projects it waits
for, and the third parties' positions it is conditioned on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.offices.models import Member, Office
from liaison.projects.commands import (
    AddCondition,
    AddDependency,
    OpenBlocker,
    RemoveDependency,
    ResolveBlocker,
)
from liaison.projects.lookups import blocker_for, dependency_for, project_for
from liaison.projects.models import Blocker, Dependency, Position, Project
from liaison.projects.rules import find_cycle
from liaison.projects.shared import append, office_today, speaker


def _position_ref(office: Office, ref: str) -> str:
    party, _, key = ref.partition("/")
    if not Position.objects.filter(office=office, party__key=party, key=key).exists():
        raise Refused(
            f"there is no position {ref!r}; name it as <third party>/<position key>",
            field="position",
        )
    return f"{party}/{key}"


def open_blocker(*, member: Member, command: OpenBlocker, now: dt.datetime) -> Blocker:
    """Record why a project cannot move, optionally a third party's position."""
    office = member.office
    with log.writing(office.id):
        target = project_for(member, command.project)
        speaker(member, now)
        if command.opened_on > office_today(office, now):
            raise Refused("a blocker cannot open after today", field="opened_on")
        if target.blockers.filter(key=command.key).exists():
            raise Refused(f"the project has a blocker {command.key!r} already", field="key")
        ref = _position_ref(office, command.position) if command.position else None
        append(
            member,
            "project.blocker_opened",
            {
                "project": target.key,
                "key": command.key,
                "kind": command.kind,
                "description": command.description,
                "opened_on": command.opened_on.isoformat(),
                "position": ref,
            },
            now,
        )
    return Blocker.objects.get(project=target, key=command.key)


def resolve_blocker(*, member: Member, command: ResolveBlocker, now: dt.datetime) -> Blocker:
    office = member.office
    resolved_on = command.resolved_on
    with log.writing(office.id):
        blocker = blocker_for(member, project_for(member, command.project), command.key)
        speaker(member, now)
        if blocker.resolved_on is not None:
            raise Refused(f"the blocker was resolved on {blocker.resolved_on}", field="key")
        if resolved_on < blocker.opened_on:
            raise Refused(
                f"a blocker cannot be resolved ({resolved_on}) before it opened "
                f"({blocker.opened_on})",
                field="resolved_on",
            )
        if resolved_on > office_today(office, now):
            raise Refused("a blocker cannot be resolved after today", field="resolved_on")
        append(
            member,
            "project.blocker_resolved",
            {
                "project": command.project,
                "key": blocker.key,
                "resolved_on": resolved_on.isoformat(),
                "resolution": command.resolution,
            },
            now,
        )
    return Blocker.objects.get(pk=blocker.pk)


def add_dependency(*, member: Member, command: AddDependency, now: dt.datetime) -> Dependency:
    """``project`` waits for ``depends_on``; a dependency that would close a cycle is
    refused, naming the cycle. The project waited for is the request's value, not an
    object it names: one that does not exist is refused on ``depends_on``."""
    office = member.office
    project, depends_on = command.project, command.depends_on
    with log.writing(office.id):
        source = project_for(member, project)
        speaker(member, now)
        target = Project.objects.filter(office=office, key=depends_on).first()
        if target is None:
            raise Refused(f"there is no project {depends_on!r}", field="depends_on")
        if Dependency.objects.filter(project=source, depends_on=target).exists():
            raise Refused(f"{project} depends on {depends_on} already", field="depends_on")
        edges: dict[str, list[str]] = defaultdict(list)
        for a, b in Dependency.objects.for_office(office).values_list(
            "project__key", "depends_on__key"
        ):
            edges[a].append(b)
        cycle = find_cycle(edges, project, depends_on)
        if cycle is not None:
            raise Refused("that would make a cycle: " + " → ".join(cycle), field="depends_on")
        append(
            member, "project.dependency_added", {"project": project, "depends_on": depends_on}, now
        )
    return Dependency.objects.get(project=source, depends_on=target)


def remove_dependency(*, member: Member, command: RemoveDependency, now: dt.datetime) -> None:
    with log.writing(member.office_id):
        dependency_for(member, project_for(member, command.project), command.depends_on)
        speaker(member, now)
        append(
            member,
            "project.dependency_removed",
            {"project": command.project, "depends_on": command.depends_on},
            now,
        )


def add_condition(*, member: Member, command: AddCondition, now: dt.datetime) -> None:
    """Link a third party's position to a project as a condition on it."""
    office = member.office
    with log.writing(office.id):
        target = project_for(member, command.project)
        speaker(member, now)
        ref = _position_ref(office, command.position)
        party, key = ref.split("/")[0], ref.split("/")[1]
        if target.conditions.filter(position__party__key=party, position__key=key).exists():
            raise Refused("that position is a condition of the project already", field="position")
        append(member, "project.condition_added", {"project": target.key, "position": ref}, now)
