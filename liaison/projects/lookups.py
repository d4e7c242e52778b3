"""Finding a project or a side's draft for a member: the object, or ``NotFound`` (logged
here, once). The other side's draft is out of reach and reads exactly as a missing one.
Web pages, API operations and actions all look them up here."""

from __future__ import annotations

from liaison.lib.errors import NotFound
from liaison.offices.access import refuse
from liaison.offices.models import Member
from liaison.projects.models import Project, ProjectDraft

NO_DRAFT = "Your side has no such draft project."
NO_PROJECT = "No such project."


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
        refuse(member.user, f"project {member.office_id}/{key}", "no such project")
        raise NotFound(NO_PROJECT)
    return project
