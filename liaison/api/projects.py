"""Joint projects: each with its original and current plan, every status statement (and
each side's latest, so a disagreement shows both), blockers, dependencies and the third
parties' positions it is conditioned on; and the caller's own side's private drafts.

Every write builds the action's command (``projects.commands``) from the path and the
payload and calls the action (``projects.drafts``, ``plans``, ``blockers``) with the
caller's membership and ``clock.now()``; reads go through ``projects.overview``, as the
pages do. What the path names must exist: an unknown project, blocker or dependency is a
404 (``projects.lookups``) before the payload is judged. A side's drafts are reached only
with the caller's own side (``lookups.own_draft_for``), so the other side's draft answers
exactly as one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from liaison.api.access import member_for
from liaison.api.project_schemas import (
    BlockerIn,
    ConditionIn,
    DependencyIn,
    PlanIn,
    ProjectDraftIn,
    ProjectDraftOut,
    ProjectOut,
    ProjectStatusIn,
    ProjectStatusName,
    ProposeIn,
    ResolveIn,
)
from liaison.api.record_schemas import ConflictOut
from liaison.api.schemas import ErrorOut
from liaison.lib import clock
from liaison.lib.errors import NotAllowed
from liaison.offices.models import Member, Office
from liaison.projects import blockers, drafts, plans
from liaison.projects.commands import (
    AddCondition,
    AddDependency,
    DiscardDraft,
    OpenBlocker,
    ProposeDraft,
    RemoveDependency,
    Replan,
    ResolveBlocker,
    SaveDraft,
    StateStatus,
)
from liaison.projects.lookups import blocker_for, own_draft_for, project_for, project_view_for
from liaison.projects.models import Blocker, PlanChange, ProjectDraft, StatusChange
from liaison.projects.overview import ProjectView, projects_of

router = Router(tags=["projects"])

READ_ERRORS: dict[int, Any] = {404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut}


def _window(start: dt.date | None, end: dt.date | None) -> dict[str, Any] | None:
    return {"start": start, "end": end} if start is not None and end is not None else None


def _ref(party: str, key: str) -> str:
    return f"{party}/{key}"


def status_data(change: StatusChange) -> dict[str, Any]:
    return {
        "number": change.number,
        "status": change.status,
        "reason": change.reason,
        "blockers": change.blockers,
        "side": change.side.key,
        "by": change.changed_by,
        "at": change.at,
    }


def plan_data(plan: PlanChange) -> dict[str, Any]:
    return {
        "number": plan.number,
        "start": plan.start,
        "end": plan.end,
        "reason": plan.reason,
        "side": plan.side.key,
        "by": plan.changed_by,
        "at": plan.at,
    }


def blocker_data(blocker: Blocker, today: dt.date) -> dict[str, Any]:
    position = blocker.position
    return {
        "key": blocker.key,
        "kind": blocker.kind,
        "description": blocker.description,
        "opened_on": blocker.opened_on,
        "resolved_on": blocker.resolved_on,
        "resolution": blocker.resolution,
        "position": _ref(position.party.key, position.key) if position else None,
        "open": blocker.is_open_on(today),
        "side": blocker.side.key,
        "recorded_by": blocker.recorded_by,
    }


def project_data(view: ProjectView) -> dict[str, Any]:
    project = view.project
    return {
        "key": project.key,
        "kind": project.kind,
        "title": project.title,
        "description": project.description,
        "leads": project.leads,
        "status": project.status,
        "original_plan": _window(project.original_start, project.original_end),
        "current_plan": _window(project.current_start, project.current_end),
        "slip_days": project.slip_days,
        "end_slip_days": project.end_slip_days,
        "proposed_by": project.proposed_by,
        "side": project.side.key,
        "proposed_at": project.proposed_at,
        "history": [status_data(c) for c in view.changes],
        "plans": [plan_data(p) for p in view.plans],
        "views": {side: status_data(c) for side, c in view.views.items()},
        "disagreement": view.disagreement,
        "blockers": [blocker_data(b, view.today) for b in view.blockers],
        "depends_on": [
            {"key": p.key, "title": p.title, "status": p.status} for p in view.depends_on
        ],
        "waiting_on": [p.key for p in view.waiting_on],
        "conditions": [
            {
                "position": _ref(c.position.party.key, c.position.key),
                "party": c.position.party.name,
                "stated_on": c.position.stated_on,
                "summary": c.position.summary,
            }
            for c in view.conditions
        ],
    }


def draft_data(draft: ProjectDraft, side: str) -> dict[str, Any]:
    return {
        "key": draft.key,
        "side": side,
        "revision": draft.revision,
        "kind": draft.kind,
        "title": draft.title,
        "description": draft.description,
        "leads": draft.leads,
        "start": draft.start,
        "end": draft.end,
        "updated_by": draft.updated_by,
        "updated_at": draft.updated_at,
    }


def _today(office: Office) -> dt.date:
    return clock.now().astimezone(office.zone).date()  # "open" is by the office's day


def _project(member: Member, key: str) -> dict[str, Any]:
    return project_data(project_view_for(member, key, _today(member.office)))


# Projects


@router.get("/offices/{slug}/projects", response={200: list[ProjectOut], **READ_ERRORS})
def list_projects(
    request: HttpRequest, slug: str, status: Query[ProjectStatusName | None] = None
) -> list[dict[str, Any]]:
    """Every joint project by key, optionally only those whose ``status`` (the latest
    statement by either side) is the one given. Drafts are never here."""
    office, _member = member_for(request, slug)
    views = projects_of(office, _today(office))
    # Filtered after reading: the same queries with or without a filter.
    return [project_data(v) for v in views if status in (None, v.project.status)]


# Drafts come before ``projects/{pkey}`` so that ``projects/drafts`` is the list.


@router.get("/offices/{slug}/projects/drafts", response={200: list[ProjectDraftOut], **READ_ERRORS})
def list_project_drafts(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Your own side's private drafts of projects not yet proposed. The other side never
    sees them; an observer, on no side, has none (an empty list)."""
    _office, member = member_for(request, slug)
    side = member.side_key
    if side is None:
        return []
    rows = ProjectDraft.objects.filter(office_id=member.office_id, side_id=member.side_id)
    return [draft_data(d, side) for d in rows.order_by("key")]


