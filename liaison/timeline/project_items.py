"""The chronology's joint projects (status statements, replanning, blockers opened and
resolved) and third parties' positions and events."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from liaison.projects.models import Blocker, ExternalEvent, PlanChange, Position, StatusChange
from liaison.timeline.items import Item, Window


def statuses(w: Window) -> Iterable[Item]:
    rows = StatusChange.objects.filter(office=w.office, at__range=(w.start, w.end)).select_related(
        "side", "project"
    )
    for c in rows:
        project = c.project
        if c.number == 1:
            title = f"{c.side.name} proposed the project “{project.title}”"
        else:
            title = f"{c.side.name} states “{project.title}” {c.get_status_display().lower()}"
            if c.reason:
                title += f": {c.reason}"
            if c.blockers:
                title += f" (blocked by {', '.join(c.blockers)})"
        yield w.item(
            c.at,
            "project_status",
            title,
            c.side.key,
            w.project_link(project.key),
            f"{project.key}:{c.number}",
        )


def plans(w: Window) -> Iterable[Item]:
    rows = PlanChange.objects.filter(
        office=w.office, number__gt=1, at__range=(w.start, w.end)
    ).select_related("side", "project")
    for p in rows:
        title = f"“{p.project.title}” replanned for {p.start:%d %b %Y} to {p.end:%d %b %Y}"
        if p.reason:
            title += f": {p.reason}"
        yield w.item(
            p.at,
            "project_replanned",
            title,
            p.side.key,
            w.project_link(p.project.key),
            f"{p.project.key}:{p.number}",
        )


def blockers(w: Window) -> Iterable[Item]:
    first, last = w.days()
    rows = (
        Blocker.objects.filter(office=w.office)
        .filter(Q(opened_on__range=(first, last)) | Q(resolved_on__range=(first, last)))
        .select_related("side", "project")
    )
    for b in rows:
        link = w.project_link(b.project.key) + f"#blocker-{b.key}"
        key = f"{b.project.key}:{b.key}"
        if first <= b.opened_on <= last:
            yield w.day_item(
                b.opened_on,
                "blocker_opened",
                f"“{b.project.title}” blocked: {b.description}",
                b.side.key,
                link,
                key,
            )
        if b.resolved_on is not None and first <= b.resolved_on <= last:
            yield w.day_item(
                b.resolved_on,
                "blocker_resolved",
                f"“{b.project.title}” no longer blocked: {b.resolution or b.description}",
                b.side.key,
                link,
                key,
            )


def third_parties(w: Window) -> Iterable[Item]:
    first, last = w.days()
    positions = Position.objects.filter(
        office=w.office, stated_on__range=(first, last)
    ).select_related("party", "actor")
    for p in positions:
        who = f"{p.actor.name} ({p.party.name})" if p.actor else p.party.name
        yield w.day_item(
            p.stated_on,
            "third_party_position",
            f"{who}: {p.summary}",
            None,
            w.third_party_link(p.party.key) + f"#position-{p.key}",
            f"{p.party.key}:{p.key}",
        )
    # Expected events may lie after today, up to the end asked for.
    first, horizon = w.days(w.horizon)
    events = ExternalEvent.objects.filter(
        office=w.office, on__range=(first, horizon)
    ).select_related("party", "actor")
    for e in events:
        state = {"expected": " (expected)", "called_off": " (called off)"}.get(e.status, "")
        who = f"{e.actor.name} ({e.party.name})" if e.actor else e.party.name
        yield w.day_item(
            e.on,
            "third_party_event",
            f"{who}: {e.title}{state}",
            None,
            w.third_party_link(e.party.key) + f"#event-{e.key}",
            f"{e.party.key}:{e.key}",
        )
