"""Every change to joint projects and third parties: check the rules inside the office's
write lock, append one event to the acting member's side's log, or raise ``Refused``
(``NotAllowed``, ``Conflict``) and leave everything as it was.

A project starts as a side's private draft (``ProjectDraft``, outside the logs); proposing
it publishes it to both sides with status ``proposed``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from liaison.ledger import log
from liaison.lib.errors import Conflict, Refused
from liaison.lib.fields import text_problem
from liaison.offices.access import (
    require_active,
    require_side_member,
    require_side_speaker,
)
from liaison.offices.models import Member, Office
from liaison.projects.commands import DiscardDraft, DraftRevision, ProposeDraft
from liaison.projects.lookups import own_draft_for
from liaison.projects.models import (
    Actor,
    Blocker,
    BlockerKind,
    Dependency,
    EventStatus,
    ExternalEvent,
    Kind,
    Position,
    Project,
    ProjectDraft,
    Status,
    ThirdParty,
)
from liaison.projects.rules import find_cycle, in_order

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _key(value: str, field: str = "key") -> str:
    value = value.strip()
    if not _KEY.match(value):
        raise Refused(
            "a key is lowercase letters, digits and hyphens, e.g. rail-study", field=field
        )
    return value


def _append(member: Member, type: str, body: dict[str, Any], now: dt.datetime) -> None:
    if member.side is None:  # the checks refuse observers first
        raise Refused("observers cannot act for a side")
    log.append(
        office=member.office_id,
        side=member.side.key,
        actor=member.username,
        type=type,
        at=now,
        body=body,
    )


def _speaker(member: Member, now: dt.datetime) -> None:
    require_side_speaker(member)
    require_active(member, now)


def _text(value: str, field: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise Refused(f"{what} is empty", field=field)
    return _within(value, field, what, limit)


def _within(value: str, field: str, what: str, limit: int) -> str:
    """The event schemas' limits, said to the person before anything is written."""
    if len(value) > limit:
        raise Refused(f"{what} is longer than {limit:,} characters", field=field)
    return value


# Keys that name a page of their own in the addresses (/projects/drafts/).
RESERVED_PROJECT_KEYS = frozenset({"drafts", "chart", "new"})


# The years a plan may lie in: wide enough for any real project and for history, narrow
# enough that a slip of the keyboard (9999, year 1) is caught where it is typed.
PLAN_YEARS = range(1900, 2200)


def _window(start: dt.date | None, end: dt.date | None) -> dict[str, str] | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise Refused(
            "a plan has a first and a last day", field="start" if start is None else "end"
        )
    for name, day in (("start", start), ("end", end)):
        if day.year not in PLAN_YEARS:
            raise Refused(
                f"a plan lies between {PLAN_YEARS[0]} and {PLAN_YEARS[-1]}, not in {day.year}",
                field=name,
            )
    if end < start:
        raise Refused(f"the plan ends ({end}) before it starts ({start})", field="end")
    return {"start": start.isoformat(), "end": end.isoformat()}


def _leads(office: Office, leads: Sequence[str]) -> list[str]:
    sides = list(office.sides.values_list("key", flat=True))
    if not leads:
        raise Refused("name the side or sides that lead it", field="leads")
    unknown = [s for s in leads if s not in sides]
    if unknown:
        raise Refused(f"{unknown[0]!r} is not a side of this office", field="leads")
    return [s for s in sides if s in leads]


def _project(office: Office, key: str) -> Project:
    project = Project.objects.filter(office=office, key=key).first()
    if project is None:
        raise Refused(f"there is no project {key!r}", field="project")
    return project


# Drafts (private to a side) --------------------------------------------------------------


