"""The joint projects' pages: the board (projects by status, and the viewer's own side's
private drafts), the plan chart, and a project's page with its status history, plans,
blockers, dependencies and conditions, with the forms of a side's head or deputy.

Each view parses input with a form from ``project_forms``, checks access through
``offices.access``, calls one action from ``projects/actions.py``, and renders or
redirects; reads go through ``projects/overview.py``. A side's drafts are read only with
the viewer's own side (``_drafts``, ``_own_draft_or_404``), so no page shows them to the
other side or to observers, and the other side's draft is the same 404 as a missing one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.offices import access
from liaison.offices.models import Member, Office, Side
from liaison.projects import actions, chart, overview
from liaison.projects.models import Dependency, Position, Project, ProjectDraft
from liaison.projects.rules import in_order
from liaison.web import project_forms as pf
from liaison.web.forms import KEY_PATTERN, ActionForm
from liaison.web.pages import office_page, run_form
from liaison.web.records import people_of, writes_for_side

Forms = dict[str, ActionForm]


def _today(office: Office) -> dt.date:
    """Projects' days (plans, blockers) are days in the office's zone, as in the actions."""
    return clock.now().astimezone(office.zone).date()


def _side_choices(sides: list[Side]) -> pf.Choices:
    return [(s.key, s.name) for s in sides]


def _page(
    request: HttpRequest,
    template: str,
    office: Office,
    member: Member,
    context: dict[str, Any],
    sent: Forms | None,
    sides: list[Side] | None = None,
) -> HttpResponse:
    sides = list(office.sides.all()) if sides is None else sides
    return render(
        request,
        template,
        {
            "office": office,
            "member": member,
            "sides": sides,
            "side_names": {s.key: s.name for s in sides},
            "people": people_of(office),
            "nav": "projects",
            **context,
        },
        status=400 if sent else 200,
    )


# The board and the side's drafts ----------------------------------------------------------


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


def _board_page(
    request: HttpRequest, office: Office, member: Member, sent: Forms | None = None
) -> HttpResponse:
    sent = sent or {}
    views = overview.projects_of(office, _today(office))
    office_sides = list(office.sides.all())
    sides = _side_choices(office_sides)
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
    return _page(
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
    return _board_page(request, office, member)


def _board_url(office: Office, anchor: str = "") -> str:
    url = reverse("office-projects", args=[office.slug])
    return f"{url}#{anchor}" if anchor else url


@require_POST
@office_page
def office_project_draft_save(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_member(member)
    sides = _side_choices(list(office.sides.all()))
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
        return message, _board_url(office, f"draft-{draft.key}")

    done = run_form(request, form, perform)
    return done or _board_page(
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
    return done or _board_page(request, office, member, sent={f"propose:{key}": form})


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
        return f"Draft {key} discarded.", _board_url(office, "drafts")

    done = run_form(request, form, perform)
    return done or _board_page(request, office, member, sent={f"discard:{key}": form})


# The plan chart ---------------------------------------------------------------------------


TICK_LABEL = 56  # the width a month's label needs, in the chart's units


def _window(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date] | None:
    return (start, end) if start is not None and end is not None else None


@require_safe
@office_page
def office_project_chart(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    today = _today(office)
    views = overview.projects_of(office, today)
    plans = [
        chart.Plan(
            key=v.project.key,
            title=v.project.title,
            status=v.project.status,
            original=_window(v.project.original_start, v.project.original_end),
            current=_window(v.project.current_start, v.project.current_end),
        )
        for v in views
    ]
    geometry = chart.chart(plans, today)
    # Every month gets a tick; labels only as often as they fit (about 56 units each).
    step = max(1, math.ceil(len(geometry.ticks) * TICK_LABEL / chart.WIDTH))
    return _page(
        request,
        "web/projects_chart.html",
        office,
        member,
        {
            "chart": geometry,
            "rows": list(zip(geometry.rows, views, strict=True)),
            "ticks": [(t, i % step == 0) for i, t in enumerate(geometry.ticks)],
            "today": today,
            "label_x": chart.LABEL,
            "axis_top": chart.TOP - 6,
            # Room under the rows for the "today" line's label.
            "height": geometry.height + 14,
        },
        None,
    )


# A project's page -------------------------------------------------------------------------


def _view_or_404(request: HttpRequest, office: Office, key: str) -> overview.ProjectView:
    found = overview.projects_of(office, _today(office), key=key)
    if not found:
        access.refuse(request.user, f"project {office.id}/{key}", "no such project")
        raise Http404("No such project.")
    return found[0]


def _project_or_404(request: HttpRequest, office: Office, key: str) -> Project:
    project = Project.objects.filter(office=office, key=key).first()
    if project is None:
        access.refuse(request.user, f"project {office.id}/{key}", "no such project")
        raise Http404("No such project.")
    return project


def _positions(office: Office) -> pf.Choices:
    """Every third party's positions, named as the actions take them: ``party/key``."""
    rows = (
        Position.objects.filter(office=office)
        .select_related("party")
        .order_by("party__name", "stated_on", "key")
    )
    return [
        (f"{p.party.key}/{p.key}", f"{p.party.name}, {p.stated_on:%d %b %Y}: {p.summary[:60]}")
        for p in rows
    ]


