"""The schedule page: cadences with their history, the sessions of a month, and (for a
side's head or deputy) proposing a cadence, its end, or an ad hoc session. What the
page shows is read by ``web/schedule.py``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.meetings import proposals as proposal_views
from liaison.meetings import proposing
from liaison.meetings.commands import ProposeCadence, ProposeCadenceEnd, ProposeSession
from liaison.meetings.shared import local_start
from liaison.meetings.standing import SessionOutcome, outcomes_between
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.web import forms, schedule
from liaison.web.pages import office_page, run_form
from liaison.web.templatetags.liaison_web import when

TIMING_FIELDS = ("duration_minutes", "grace_minutes", "required_level")
# The cadence form's fields that are the command's as they stand (``effective`` is made
# of two).
CADENCE_FIELDS = ("key", "title", "rule", "starts_on", "start_time", *TIMING_FIELDS, "reason")


@dataclass(frozen=True)
class ScheduleRow:
    outcome: SessionOutcome
    status: str


def _cadence_initial(cards: list[schedule.CadenceCard], key: str) -> dict[str, Any]:
    """The form's starting values to change cadence ``key``: its version shown now."""
    card = next((c for c in cards if c.key == key), None)
    if card is None:
        return {}
    cadence = card.shown.cadence
    return {
        "key": cadence.key,
        "title": cadence.title,
        "rule": cadence.rule,
        "starts_on": cadence.starts_on,
        "start_time": cadence.start_time,
        "duration_minutes": cadence.duration_minutes,
        "grace_minutes": cadence.grace_minutes,
        "required_level": cadence.required_level,
    }


def _endable(cards: list[schedule.CadenceCard]) -> list[tuple[str, str]]:
    """The cadences that can still be ended: (key, label) for a choice field."""
    return [(c.key, f"{c.shown.cadence.title} ({c.key})") for c in cards if not c.ended]


def _schedule_forms(
    request: HttpRequest,
    office: Office,
    member: Member,
    cards: list[schedule.CadenceCard],
    sent: dict[str, forms.ActionForm],
) -> dict[str, forms.ActionForm]:
    """The forms the member may use on the schedule page; a form just sent replaces its blank."""
    if not member.can_act_for_side:
        return {}
    result: dict[str, forms.ActionForm] = {
        "cadence": forms.CadenceForm(
            zone_name=office.time_zone,
            initial=_cadence_initial(cards, request.GET.get("change", "")),
        ),
        "adhoc": forms.AdHocSessionForm(zone_name=office.time_zone),
    }
    keys = _endable(cards)
    if keys:
        result["end"] = forms.EndCadenceForm(zone_name=office.time_zone, keys=keys)
    result.update(sent)
    return result


def _schedule_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    sent: dict[str, forms.ActionForm] | None = None,
) -> HttpResponse:
    now = clock.now()
    zone = timezone.get_current_timezone()  # the viewer's, set by ``office_page``
    this_month = schedule.Month.of(now.astimezone(zone).date())
    lowest = min(schedule.Month.of(office.launched_on), this_month)
    highest = this_month.shift(schedule.MONTHS_AHEAD)
    month, month_error = schedule.parse_month(
        request.GET.get("month", ""), this_month, lowest, highest
    )
    start, end = month.bounds(zone)
    sides = list(office.sides.all())
    rows = [
        ScheduleRow(outcome=o, status=schedule.session_status(o, now))
        for o in outcomes_between(office, sides, start, end, now)
    ]
    cards = schedule.cadence_cards(office, now)
    query = urlencode({"month": month.param}) if month != this_month else ""
    return render(
        request,
        "web/schedule.html",
        {
            "office": office,
            "member": member,
            "now": now,
            "sides": sides,
            "cadences": cards,
            "month": month,
            "this_month": this_month,
            "month_error": month_error,
            "previous_month": month.shift(-1) if month > lowest else None,
            "next_month": month.shift(1) if month < highest else None,
            "rows": rows,
            "query": f"?{query}" if query else "",
            "forms": _schedule_forms(request, office, member, cards, sent or {}),
            "open_proposals": proposal_views.open_proposals(office, now),
            "recent_proposals": proposal_views.recent_proposals(office, now),
            "nav": "schedule",
        },
        status=400 if sent or month_error else 200,
    )


@require_safe
@office_page
def office_schedule(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    return _schedule_page(request, office, member)


def _schedule_act(
    request: HttpRequest,
    office: Office,
    member: Member,
    name: str,
    form: forms.ActionForm,
    perform: Callable[[dict[str, Any]], tuple[str, str]],
) -> HttpResponse:
    """Run ``perform`` on the form's data; a refusal is shown on the schedule page."""
    done = run_form(request, form, perform)
    return done or _schedule_page(request, office, member, sent={name: form})


def _effective(office: Office, data: dict[str, Any]) -> dt.datetime | None:
    """The form's "from" date and time in the office's zone; None (now) when left empty."""
    if data["effective_date"] is None:
        return None
    return local_start(office, data["effective_date"], data["effective_time"])


@require_POST
@office_page
def office_cadence_set(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = ProposeCadence(
            **forms.given(data, *CADENCE_FIELDS), effective=_effective(office, data)
        )
        proposal = proposing.propose_cadence(member=member, command=command, now=clock.now())
        message = (
            f"Cadence {proposal.subject} proposed (proposal {proposal.key}): it binds both "
            f"sides once the other side accepts it, by {when(proposal.answer_by)}."
        )
        return message, reverse("proposal-detail", args=[office.slug, proposal.key])

    form = forms.CadenceForm(request.POST, zone_name=office.time_zone)
    return _schedule_act(request, office, member, "cadence", form, perform)


@require_POST
@office_page
def office_session_schedule(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = ProposeSession(
            **forms.given(data, "title", *TIMING_FIELDS),
            start=local_start(office, data["date"], data["time"]),
        )
        proposal = proposing.propose_session(member=member, command=command, now=clock.now())
        message = (
            f"Session proposed (proposal {proposal.key}): it takes place once the other "
            f"side accepts it, by {when(proposal.answer_by)}."
        )
        return message, reverse("session-detail", args=[office.slug, proposal.subject])

    form = forms.AdHocSessionForm(request.POST, zone_name=office.time_zone)
    return _schedule_act(request, office, member, "adhoc", form, perform)


@require_POST
@office_page
def office_cadence_end(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    now = clock.now()

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = ProposeCadenceEnd(
            **forms.given(data, "key", "reason"), effective=_effective(office, data)
        )
        proposal = proposing.propose_cadence_end(member=member, command=command, now=now)
        message = (
            f"End of cadence {data['key']} proposed (proposal {proposal.key}): it ends once "
            "the other side accepts it."
        )
        return message, reverse("proposal-detail", args=[office.slug, proposal.key])

    form = forms.EndCadenceForm(
        request.POST, zone_name=office.time_zone, keys=_endable(schedule.cadence_cards(office, now))
    )
    return _schedule_act(request, office, member, "end", form, perform)
