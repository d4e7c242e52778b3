"""A side's project drafts: save one, propose it to the other side, discard it. A
refusal is shown on the board. Only the viewer's own side's drafts are found; the other
side's is the 404 of a missing one."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.projects import actions
from liaison.projects.models import ProjectDraft
from liaison.web import project_forms as pf
from liaison.web.forms import KEY_PATTERN
from liaison.web.pages import office_page, run_form
from liaison.web.projects import side_choices
from liaison.web.projects_board import board_page, board_url


@require_POST
@office_page
def office_project_draft_save(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_member(member)
    sides = side_choices(list(office.sides.all()))
    key = request.POST.get("key", "")
    # A saved draft's form hides its key and takes its ids from it. A key that is none
    # goes back in the new draft's form, where its error shows, and never reaches the id
    # pattern (a "%" in it would break the pattern).
    editing = (
        request.POST.get("base_revision", "0") not in ("", "0")
        and re.fullmatch(KEY_PATTERN, key) is not None
    )
    form = pf.ProjectDraftForm(
        request.POST,
        sides=sides,
        editing=editing,
        auto_id=f"draft-{key}-%s" if editing else "project-draft-%s",
    )

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        draft = actions.save_project_draft(
            member=member,
            key=data["key"],
            base_revision=data["base_revision"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            leads=data["leads"],
            start=data["start"],
            end=data["end"],
            now=clock.now(),
        )
        message = (
            f"Draft {draft.key} saved (revision {draft.revision}); only {member.side} can "
            "see it until it is proposed."
        )
        return message, board_url(office, f"draft-{draft.key}")

    done = run_form(request, form, perform)
    return done or board_page(
        request, office, member, sent={f"draft:{key}" if editing else "new": form}
    )


def _own_draft_or_404(request: HttpRequest, member: Member, key: str) -> ProjectDraft:
    """The viewer's side's draft ``key``; the other side's is the 404 of a missing one."""
    draft = ProjectDraft.objects.filter(
        office_id=member.office_id, side_id=member.side_id, key=key
    ).first()
    if draft is None:
        access.refuse(request.user, f"project draft {member.office_id}/{key}", "not own side's")
        raise Http404("No such draft.")
    return draft


@require_POST
@office_page
def office_project_draft_propose(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    # The other side's draft is as unknown as a missing one, whatever one's role: look
    # it up before saying that only heads and deputies propose.
    access.require_side_member(member)
    _own_draft_or_404(request, member, key)
    access.require_side_speaker(member)
    form = pf.ProposeDraftForm(request.POST, auto_id=f"propose-{key}-%s")

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        project = actions.propose_project(
            member=member, key=key, draft_revision=data["draft_revision"], now=clock.now()
        )
        message = f"{member.side} proposed {project.title}: both sides see it now."
        return message, reverse("office-project", args=[office.slug, project.key])

    done = run_form(request, form, perform)
    return done or board_page(request, office, member, sent={f"propose:{key}": form})


@require_POST
@office_page
def office_project_draft_discard(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_member(member)
    draft = _own_draft_or_404(request, member, key)
    form = pf.DiscardDraftForm(request.POST, auto_id=f"discard-{key}-%s")

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        # Discard only what the person saw: a draft saved since stays.
        if data["draft_revision"] != draft.revision:
            raise Refused(
                f"The draft changed since you read it: {draft.updated_by} saved revision "
                f"{draft.revision}. Nothing was discarded; read it again first."
            )
        actions.discard_project_draft(member=member, key=key, now=clock.now())
        return f"Draft {key} discarded.", board_url(office, "drafts")

    done = run_form(request, form, perform)
    return done or board_page(request, office, member, sent={f"discard:{key}": form})