@router.put(
    "/offices/{slug}/projects/drafts/{pkey}", response={200: ProjectDraftOut, **WRITE_ERRORS}
)
def save_project_draft(
    request: HttpRequest, slug: str, pkey: str, payload: ProjectDraftIn
) -> dict[str, Any]:
    """Save your side's private draft of a project (any member of a side); nothing is
    shared until a head or deputy proposes it. ``base_revision`` is 0 for a new draft."""
    _office, member = member_for(request, slug)
    command = SaveDraft(key=pkey, **payload.model_dump())
    drafts.save_project_draft(member=member, command=command, now=clock.now())
    if member.side_key is None:  # pragma: no cover - the action refuses observers
        raise NotAllowed("observers have no drafts")
    return draft_data(own_draft_for(member, pkey), member.side_key)


@router.delete("/offices/{slug}/projects/drafts/{pkey}", response={204: None, **WRITE_ERRORS})
def discard_project_draft(
    request: HttpRequest, slug: str, pkey: str, draft_revision: Query[int | None] = None
) -> Status[None]:
    """Discard your side's draft (any member of a side). Name the ``draft_revision`` you
    read to discard only that one: a draft saved since is kept (409)."""
    _office, member = member_for(request, slug)
    command = DiscardDraft(key=pkey, draft_revision=draft_revision)
    drafts.discard_project_draft(member=member, command=command, now=clock.now())
    return Status(204, None)


@router.post(
    "/offices/{slug}/projects/drafts/{pkey}/propose",
    response={201: ProjectOut, **WRITE_ERRORS},
)
def propose_project(
    request: HttpRequest, slug: str, pkey: str, payload: ProposeIn | None = None
) -> Status[Any]:
    """Propose your side's draft to both sides (a head or deputy): the project is
    ``proposed`` and its plan, if any, is the original plan."""
    _office, member = member_for(request, slug)
    command = ProposeDraft(key=pkey, draft_revision=payload.draft_revision if payload else None)
    drafts.propose_project(member=member, command=command, now=clock.now())
    return Status(201, _project(member, pkey))


@router.get("/offices/{slug}/projects/{pkey}", response={200: ProjectOut, **READ_ERRORS})
def get_project(request: HttpRequest, slug: str, pkey: str) -> dict[str, Any]:
    """One project with its histories, blockers, dependencies and conditions."""
    _office, member = member_for(request, slug)
    return _project(member, pkey)


