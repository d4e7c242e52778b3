"""The projects' board: the projects by status, and the viewer's own side's private
drafts, each with its editor and buttons (their writes are in ``projects_drafts``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from liaison.offices.models import Member, Office
from liaison.projects import overview
from liaison.projects.models import ProjectDraft
from liaison.web import project_forms as pf
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page
from liaison.web.projects import Forms, office_day, render_page, side_choices
from liaison.web.records import writes_for_side


@dataclass(frozen=True)
class DraftCard:
    """One of the viewer's side's drafts with its editor and buttons."""

    draft: ProjectDraft
    form: ActionForm
    propose: ActionForm | None
    discard: ActionForm


def _drafts(member: Member) -> list[ProjectDraft]:
    """The viewer's own side's drafts; none for observers (they have no side's drafts)."""
    if not writes_for_side(member):
        return []
    return list(
        ProjectDraft.objects.filter(office_id=member.office_id, side_id=member.side_id).order_by(
            "key"
        )
    )


def _draft_form(draft: ProjectDraft, sides: pf.Choices) -> pf.ProjectDraftForm:
    return pf.ProjectDraftForm(
        sides=sides,
        editing=True,
        auto_id=f"draft-{draft.key}-%s",
        initial={
            "base_revision": draft.revision,
            "key": draft.key,
            "kind": draft.kind,
            "title": draft.title,
            "description": draft.description,
            "leads": draft.leads,
            "start": draft.start,
            "end": draft.end,
        },
    )


def _draft_cards(
    member: Member, drafts: list[ProjectDraft], sides: pf.Choices, sent: Forms
) -> list[DraftCard]:
    """Each draft's forms; a form just sent (named ``<what>:<key>``) replaces its blank."""
    cards = []
    for draft in drafts:
        revision = {"draft_revision": draft.revision}
        propose = (
            pf.ProposeDraftForm(initial=revision, auto_id=f"propose-{draft.key}-%s")
            if member.can_act_for_side
            else None
        )
        discard = pf.DiscardDraftForm(initial=revision, auto_id=f"discard-{draft.key}-%s")
        cards.append(
            DraftCard(
                draft=draft,
                form=sent.get(f"draft:{draft.key}") or _draft_form(draft, sides),
                propose=sent.get(f"propose:{draft.key}") or propose,
                discard=sent.get(f"discard:{draft.key}") or discard,
            )
        )
    return cards


def board_page(
    request: HttpRequest, office: Office, member: Member, sent: Forms | None = None
) -> HttpResponse:
    sent = sent or {}
    views = overview.projects_of(office, office_day(office))
    office_sides = list(office.sides.all())
    sides = side_choices(office_sides)
    drafts = _drafts(member)
    new = None
    if writes_for_side(member):
        # An editor sent for a draft discarded meanwhile has no card: it shows as new.
        keys = {f"draft:{d.key}" for d in drafts}
        orphans = (f for n, f in sent.items() if n.startswith("draft:") and n not in keys)
        orphan = next(orphans, None)
        new = (
            sent.get("new")
            or orphan
            or pf.ProjectDraftForm(
                sides=sides, initial={"base_revision": 0, "leads": [member.side_key]}
            )
        )
    return render_page(
        request,
        "web/projects_board.html",
        office,
        member,
        {
            "columns": overview.board(views),
            "count": len(views),
            "drafts": _draft_cards(member, drafts, sides, sent),
            "new_draft": new,
        },
        sent,
        office_sides,
    )


@require_safe
@office_page
def office_projects(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    return board_page(request, office, member)


def board_url(office: Office, anchor: str = "") -> str:
    url = reverse("office-projects", args=[office.slug])
    return f"{url}#{anchor}" if anchor else url
