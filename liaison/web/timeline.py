"""The office's timeline page: every session outcome and record in date order, filtered
by kind and dates from the query string, each item with its own permalink."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from liaison.lib import clock
from liaison.lib.timezones import DayOutOfRange, check_day, end_of_day, localize
from liaison.offices.models import Member, Office
from liaison.timeline.build import timeline
from liaison.timeline.items import KINDS, Item
from liaison.web.pages import office_page

KIND_LABELS = {
    "proposal": "Proposals",
    "proposal_accepted": "Proposals accepted",
    "proposal_declined": "Proposals declined",
    "proposal_withdrawn": "Proposals withdrawn",
    "proposal_lapsed": "Proposals lapsed",
    "session_held": "Sessions held",
    "session_postponed": "Sessions postponed",
    "session_cancelled": "Sessions cancelled",
    "no_show": "No-shows",
    "excused": "Excused absences",
    "record": "Meeting records",
    "readout": "Readouts",
    "minutes_signed": "Minutes signatures",
    "minutes_agreed": "Minutes agreed",
    "commitment_made": "Commitments made",
    "commitment_status": "Commitment changes",
    "project_status": "Project statuses",
    "project_replanned": "Projects replanned",
    "blocker_opened": "Blockers opened",
    "blocker_resolved": "Blockers resolved",
    "third_party_position": "Third-party positions",
    "third_party_event": "Third-party events",
    "message": "Messages",
    "message_acknowledged": "Acknowledgements",
}


class TimelineFilter(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Show",
        required=False,
        choices=[(k, KIND_LABELS.get(k, k)) for k in KINDS],
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        for name in ("start", "end"):
            day = data.get(name)
            if isinstance(day, dt.date):
                try:
                    check_day(day)
                except DayOutOfRange as exc:
                    self.add_error(name, str(exc))
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day is before the first.")
        return data


def timeline_page(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    now = clock.now()
    today = now.astimezone(office.zone).date()
    form = TimelineFilter(request.GET or None, auto_id="timeline-%s")
    first: dt.date = office.launched_on
    last: dt.date = today
    kinds: list[str] = []
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        items: list[Item] = []
    else:
        data = form.cleaned_data if form.is_bound else {}
        first = data.get("start") or first
        last = data.get("end") or last
        kinds = data.get("kind") or []
        items = timeline(
            office,
            localize(dt.datetime.combine(first, dt.time()), office.zone),
            end_of_day(last, office.zone),
            now,
            kinds,
        )
    days: list[tuple[dt.date, list[tuple[Item, str]]]] = []
    for item in items:
        if not days or days[-1][0] != item.date:
            days.append((item.date, []))
        days[-1][1].append((item, KIND_LABELS.get(item.kind, item.kind)))
    return render(
        request,
        "web/timeline.html",
        {
            "office": office,
            "member": member,
            "nav": "timeline",
            "form": form,
            "count": len(items),
            "days": days,
            "first": first,
            "last": last,
            "kinds": kinds,
        },
        status=status,
    )


office_timeline = require_safe(office_page(timeline_page))