@router.post("/offices/{slug}/projects/{pkey}/plan", response={200: ProjectOut, **WRITE_ERRORS})
def replan_project(request: HttpRequest, slug: str, pkey: str, payload: PlanIn) -> dict[str, Any]:
    """A new current plan (a head or deputy). The original plan is kept; changing a plan
    needs a ``reason``; the slip is reported against the original."""
    _office, member = member_for(request, slug)
    project_for(member, pkey)  # an unknown project is a 404 whatever the payload
    command = Replan(key=pkey, **payload.model_dump())
    plans.replan_project(member=member, command=command, now=clock.now())
    return _project(member, pkey)


@router.post("/offices/{slug}/projects/{pkey}/status", response={200: ProjectOut, **WRITE_ERRORS})
def state_project_status(
    request: HttpRequest, slug: str, pkey: str, payload: ProjectStatusIn
) -> dict[str, Any]:
    """Your side states the project's status, naming the blockers behind it. A change
    outside the usual order (completed back to proposed, say) needs a ``reason``. When
    the sides disagree, both statements stay in ``views``."""
    _office, member = member_for(request, slug)
    project_for(member, pkey)
    command = StateStatus(key=pkey, **payload.model_dump())
    plans.state_status(member=member, command=command, now=clock.now())
    return _project(member, pkey)


@router.post("/offices/{slug}/projects/{pkey}/blockers", response={201: ProjectOut, **WRITE_ERRORS})
def open_blocker(request: HttpRequest, slug: str, pkey: str, payload: BlockerIn) -> Status[Any]:
    """Record why the project cannot move, from ``opened_on`` (not after today), and the
    third party's ``position`` behind it if there is one."""
    _office, member = member_for(request, slug)
    project_for(member, pkey)
    values = payload.model_dump() | {"position": payload.position or ""}
    command = OpenBlocker(project=pkey, **values)
    blockers.open_blocker(member=member, command=command, now=clock.now())
    return Status(201, _project(member, pkey))


@router.post(
    "/offices/{slug}/projects/{pkey}/blockers/{bkey}/resolve",
    response={200: ProjectOut, **WRITE_ERRORS},
)
def resolve_blocker(
    request: HttpRequest, slug: str, pkey: str, bkey: str, payload: ResolveIn
) -> dict[str, Any]:
    """The blocker no longer holds from ``resolved_on`` (not before it opened, nor
    after today)."""
    _office, member = member_for(request, slug)
    blocker_for(member, project_for(member, pkey), bkey)
    command = ResolveBlocker(project=pkey, key=bkey, **payload.model_dump())
    blockers.resolve_blocker(member=member, command=command, now=clock.now())
    return _project(member, pkey)


@router.post(
    "/offices/{slug}/projects/{pkey}/dependencies", response={201: ProjectOut, **WRITE_ERRORS}
)
def add_dependency(
    request: HttpRequest, slug: str, pkey: str, payload: DependencyIn
) -> Status[Any]:
    """The project waits for ``depends_on`` to be completed. A dependency that would
    close a cycle is refused (400), naming the cycle; a ``depends_on`` that names no
    project is a 400 on that field (the path's project is the 404)."""
    _office, member = member_for(request, slug)
    command = AddDependency(project=pkey, depends_on=payload.depends_on)
    blockers.add_dependency(member=member, command=command, now=clock.now())
    return Status(201, _project(member, pkey))


@router.delete(
    "/offices/{slug}/projects/{pkey}/dependencies/{dkey}",
    response={200: ProjectOut, **WRITE_ERRORS},
)
def remove_dependency(request: HttpRequest, slug: str, pkey: str, dkey: str) -> dict[str, Any]:
    """The project no longer waits for ``dkey``."""
    _office, member = member_for(request, slug)
    command = RemoveDependency(project=pkey, depends_on=dkey)
    blockers.remove_dependency(member=member, command=command, now=clock.now())
    return _project(member, pkey)


@router.post(
    "/offices/{slug}/projects/{pkey}/conditions", response={201: ProjectOut, **WRITE_ERRORS}
)
def add_condition(request: HttpRequest, slug: str, pkey: str, payload: ConditionIn) -> Status[Any]:
    """The project is conditioned on a third party's ``position`` ("party/key")."""
    _office, member = member_for(request, slug)
    command = AddCondition(project=pkey, position=payload.position)
    blockers.add_condition(member=member, command=command, now=clock.now())
    return Status(201, _project(member, pkey))
