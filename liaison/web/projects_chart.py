"""The plan chart: every project's original and current plan on one time axis."""

from __future__ import annotations

import datetime as dt
import math

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from liaison.offices.models import Member, Office
from liaison.projects import chart, overview
from liaison.web.pages import office_page
from liaison.web.projects import office_day, render_page

TICK_LABEL = 56  # the width a month's label needs, in the chart's units


def _window(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date] | None:
    return (start, end) if start is not None and end is not None else None


@require_safe
@office_page
def office_project_chart(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    today = office_day(office)
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
    return render_page(
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