def save_project_draft(
    *,
    member: Member,
    key: str,
    base_revision: int,
    kind: str,
    title: str,
    description: str = "",
    leads: Sequence[str],
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime,
) -> ProjectDraft:
    """Save the side's private draft of a project (no event: nothing is shared yet)."""
    office = member.office
    require_side_member(member)
    require_active(member, now)
    side = member.side
    if side is None:  # pragma: no cover - require_side_member refuses observers
        raise Refused("observers cannot draft projects")
    key = _key(key)
    if kind not in Kind.values:
        raise Refused(f"the kind must be one of {', '.join(Kind.values)}", field="kind")
    if key in RESERVED_PROJECT_KEYS:
        raise Refused(f"“{key}” names a page of its own; choose another key", field="key")
    title = _text(title, "title", "the title", 200)
    description = _within(description.strip(), "description", "the description", 10_000)
    # A draft enters no log until it is proposed: the event schema's rule for text, here.
    for field, value, one_line in (("title", title, True), ("description", description, False)):
        if problem := text_problem(value, one_line=one_line):
            raise Refused(f"the {field} {problem}", field=field)
    values: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "description": description,
        "leads": _leads(office, leads),
        "start": start,
        "end": end,
    }
    _window(start, end)
    with log.writing(office.id):
        if Project.objects.filter(office=office, key=key).exists():
            raise Refused(f"a project {key!r} exists already", field="key")
        draft = ProjectDraft.objects.filter(office=office, side=side, key=key).first()
        current = draft.revision if draft else 0
        if base_revision != current:
            if draft is None:
                raise Refused(f"your side has no draft {key!r}", field="base_revision")
            raise Conflict(
                f"The draft changed while you were editing: {draft.updated_by} saved revision "
                f"{current}. Nothing of yours was saved; reload the draft and save again.",
                current=current,
                field="base_revision",
            )
        values |= {"revision": current + 1, "updated_by": member.username, "updated_at": now}
        if draft is None:
            try:
                with transaction.atomic():
                    ProjectDraft.objects.create(office=office, side=side, key=key, **values)
            except IntegrityError:  # pragma: no cover - the office lock serialises saves
                raise Conflict("someone on your side started this draft too", current=1) from None
        else:
            ProjectDraft.objects.filter(pk=draft.pk, revision=current).update(**values)
    return ProjectDraft.objects.get(office=office, side=side, key=key)


def _same_revision(draft: ProjectDraft, command: DraftRevision, undone: str) -> None:
    """Act only on the revision the person read: a draft saved since stays as it is."""
    if command.draft_revision is not None and command.draft_revision != draft.revision:
        raise Conflict(
            f"The draft changed since you read it: {draft.updated_by} saved revision "
            f"{draft.revision}. {undone}; read it again first.",
            current=draft.revision,
            field="draft_revision",
        )


def propose_project(*, member: Member, command: ProposeDraft, now: dt.datetime) -> Project:
    """Publish the side's draft to both sides: the project is ``proposed``. The other
    side's draft is as unknown as a missing one, whatever one's role, so it is looked up
    before the role is checked."""
    office = member.office
    require_side_member(member)
    with log.writing(office.id):
        draft = own_draft_for(member, command.key)
        _speaker(member, now)
        _same_revision(draft, command, "Nothing was proposed")
        if Project.objects.filter(office=office, key=draft.key).exists():
            raise Refused(f"a project {draft.key!r} exists already", field="key")
        _append(
            member,
            "project.proposed",
            {
                "key": draft.key,
                "kind": draft.kind,
                "title": draft.title,
                "description": draft.description,
                "leads": draft.leads,
                "plan": _window(draft.start, draft.end),
            },
            now,
        )
        ProjectDraft.objects.filter(pk=draft.pk).delete()
    return Project.objects.get(office=office, key=draft.key)


def discard_project_draft(*, member: Member, command: DiscardDraft, now: dt.datetime) -> None:
    require_side_member(member)
    require_active(member, now)
    with log.writing(member.office_id):
        draft = own_draft_for(member, command.key)
        _same_revision(draft, command, "Nothing was discarded")
        draft.delete()


# Plans, statuses, blockers, dependencies ------------------------------------------------


def replan_project(
    *,
    member: Member,
    key: str,
    start: dt.date,
    end: dt.date,
    reason: str = "",
    now: dt.datetime,
) -> Project:
    """A new current plan (the first plan also becomes the original, kept for good)."""
    office = member.office
    _speaker(member, now)
    window = _window(start, end)
    reason = _within(reason, "reason", "the reason", 2000)
    with log.writing(office.id):
        project = _project(office, key)
        if project.current_start == start and project.current_end == end:
            raise Refused("that is the current plan already", field="start")
        if project.has_plan and not reason.strip():
            raise Refused("say why the plan changes", field="reason")
        _append(
            member,
            "project.replanned",
            {"key": key, "plan": window, "reason": reason.strip()},
            now,
        )
    return Project.objects.get(pk=project.pk)


