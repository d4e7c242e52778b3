"""Read models for the board, the chart, a project's page, the API and the timeline:
each a fixed number of queries however many projects there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from liaison.offices.models import Office
from liaison.projects.models import (
    Blocker,
    Condition,
    Dependency,
    PlanChange,
    Project,
    Status,
    StatusChange,
    ThirdParty,
)


@dataclass(frozen=True)
class ProjectView:
    project: Project
    changes: list[StatusChange]
    plans: list[PlanChange]
    blockers: list[Blocker]
    depends_on: list[Project]
    conditions: list[Condition]
    # Each side's latest statement of the status, by side key.
    views: dict[str, StatusChange]
    today: dt.date

    @property
    def open_blockers(self) -> list[Blocker]:
        return [b for b in self.blockers if b.is_open_on(self.today)]

    @property
    def waiting_on(self) -> list[Project]:
        """Dependencies not completed: the project waits on them."""
        return [p for p in self.depends_on if p.status != Status.COMPLETED]

    @property
    def disagreement(self) -> bool:
        """The two sides' latest statements differ: both are shown, neither wins."""
        return len({c.status for c in self.views.values()}) > 1

    @property
    def slip_days(self) -> int | None:
        return self.project.slip_days


def _views(office: Office, today: dt.date, projects: list[Project]) -> list[ProjectView]:
    result = []
    for project in projects:
        changes = list(project.changes.all())
        views: dict[str, StatusChange] = {}
        for change in changes:
            views[change.side.key] = change
        result.append(
            ProjectView(
                project=project,
                changes=changes,
                plans=list(project.plans.all()),
                blockers=list(project.blockers.all()),
                depends_on=[d.depends_on for d in project.dependencies.all()],
                conditions=list(project.conditions.all()),
                views=views,
                today=today,
            )
        )
    return result


def projects_of(office: Office, today: dt.date, key: str | None = None) -> list[ProjectView]:
    """The office's projects (or the one keyed ``key``) with their histories, blockers,
    dependencies and conditions: seven queries."""
    rows = Project.objects.for_office(office)
    if key is not None:
        rows = rows.filter(key=key)
    rows = rows.select_related("side").prefetch_related(
        Prefetch("changes", queryset=StatusChange.objects.select_related("side")),
        Prefetch("plans", queryset=PlanChange.objects.select_related("side")),
        Prefetch(
            "blockers",
            queryset=Blocker.objects.select_related("side", "position__party"),
        ),
        Prefetch("dependencies", queryset=Dependency.objects.select_related("depends_on")),
        Prefetch("conditions", queryset=Condition.objects.select_related("position__party")),
    )
    return _views(office, today, list(rows.order_by("key")))


def board(views: list[ProjectView]) -> list[tuple[str, str, list[ProjectView]]]:
    """The projects by status, in the machine's order: (status, label, projects)."""
    return [
        (status.value, status.label, [v for v in views if v.project.status == status])
        for status in Status
    ]


def counts_by_status(office: Office, as_of: dt.datetime | None = None) -> dict[str, int]:
    """``projects_by_status`` for ``liaison status``: how many projects stood in each
    status at ``as_of`` (default: now), every status listed, zero included. A project's
    status then is the latest statement made by then."""
    counts = dict.fromkeys(Status.values, 0)
    rows = StatusChange.objects.for_office(office)
    if as_of is not None:
        rows = rows.filter(at__lte=as_of)
    latest: dict[str, str] = {}
    for project, status in rows.order_by("project_id", "number").values_list(
        "project_id", "status"
    ):
        latest[project] = status
    for status in latest.values():
        counts[status] += 1
    return counts


def third_party_rows() -> QuerySet[ThirdParty]:
    """Third parties with their actors, positions (and the blockers citing each) and
    events: a fixed number of queries however many there are."""
    return ThirdParty.objects.prefetch_related(
        "actors", "positions__actor", "events__actor", "positions__blockers__project"
    )


def third_parties_of(office: Office) -> list[ThirdParty]:
    return list(third_party_rows().filter(office=office))
