"""The joint projects' pages and what they share (the office's day, the sides as
choices, the page's common context). The pages, one module each:

- ``projects_board``: the projects by status, and the viewer's own side's private drafts;
- ``projects_drafts``: saving, proposing and discarding a draft;
- ``projects_chart``: the plan chart;
- ``projects_detail``: a project's page with its status history, plans, blockers,
  dependencies and conditions, with the forms of a side's head or deputy.

Each view finds the URL's project (``projects.lookups``) and checks access through
``offices.access`` before it reads the form from ``project_forms``, builds the command
(``projects/commands.py``) and calls one action (``projects/drafts.py``, ``plans.py``,
``blockers.py``), and renders or redirects; reads go through ``projects/overview.py``.
A side's drafts are read only with the viewer's own side (``projects_board._drafts``,
``projects.lookups.own_draft_for``), so no page shows them to the other side or to
observers, and the other side's draft is the same 404 as a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.lib import clock
from liaison.offices.models import Member, Office, Side
from liaison.web import project_forms as pf
from liaison.web.forms import ActionForm
from liaison.web.records import people_of

Forms = dict[str, ActionForm]


def office_day(office: Office) -> dt.date:
    """Projects' days (plans, blockers) are days in the office's zone, as in the actions."""
    return clock.now().astimezone(office.zone).date()


def side_choices(sides: list[Side]) -> pf.Choices:
    return [(s.key, s.name) for s in sides]


def render_page(
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