def _blocker_choices(view: overview.ProjectView) -> pf.Choices:
    return [(b.key, f"{b.key}: {b.description[:60]}") for b in view.open_blockers]


def _others(office: Office, view: overview.ProjectView) -> pf.Choices:
    """The projects this one could come to depend on (not itself, not already)."""
    taken = {view.project.key, *(p.key for p in view.depends_on)}
    rows = Project.objects.filter(office=office).order_by("key").values_list("key", "title")
    return [(k, f"{t} ({k})") for k, t in rows if k not in taken]


def _project_forms(
    office: Office, member: Member, view: overview.ProjectView, sent: Forms
) -> Forms:
    """The forms a side's head or deputy may use on the project now."""
    if not member.can_act_for_side:
        return {}
    project = view.project
    positions = _positions(office)
    blockers = _blocker_choices(view)
    result: Forms = {
        "status": pf.StatusForm(blockers=blockers, initial={"status": project.status}),
        "plan": pf.PlanForm(initial={"start": project.current_start, "end": project.current_end}),
        "blocker": pf.BlockerForm(positions=positions, initial={"opened_on": view.today}),
    }
    if blockers:
        result["resolve"] = pf.ResolveForm(blockers=blockers, initial={"resolved_on": view.today})
    others = _others(office, view)
    if others:
        result["dependency"] = pf.DependencyForm(projects=others)
    if positions:
        result["condition"] = pf.ConditionForm(positions=positions)
    result.update(sent)
    return result


def _project_page(
    request: HttpRequest, office: Office, member: Member, key: str, sent: Forms | None = None
) -> HttpResponse:
    view = _view_or_404(request, office, key)
    dependents = [
        d.project
        for d in Dependency.objects.filter(depends_on=view.project)
        .select_related("project")
        .order_by("project__key")
    ]
    # Each statement with whether it followed the machine from the status before it.
    history, before = [], None
    for change in view.changes:
        unusual = before not in (None, change.status) and not in_order(before or "", change.status)
        history.append((change, unusual))
        before = change.status
    return _page(
        request,
        "web/projects_detail.html",
        office,
        member,
        {
            "view": view,
            "project": view.project,
            "dependents": dependents,
            "history": history,
            "blockers_by_key": {b.key: b for b in view.blockers},
            "forms": _project_forms(office, member, view, sent or {}),
        },
        sent,
    )


