"""A side's private drafts of projects: saving one (no event: nothing is shared yet),
proposing it to both sides (the project is ``proposed``), discarding it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from liaison.ledger import log
from liaison.lib.errors import Conflict, Refused
from liaison.offices.access import require_active, require_side_member
from liaison.offices.models import Member, Office
from liaison.projects.commands import DiscardDraft, DraftRevision, ProposeDraft, SaveDraft
from liaison.projects.lookups import own_draft_for
from liaison.projects.models import Project, ProjectDraft
from liaison.projects.shared import append, speaker, window


def _leads(office: Office, leads: Sequence[str]) -> list[str]:
    sides = list(office.sides.values_list("key", flat=True))
    if not leads:
        raise Refused("name the side or sides that lead it", field="leads")
    unknown = [s for s in leads if s not in sides]
    if unknown:
        raise Refused(f"{unknown[0]!r} is not a side of this office", field="leads")
    return [s for s in sides if s in leads]


def save_project_draft(*, member: Member, command: SaveDraft, now: dt.datetime) -> ProjectDraft:
    """Save the side's private draft of a project over ``command.base_revision``."""
    office = member.office
    require_side_member(member)
    require_active(member, now)
    side = member.side
    if side is None:  # pragma: no cover - require_side_member refuses observers
        raise Refused("observers cannot draft projects")
    key, base_revision = command.key, command.base_revision
    with log.writing(office.id):
        values: dict[str, Any] = {
            "kind": command.kind,
            "title": command.title,
            "description": command.description,
            "leads": _leads(office, command.leads),
            "start": command.start,
            "end": command.end,
        }
        window(command.start, command.end)
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
        speaker(member, now)
        _same_revision(draft, command, "Nothing was proposed")
        if Project.objects.filter(office=office, key=draft.key).exists():
            raise Refused(f"a project {draft.key!r} exists already", field="key")
        append(
            member,
            "project.proposed",
            {
                "key": draft.key,
                "kind": draft.kind,
                "title": draft.title,
                "description": draft.description,
                "leads": draft.leads,
                "plan": window(draft.start, draft.end),
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