def state_status(
    *,
    member: Member,
    key: str,
    status: str,
    reason: str = "",
    blockers: Sequence[str] = (),
    now: dt.datetime,
) -> Project:
    """The member's side states the project's status.

    A change outside the usual order (``rules.MACHINE``) needs a reason; a side that
    disagrees with the other's latest statement states its own, and both are shown."""
    office = member.office
    _speaker(member, now)
    if status not in Status.values:
        raise Refused(f"status must be one of {', '.join(Status.values)}", field="status")
    reason = _within(reason.strip(), "reason", "the reason", 2000)
    with log.writing(office.id):
        project = _project(office, key)
        own = project.changes.filter(side_id=member.side_id).order_by("-number").first()
        if own is not None and own.status == status and project.status == status:
            raise Refused(f"the project is already {status.replace('_', ' ')}", field="status")
        if not in_order(project.status, status) and project.status != status and not reason:
            raise Refused(
                f"{project.get_status_display().lower()} → {status.replace('_', ' ')} is not "
                "the usual order; give the reason",
                field="reason",
            )
        known = dict(project.blockers.values_list("key", "resolved_on"))
        unknown = [b for b in blockers if b not in known]
        if unknown:
            raise Refused(f"the project has no blocker {unknown[0]!r}", field="blockers")
        resolved = [b for b in blockers if known[b] is not None]
        if resolved:
            raise Refused(
                f"blocker {resolved[0]!r} was resolved on {known[resolved[0]]}; cite open ones",
                field="blockers",
            )
        _append(
            member,
            "project.status_stated",
            {"key": key, "status": status, "reason": reason, "blockers": list(blockers)},
            now,
        )
    return Project.objects.get(pk=project.pk)


def open_blocker(
    *,
    member: Member,
    project: str,
    key: str,
    kind: str,
    description: str,
    opened_on: dt.date,
    position: str = "",
    now: dt.datetime,
) -> Blocker:
    """Record why a project cannot move, optionally a third party's position."""
    office = member.office
    _speaker(member, now)
    key = _key(key)
    if kind not in BlockerKind.values:
        raise Refused(f"the kind must be one of {', '.join(BlockerKind.values)}", field="kind")
    description = _text(description, "description", "the description", 4000)
    if opened_on > now.astimezone(office.zone).date():
        raise Refused("a blocker cannot open after today", field="opened_on")
    with log.writing(office.id):
        target = _project(office, project)
        if target.blockers.filter(key=key).exists():
            raise Refused(f"the project has a blocker {key!r} already", field="key")
        ref = _position_ref(office, position) if position.strip() else None
        _append(
            member,
            "project.blocker_opened",
            {
                "project": project,
                "key": key,
                "kind": kind,
                "description": description,
                "opened_on": opened_on.isoformat(),
                "position": ref,
            },
            now,
        )
    return Blocker.objects.get(project=target, key=key)


def resolve_blocker(
    *,
    member: Member,
    project: str,
    key: str,
    resolved_on: dt.date,
    resolution: str = "",
    now: dt.datetime,
) -> Blocker:
    office = member.office
    _speaker(member, now)
    with log.writing(office.id):
        target = _project(office, project)
        blocker = target.blockers.filter(key=key).first()
        if blocker is None:
            raise Refused(f"the project has no blocker {key!r}", field="key")
        if blocker.resolved_on is not None:
            raise Refused(f"the blocker was resolved on {blocker.resolved_on}", field="key")
        if resolved_on < blocker.opened_on:
            raise Refused(
                f"a blocker cannot be resolved ({resolved_on}) before it opened "
                f"({blocker.opened_on})",
                field="resolved_on",
            )
        if resolved_on > now.astimezone(office.zone).date():
            raise Refused("a blocker cannot be resolved after today", field="resolved_on")
        _append(
            member,
            "project.blocker_resolved",
            {
                "project": project,
                "key": key,
                "resolved_on": resolved_on.isoformat(),
                "resolution": _within(resolution.strip(), "resolution", "the resolution", 4000),
            },
            now,
        )
    return Blocker.objects.get(pk=blocker.pk)


def add_dependency(
    *, member: Member, project: str, depends_on: str, now: dt.datetime
) -> Dependency:
    """``project`` waits for ``depends_on``; a dependency that would close a cycle is
    refused, naming the cycle."""
    office = member.office
    _speaker(member, now)
    with log.writing(office.id):
        source = _project(office, project)
        target = _project(office, depends_on)
        if Dependency.objects.filter(project=source, depends_on=target).exists():
            raise Refused(f"{project} depends on {depends_on} already", field="depends_on")
        edges: dict[str, list[str]] = defaultdict(list)
        for a, b in Dependency.objects.filter(office=office).values_list(
            "project__key", "depends_on__key"
        ):
            edges[a].append(b)
        cycle = find_cycle(edges, project, depends_on)
        if cycle is not None:
            raise Refused("that would make a cycle: " + " → ".join(cycle), field="depends_on")
        _append(
            member, "project.dependency_added", {"project": project, "depends_on": depends_on}, now
        )
    return Dependency.objects.get(project=source, depends_on=target)


def remove_dependency(*, member: Member, project: str, depends_on: str, now: dt.datetime) -> None:
    office = member.office
    _speaker(member, now)
    with log.writing(office.id):
        if not Dependency.objects.filter(
            office=office, project__key=project, depends_on__key=depends_on
        ).exists():
            raise Refused(f"{project} does not depend on {depends_on}", field="depends_on")
        _append(
            member,
            "project.dependency_removed",
            {"project": project, "depends_on": depends_on},
            now,
        )


