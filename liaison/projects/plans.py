"""A joint project's plan and status: a new current plan (the first also becomes the
original, kept for good) and a side's statement of the status."""

from __future__ import annotations

import datetime as dt

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.offices.models import Member
from liaison.projects.commands import Replan, StateStatus
from liaison.projects.lookups import project_for
from liaison.projects.models import Project
from liaison.projects.rules import in_order
from liaison.projects.shared import append, speaker, window


def replan_project(*, member: Member, command: Replan, now: dt.datetime) -> Project:
    """A new current plan; changing a plan the project has needs a reason."""
    with log.writing(member.office_id):
        project = project_for(member, command.key)
        speaker(member, now)
        plan = window(command.start, command.end)
        if project.current_start == command.start and project.current_end == command.end:
            raise Refused("that is the current plan already", field="start")
        if project.has_plan and not command.reason:
            raise Refused("say why the plan changes", field="reason")
        append(
            member,
            "project.replanned",
            {"key": project.key, "plan": plan, "reason": command.reason},
            now,
        )
    return Project.objects.get(pk=project.pk)


def state_status(*, member: Member, command: StateStatus, now: dt.datetime) -> Project:
    """The member's side states the project's status.

    A change outside the usual order (``rules.MACHINE``) needs a reason; a side that
    disagrees with the other's latest statement states its own, and both are shown."""
    status, reason, blockers = command.status, command.reason, command.blockers
    with log.writing(member.office_id):
        project = project_for(member, command.key)
        speaker(member, now)
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
        append(
            member,
            "project.status_stated",
            {"key": project.key, "status": status, "reason": reason, "blockers": list(blockers)},
            now,
        )
    return Project.objects.get(pk=project.pk)