@require_safe
@office_page
def office_project(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    return _project_page(request, office, member, key)


def _project_url(office: Office, key: str, anchor: str = "") -> str:
    url = reverse("office-project", args=[office.slug, key])
    return f"{url}#{anchor}" if anchor else url


def _project_act(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    name: str,
    form: ActionForm,
    perform: Any,
) -> HttpResponse:
    """Run ``perform`` on the form's data; a refusal is shown on the project's page."""
    done = run_form(request, form, perform)
    return done or _project_page(request, office, member, key, sent={name: form})


def _open_blockers(request: HttpRequest, office: Office, key: str) -> pf.Choices:
    """The project's open blockers as choices, for the forms that cite or resolve them."""
    return _blocker_choices(_view_or_404(request, office, key))


@require_POST
@office_page
def office_project_status(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    form = pf.StatusForm(request.POST, blockers=_open_blockers(request, office, key))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        project = actions.state_status(
            member=member,
            key=key,
            status=data["status"],
            reason=data["reason"],
            blockers=data["blockers"],
            now=clock.now(),
        )
        status = project.get_status_display().lower()
        message = f"{member.side} states that {project.title} is {status}."
        return message, _project_url(office, key, "status")

    return _project_act(request, office, member, key, "status", form, perform)


@require_POST
@office_page
def office_project_plan(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    _project_or_404(request, office, key)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        project = actions.replan_project(
            member=member,
            key=key,
            start=data["start"],
            end=data["end"],
            reason=data["reason"],
            now=clock.now(),
        )
        message = f"{project.title} now runs {project.current_start} to {project.current_end}."
        return message, _project_url(office, key, "plan")

    form = pf.PlanForm(request.POST)
    return _project_act(request, office, member, key, "plan", form, perform)


@require_POST
@office_page
def office_project_blocker_open(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    _project_or_404(request, office, key)
    form = pf.BlockerForm(request.POST, positions=_positions(office))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        blocker = actions.open_blocker(
            member=member,
            project=key,
            key=data["key"],
            kind=data["kind"],
            description=data["description"],
            opened_on=data["opened_on"],
            position=data["position"],
            now=clock.now(),
        )
        return f"Blocker {blocker.key} opened.", _project_url(office, key, "blockers")

    return _project_act(request, office, member, key, "blocker", form, perform)


@require_POST
@office_page
def office_project_blocker_resolve(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    form = pf.ResolveForm(request.POST, blockers=_open_blockers(request, office, key))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        blocker = actions.resolve_blocker(
            member=member,
            project=key,
            key=data["key"],
            resolved_on=data["resolved_on"],
            resolution=data["resolution"],
            now=clock.now(),
        )
        return f"Blocker {blocker.key} resolved.", _project_url(office, key, "blockers")

    return _project_act(request, office, member, key, "resolve", form, perform)


@require_POST
@office_page
def office_project_dependency_add(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    view = _view_or_404(request, office, key)
    form = pf.DependencyForm(request.POST, projects=_others(office, view))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        actions.add_dependency(
            member=member, project=key, depends_on=data["depends_on"], now=clock.now()
        )
        message = f"{view.project.title} now waits for {data['depends_on']} to be completed."
        return message, _project_url(office, key, "dependencies")

    return _project_act(request, office, member, key, "dependency", form, perform)


@require_POST
@office_page
def office_project_dependency_remove(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    _project_or_404(request, office, key)
    form = pf.RemoveDependencyForm(request.POST)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        actions.remove_dependency(
            member=member, project=key, depends_on=data["depends_on"], now=clock.now()
        )
        message = f"{key} no longer depends on {data['depends_on']}."
        return message, _project_url(office, key, "dependencies")

    return _project_act(request, office, member, key, "undepend", form, perform)


@require_POST
@office_page
def office_project_condition_add(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    _project_or_404(request, office, key)
    form = pf.ConditionForm(request.POST, positions=_positions(office))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        actions.add_condition(
            member=member, project=key, position=data["position"], now=clock.now()
        )
        return "Condition added.", _project_url(office, key, "conditions")

    return _project_act(request, office, member, key, "condition", form, perform)