def add_condition(*, member: Member, project: str, position: str, now: dt.datetime) -> None:
    """Link a third party's position to a project as a condition on it."""
    office = member.office
    _speaker(member, now)
    with log.writing(office.id):
        target = _project(office, project)
        ref = _position_ref(office, position)
        if target.conditions.filter(
            position__party__key=ref.split("/")[0], position__key=ref.split("/")[1]
        ).exists():
            raise Refused("that position is a condition of the project already", field="position")
        _append(member, "project.condition_added", {"project": project, "position": ref}, now)


# Third parties ----------------------------------------------------------------------------


def _party(office: Office, key: str) -> ThirdParty:
    party = ThirdParty.objects.filter(office=office, key=key).first()
    if party is None:
        raise Refused(f"there is no third party {key!r}", field="party")
    return party


def _actor_key(party: ThirdParty, actor: str) -> str | None:
    actor = actor.strip()
    if not actor:
        return None
    if not party.actors.filter(key=actor).exists():
        raise Refused(f"{party.name} has no actor {actor!r}", field="actor")
    return actor


def _position_ref(office: Office, ref: str) -> str:
    party, _, key = ref.strip().partition("/")
    if not Position.objects.filter(office=office, party__key=party, key=key).exists():
        raise Refused(
            f"there is no position {ref.strip()!r}; name it as <third party>/<position key>",
            field="position",
        )
    return f"{party}/{key}"


def record_third_party(
    *, member: Member, key: str, name: str, description: str = "", now: dt.datetime
) -> ThirdParty:
    office = member.office
    _speaker(member, now)
    key = _key(key)
    name = _text(name, "name", "the name", 200)
    with log.writing(office.id):
        if ThirdParty.objects.filter(office=office, key=key).exists():
            raise Refused(f"a third party {key!r} exists already", field="key")
        _append(
            member,
            "third_party.recorded",
            {"key": key, "name": name, "description": description.strip()},
            now,
        )
    return ThirdParty.objects.get(office=office, key=key)


def add_actor(
    *, member: Member, party: str, key: str, name: str, title: str = "", now: dt.datetime
) -> Actor:
    office = member.office
    _speaker(member, now)
    key = _key(key)
    name = _text(name, "name", "the name", 200)
    with log.writing(office.id):
        third = _party(office, party)
        if third.actors.filter(key=key).exists():
            raise Refused(f"{third.name} has an actor {key!r} already", field="key")
        _append(
            member,
            "third_party.actor_added",
            {"party": party, "key": key, "name": name, "title": title.strip()},
            now,
        )
    return Actor.objects.get(party=third, key=key)


def record_position(
    *,
    member: Member,
    party: str,
    key: str,
    stated_on: dt.date,
    summary: str,
    source: str,
    actor: str = "",
    now: dt.datetime,
) -> Position:
    office = member.office
    _speaker(member, now)
    key = _key(key)
    summary = _text(summary, "summary", "the summary", 4000)
    source = _text(source, "source", "the source", 300)
    if stated_on > now.astimezone(office.zone).date():
        raise Refused("a position cannot be stated after today", field="stated_on")
    with log.writing(office.id):
        third = _party(office, party)
        if third.positions.filter(key=key).exists():
            raise Refused(f"{third.name} has a position {key!r} already", field="key")
        _append(
            member,
            "third_party.position_recorded",
            {
                "party": party,
                "key": key,
                "actor": _actor_key(third, actor),
                "stated_on": stated_on.isoformat(),
                "summary": summary,
                "source": source,
            },
            now,
        )
    return Position.objects.get(party=third, key=key)


def record_external_event(
    *,
    member: Member,
    party: str,
    key: str,
    title: str,
    on: dt.date,
    status: str,
    source: str,
    actor: str = "",
    now: dt.datetime,
) -> ExternalEvent:
    """A third party's event, or a new account of one already recorded (same key)."""
    office = member.office
    _speaker(member, now)
    key = _key(key)
    title = _text(title, "title", "the title", 300)
    source = _text(source, "source", "the source", 300)
    if status not in EventStatus.values:
        raise Refused(f"status must be one of {', '.join(EventStatus.values)}", field="status")
    if status == EventStatus.HAPPENED and on > now.astimezone(office.zone).date():
        raise Refused("an event that happened cannot be dated after today", field="on")
    with log.writing(office.id):
        third = _party(office, party)
        _append(
            member,
            "third_party.event_recorded",
            {
                "party": party,
                "key": key,
                "actor": _actor_key(third, actor),
                "title": title,
                "on": on.isoformat(),
                "status": status,
                "source": source,
            },
            now,
        )
    return ExternalEvent.objects.get(party=third, key=key)
