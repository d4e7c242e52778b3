"""A project's page: its status history, plans, blockers, dependencies and conditions,
with the forms of a side's head or deputy; a refusal is shown on the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.projects import blockers, overview, plans
from liaison.projects.commands import (
    AddCondition,
    AddDependency,
    OpenBlocker,
    RemoveDependency,
    Replan,
    ResolveBlocker,
    StateStatus,
)
from liaison.projects.lookups import project_for, project_view_for
from liaison.projects.models import Dependency, Position, Project
from liaison.projects.rules import in_order
from liaison.web import project_forms as pf
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page, run_form
from liaison.web.projects import Forms, office_day, render_page


def _positions(office: Office) -> pf.Choices:
    """Every third party's positions, named as the actions take them: ``party/key``."""
    rows = (
        Position.objects.for_office(office)
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
    rows = Project.objects.for_office(office).order_by("key").values_list("key", "title")
    return [(k, f"{t} ({k})") for k, t in rows if k not in taken]


def _project_forms(
    office: Office, member: Member, view: overview.ProjectView, sent: Forms
) -> Forms:
    """The forms a side's head or deputy may use on the project now."""
    if not member.can_act_for_side:
        return {}
    project = view.project
    positions = _positions(office)
    open_blockers = _blocker_choices(view)
    result: Forms = {
        "status": pf.StatusForm(blockers=open_blockers, initial={"status": project.status}),
        "plan": pf.PlanForm(initial={"start": project.current_start, "end": project.current_end}),
        "blocker": pf.BlockerForm(positions=positions, initial={"opened_on": view.today}),
    }
    if open_blockers:
        result["resolve"] = pf.ResolveForm(
            blockers=open_blockers, initial={"resolved_on": view.today}
        )
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
    view = project_view_for(member, key, office_day(office))
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
    return render_page(
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


def _open_blockers(office: Office, member: Member, key: str) -> pf.Choices:
    """The project's open blockers as choices, for the forms that cite or resolve them."""
    return _blocker_choices(project_view_for(member, key, office_day(office)))


@require_POST
@office_page
def office_project_status(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    form = pf.StatusForm(request.POST, blockers=_open_blockers(office, member, key))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = StateStatus(key=key, **pf.given(data))
        project = plans.state_status(member=member, command=command, now=clock.now())
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
    project_for(member, key)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = Replan(key=key, **pf.given(data))
        project = plans.replan_project(member=member, command=command, now=clock.now())
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
    project_for(member, key)
    form = pf.BlockerForm(request.POST, positions=_positions(office))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = OpenBlocker(project=key, **pf.given(data))
        blocker = blockers.open_blocker(member=member, command=command, now=clock.now())
        return f"Blocker {blocker.key} opened.", _project_url(office, key, "blockers")

    return _project_act(request, office, member, key, "blocker", form, perform)


@require_POST
@office_page
def office_project_blocker_resolve(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    form = pf.ResolveForm(request.POST, blockers=_open_blockers(office, member, key))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = ResolveBlocker(project=key, **pf.given(data))
        blocker = blockers.resolve_blocker(member=member, command=command, now=clock.now())
        return f"Blocker {blocker.key} resolved.", _project_url(office, key, "blockers")

    return _project_act(request, office, member, key, "resolve", form, perform)


@require_POST
@office_page
def office_project_dependency_add(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    view = project_view_for(member, key, office_day(office))
    form = pf.DependencyForm(request.POST, projects=_others(office, view))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = AddDependency(project=key, depends_on=data["depends_on"])
        blockers.add_dependency(member=member, command=command, now=clock.now())
        message = f"{view.project.title} now waits for {data['depends_on']} to be completed."
        return message, _project_url(office, key, "dependencies")

    return _project_act(request, office, member, key, "dependency", form, perform)


@require_POST
@office_page
def office_project_dependency_remove(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    project_for(member, key)
    form = pf.RemoveDependencyForm(request.POST)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = RemoveDependency(project=key, depends_on=data["depends_on"])
        blockers.remove_dependency(member=member, command=command, now=clock.now())
        message = f"{key} no longer depends on {data['depends_on']}."
        return message, _project_url(office, key, "dependencies")

    return _project_act(request, office, member, key, "undepend", form, perform)


@require_POST
@office_page
def office_project_condition_add(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    project_for(member, key)
    form = pf.ConditionForm(request.POST, positions=_positions(office))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = AddCondition(project=key, position=data["position"])
        blockers.add_condition(member=member, command=command, now=clock.now())
        return "Condition added.", _project_url(office, key, "conditions")

    return _project_act(request, office, member, key, "condition", form, perform)
