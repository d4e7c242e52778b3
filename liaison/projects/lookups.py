"""Finding a project, a side's draft, a blocker, a dependency or a third party for a
member: the object, or ``NotFound`` (logged here, once). The other side's draft is out
of reach and reads exactly as a missing one. Web pages, API operations and actions all
look them up here."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

from django.db.models import QuerySet

from liaison.lib.errors import NotFound
from liaison.offices.access import refuse
from liaison.offices.models import Member
from liaison.projects.models import Blocker, Dependency, Project, ProjectDraft, ThirdParty
from liaison.projects.overview import ProjectView, projects_of

NO_DRAFT = "Your side has no such draft project."
NO_PROJECT = "No such project."
NO_BLOCKER = "No such blocker."
NO_DEPENDENCY = "No such dependency."
NO_THIRD_PARTY = "No such third party."


def own_draft_for(member: Member, key: str) -> ProjectDraft:
    """The member's own side's draft ``key``."""
    draft = ProjectDraft.objects.filter(
        office_id=member.office_id, side_id=member.side_id, key=key
    ).first()
    if draft is None or member.side_id is None:
        refuse(member.user, f"project draft {member.office_id}/{key}", "not own side's")
        raise NotFound(NO_DRAFT)
    return draft


def project_for(member: Member, key: str) -> Project:
    """The office's joint project ``key`` (a side's draft of that key is not one)."""
    project = Project.objects.filter(office_id=member.office_id, key=key).first()
    if project is None:
        _no_project(member, key)
    return project


def project_view_for(member: Member, key: str, today: dt.date) -> ProjectView:
    """The project ``key`` with everything its page and the API show (``overview``),
    blockers open or not as of ``today``."""
    found = projects_of(member.office, today, key=key)
    if not found:
        _no_project(member, key)
    return found[0]


def _no_project(member: Member, key: str) -> NoReturn:
    refuse(member.user, f"project {member.office_id}/{key}", "no such project")
    raise NotFound(NO_PROJECT)


def blocker_for(member: Member, project: Project, key: str) -> Blocker:
    """The blocker ``key`` of ``project`` (found by ``project_for``)."""
    blocker = Blocker.objects.filter(project=project, key=key).first()
    if blocker is None:
        refuse(member.user, f"blocker {member.office_id}/{project.key}/{key}", "no such blocker")
        raise NotFound(NO_BLOCKER)
    return blocker


def dependency_for(member: Member, project: Project, depends_on: str) -> Dependency:
    """``project``'s dependency on the project ``depends_on``."""
    dependency = Dependency.objects.filter(project=project, depends_on__key=depends_on).first()
    if dependency is None:
        what = f"dependency {member.office_id}/{project.key}/{depends_on}"
        refuse(member.user, what, "no such dependency")
        raise NotFound(NO_DEPENDENCY)
    return dependency


def third_party_for(
    member: Member, key: str, queryset: QuerySet[ThirdParty] | None = None
) -> ThirdParty:
    """The office's third party ``key``; ``queryset`` to fetch it with what a page shows."""
    rows = ThirdParty.objects.all() if queryset is None else queryset
    party = rows.filter(office_id=member.office_id, key=key).first()
    if party is None:
        refuse(member.user, f"third party {member.office_id}/{key}", "no such third party")
        raise NotFound(NO_THIRD_PARTY)
    return party
