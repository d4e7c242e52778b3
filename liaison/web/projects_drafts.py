"""A side's project drafts: save one, propose it to the other side, discard it. A
refusal is shown on the board. Only the viewer's own side's drafts are found; the other
side's is the 404 of a missing one."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from liaison.lib import clock
from liaison.lib.fields import KEY_PATTERN
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.projects import drafts
from liaison.projects.commands import DiscardDraft, ProposeDraft, SaveDraft
from liaison.projects.lookups import own_draft_for
from liaison.web import project_forms as pf
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
        command = SaveDraft(**pf.given(data))
        draft = drafts.save_project_draft(member=member, command=command, now=clock.now())
        message = (
            f"Draft {draft.key} saved (revision {draft.revision}); only {member.side} can "
            "see it until it is proposed."
        )
        return message, board_url(office, f"draft-{draft.key}")

    done = run_form(request, form, perform)
    return done or board_page(
        request, office, member, sent={f"draft:{key}" if editing else "new": form}
    )


@require_POST
@office_page
def office_project_draft_propose(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    # The URL's draft is looked up before the form is read, so a bad form never answers
    # for a draft the member cannot reach; the action looks again inside the lock.
    access.require_side_member(member)
    own_draft_for(member, key)
    access.require_side_speaker(member)
    form = pf.ProposeDraftForm(request.POST, auto_id=f"propose-{key}-%s")

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = ProposeDraft(key=key, draft_revision=data["draft_revision"])
        project = drafts.propose_project(member=member, command=command, now=clock.now())
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
    own_draft_for(member, key)
    form = pf.DiscardDraftForm(request.POST, auto_id=f"discard-{key}-%s")

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = DiscardDraft(key=key, draft_revision=data["draft_revision"])
        drafts.discard_project_draft(member=member, command=command, now=clock.now())
        return f"Draft {key} discarded.", board_url(office, "drafts")

    done = run_form(request, form, perform)
    return done or board_page(request, office, member, sent={f"discard:{key}": form})
